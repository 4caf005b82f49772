// The demo tenant as the bench needs it, set through the admin API: reply cadence on with holds longer
// than any run (replies are drafted and held, never sent while measuring), and one routing rule that
// escalates messages containing the keyword to the tenant's first team.
import type { Trpc } from '../support/admin-trpc';

export const RULE_KEYWORD = 'refund';

/** Longer than any run: a drafted reply stays pending until the database is dropped. */
const HOLD = { minDelaySeconds: 3000, maxDelaySeconds: 3600 };

export async function setUpTenant(trpc: Trpc): Promise<{ teamId: string }> {
  const { version } = await trpc.query<{ version: number }>('settings.get');
  await trpc.mutate('settings.update', { expectedVersion: version, replyCadence: { enabled: true, ...HOLD } });

  const teams = await trpc.query<{ id: string; name: string }[]>('teams.list');
  const team = teams[0];
  if (!team) throw new Error('the demo tenant has no team to escalate to');
  const rules = await trpc.query<{ version: number }>('rules.list');
  await trpc.mutate('rules.save', {
    expectedVersion: rules.version,
    rules: [{ name: 'Refunds', condition: { keywords: [RULE_KEYWORD] }, actions: [{ type: 'escalate', teamId: team.id, reason: 'The customer asks for a refund', reasonCode: 'billing' }] }],
  });
  return { teamId: team.id };
}
