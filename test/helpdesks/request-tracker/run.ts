// For people: installs Request Tracker 5 if needed, runs a private seeded instance, prints how to
// sign in and how to point Baton at it, and stops it on Ctrl-C.
// Usage: node --import tsx test/helpdesks/request-tracker/run.ts
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { rtInstalled, startRtInstance } from './rt-instance.js';

if (!rtInstalled()) {
  console.log('Request Tracker 5 is not installed; installing it from Debian packages (about 2 minutes)...');
  const install = spawnSync('bash', [path.join(import.meta.dirname, 'install.sh')], { stdio: 'inherit' });
  if (install.status !== 0) process.exit(install.status ?? 1);
}

console.log('Starting a private Request Tracker instance (about 15 s)...');
const rt = await startRtInstance({ label: 'by-hand' });
const users = [rt.root, rt.agentInTeam, rt.agentOutsideTeam, rt.batonUser];
const settings = { url: rt.url, username: rt.batonUser.name, password: rt.batonUser.password, queue: rt.queue, pollIntervalMs: 2000 };

console.log(`
Request Tracker 5 runs at ${rt.url}/  (queue ${rt.queue})

Sign in as:
${users.map((user) => `  ${user.name.padEnd(6)} / ${user.password.padEnd(15)} ${user.realName} <${user.email}>`).join('\n')}
  (alice is the agent in Baton's escalated team, bob an agent outside it, baton the connector's account)

Send a customer mail into the queue:
  printf 'From: Ann <ann@example.test>\\nSubject: Hello\\n\\nWhere is my order?\\n' | \\
    rt-mailgate --url ${rt.url} --queue ${rt.queue} --action correspond
  (add " [rt.example.test #N]" to the subject to reply on ticket N)

Point Baton at it: connector "rt" with the settings
  ${JSON.stringify(settings)}
and open ${rt.url}/Ticket/Display.html?id=1 in the browser with the extension.

Ctrl-C stops the server and removes the instance.`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping Request Tracker...');
  rt.stop().then(
    () => process.exit(0),
    (error: unknown) => (console.error(error), process.exit(1)),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
