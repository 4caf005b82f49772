// Seeds a fresh private Request Tracker instance: runs rt-seed.pl once with the users and rights of rt-users.ts.
import path from 'node:path';
import { runCommand } from './rt-command.js';
import { AGENT_QUEUE_RIGHTS, AGENT_SYSTEM_RIGHTS, EVERYONE_RIGHTS, RT_AGENTS, RT_QUEUE, RT_ROOT } from './rt-users.js';

const SEED_SCRIPT = path.join(import.meta.dirname, 'rt-seed.pl');

/** Seeds the instance whose config `env.RT_SITE_CONFIG_DIR` names (one Perl process, a few seconds). */
export async function seedInstance(env: NodeJS.ProcessEnv): Promise<void> {
  const seed = {
    queue: RT_QUEUE,
    everyoneRights: EVERYONE_RIGHTS,
    agentRights: AGENT_QUEUE_RIGHTS,
    agentSystemRights: AGENT_SYSTEM_RIGHTS,
    root: RT_ROOT,
    agents: Object.values(RT_AGENTS),
  };
  await runCommand('perl', [SEED_SCRIPT], { env, input: JSON.stringify(seed) });
}
