// A private Request Tracker 5 for tests and for trying Baton by hand: its own folder, SQLite database
// and config, rt-server on a free 127.0.0.1 port (web path /rt), seeded with the queue, rights and
// agents of rt-users.ts. Recipe: /work/shared/reference/request-tracker.md.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { firstExisting, RT_PATHS, RT_WEB_PATH, writeSiteConfig } from './rt-config.js';
import { runCommand } from './rt-command.js';
import { mailThroughMailgate, type CustomerMail } from './rt-mail.js';
import { restRequest, type RestMethod } from './rt-rest.js';
import { seedInstance } from './rt-seed.js';
import { startRtServer } from './rt-server.js';
import { RT_AGENTS, RT_QUEUE, RT_ROOT, type RtUser } from './rt-users.js';
import { replyThroughWebForm } from './rt-web-reply.js';

export type { RtUser } from './rt-users.js';

/** Whether Debian's Request Tracker 5 is installed (test/helpdesks/request-tracker/install.sh). */
export function rtInstalled(): boolean {
  return fs.existsSync(RT_PATHS.server) && RT_PATHS.mailgate.some((candidate) => fs.existsSync(candidate));
}

export interface RtInstance {
  /** e.g. http://127.0.0.1:PORT/rt (web path /rt). */
  url: string;
  port: number;
  /** root / password. */
  root: RtUser;
  /** Privileged RT user; the Baton team member. */
  agentInTeam: RtUser;
  /** Privileged RT user who is not in the escalated Baton team. */
  agentOutsideTeam: RtUser;
  /** Privileged RT user Baton's connector uses for REST2. */
  batonUser: RtUser;
  /** 'General'. */
  queue: string;
  /** A customer email through rt-mailgate (correspond); answers the ticket id (a new ticket unless ticketId). */
  mailCustomer(mail: CustomerMail): Promise<number>;
  /** REST2 as root: rest('GET', '/ticket/1/history') → parsed JSON. Path is below /REST/2.0. */
  rest<T = unknown>(method: RestMethod, path: string, body?: unknown): Promise<T>;
  /** Reply as an RT agent through RT's own web reply form (HTTP, no browser): answers the new transaction id. */
  replyAs(user: RtUser, ticketId: number, text: string, kind: 'correspond' | 'comment'): Promise<number>;
  stop(): Promise<void>;
}

/** How long each start-up step took (ms), for reports. */
export interface RtStartTimings {
  setupDatabaseMs: number;
  seedMs: number;
  serverMs: number;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The timings of the last startRtInstance() in this process. */
export let lastRtStartTimings: RtStartTimings | null = null;

/**
 * Starts a private SQLite instance on a free port (about 10-15 s on 2 cores). Call stop() when done:
 * it kills the server's process group and removes the instance's folder.
 *
 * @example const rt = await startRtInstance({ label: 'connector' }); const ticketId = await rt.mailCustomer({ from: 'ann@example.test', subject: 'Hi', body: 'Hello' });
 */
export async function startRtInstance(options: { label?: string } = {}): Promise<RtInstance> {
  if (!rtInstalled()) throw new Error('Request Tracker 5 is not installed: run test/helpdesks/request-tracker/install.sh (as root)');
  const label = (options.label ?? 'instance').replace(/[^a-z0-9-]/gi, '-');
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), `baton-rt-${label}-`));
  const removeFolder = () => fs.rmSync(folder, { recursive: true, force: true });
  try {
    const port = await freePort();
    const configDir = path.join(folder, 'RT_SiteConfig.d');
    writeSiteConfig(folder, configDir, port);
    const env: NodeJS.ProcessEnv = { ...process.env, RT_SITE_CONFIG_DIR: configDir };

    let started = Date.now();
    await runCommand(firstExisting(RT_PATHS.setupDatabase), ['--action', 'init', '--skip-create'], { env, timeoutMs: 120_000 });
    const setupDatabaseMs = Date.now() - started;
    started = Date.now();
    await seedInstance(env);
    const seedMs = Date.now() - started;
    started = Date.now();
    const server = await startRtServer(port, env);
    lastRtStartTimings = { setupDatabaseMs, seedMs, serverMs: Date.now() - started };

    const url = `http://127.0.0.1:${port}${RT_WEB_PATH}`;
    let stopped: Promise<void> | null = null;
    return {
      url,
      port,
      root: RT_ROOT,
      ...RT_AGENTS,
      queue: RT_QUEUE,
      mailCustomer: (mail) => mailThroughMailgate(url, RT_QUEUE, mail, RT_ROOT),
      rest<T = unknown>(method: RestMethod, restPath: string, body?: unknown) {
        return restRequest<T>(url, RT_ROOT, method, restPath, body);
      },
      replyAs: (user, ticketId, text, kind) => replyThroughWebForm({ rtUrl: url, historyReader: RT_ROOT, user, ticketId, text, kind }),
      stop: () => (stopped ??= server.stop().finally(removeFolder)),
    };
  } catch (error) {
    removeFolder();
    throw error;
  }
}
