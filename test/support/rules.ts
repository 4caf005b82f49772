// Replaces a tenant's routing rules the way the options page does: read the current version, then
// save naming it (rules.save refuses a stale version with CONFLICT).
import type { RoutingRuleInput } from '../../shared/routing-rules.js';
import type { TestClient } from './trpc-client.js';

/**
 * Reads the rules' version as `client`, then saves `rules` with it; answers what rules.save answers.
 * @example await saveRules(admin, [{ name: 'Refunds', condition: { keywords: ['refund'] }, actions: [{ type: 'tag', tag: 'billing' }] }])
 */
export async function saveRules(client: TestClient, rules: RoutingRuleInput[]) {
  const { version } = await client.rules.list.query();
  return client.rules.save.mutate({ rules, expectedVersion: version });
}
