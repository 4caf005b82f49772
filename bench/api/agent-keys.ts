// Agents and their agent-bound API keys, made with the admin dev token through the tRPC admin
// procedures (as the integration tests do): the extension's credential, one per agent, so the
// backend resolves and caches several principals as it would for a team.
import { createTrpc } from '../support/admin-trpc';
import type { HttpClient } from './trpc-call';

export async function createAgentKeys(client: HttpClient, url: string, devToken: string, count: number): Promise<string[]> {
  const admin = createTrpc(client, url, devToken);
  const keys: string[] = [];
  for (let index = 0; index < count; index++) {
    const agent = await admin.mutate<{ id: string }>('agents.create', { email: `bench-agent-${index}@demo.test`, name: `Bench agent ${index}` });
    const { key } = await admin.mutate<{ key: string }>('apiKeys.create', { name: `bench agent ${index}`, role: 'agent', agentId: agent.id });
    keys.push(key);
  }
  return keys;
}
