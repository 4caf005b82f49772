// Routing rules (SPEC §5.3): any agent reads them, admins replace the ordered list whole, validated
// on save (the shape by zod in shared/routing-rules.ts; here, that every team is the tenant's).
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import type { RoutingRule } from '../../../shared/routing-rules.js';
import { RoutingRuleEntity, type RoutingRuleRow } from '../db/entities/escalation.entities.js';
import { TeamEntity } from '../db/entities/tenancy.entities.js';
import { DomainError } from '../domain/errors.js';
import { withTransaction, type Infrastructure } from './unit-of-work.js';

const ruleDto = (row: RoutingRuleRow): RoutingRule & { id: string; position: number; updatedAt: string } => ({
  id: row.id,
  position: row.position,
  name: row.name,
  enabled: row.enabled,
  condition: row.condition,
  actions: row.actions,
  updatedAt: row.updatedAt.toISOString(),
});

/** The tenant's rules in evaluation order (all of them; the caller skips disabled ones). */
export async function loadRules(manager: EntityManager, tenantId: string): Promise<RoutingRule[]> {
  const rows = await manager.getRepository(RoutingRuleEntity).find({ where: { tenantId }, order: { position: 'ASC' } });
  return rows.map(ruleDto);
}

export function createRulesService(infra: Infrastructure) {
  return {
    list: async (principal: Principal) => (await infra.db.getRepository(RoutingRuleEntity).find({ where: { tenantId: principal.tenantId }, order: { position: 'ASC' } })).map(ruleDto),

    /** Replaces the tenant's rules with `rules`, in that order; a rule keeps its id (and creation time) when it sends it. */
    async save(principal: Principal, rules: RoutingRule[]) {
      return withTransaction(infra, principal.tenantId, async (uow) => {
        const teams = new Set((await uow.manager.getRepository(TeamEntity).findBy({ tenantId: principal.tenantId })).map((team) => team.id));
        rules.forEach((rule, ruleIndex) =>
          rule.actions.forEach((action, actionIndex) => {
            if (action.type === 'escalate' && !teams.has(action.teamId)) throw new DomainError('BAD_REQUEST', 'No such team in this tenant', `rules.${ruleIndex}.actions.${actionIndex}.teamId`);
          }),
        );
        const repository = uow.manager.getRepository(RoutingRuleEntity);
        const before = await repository.findBy({ tenantId: principal.tenantId });
        const createdAt = new Map(before.map((row) => [row.id, row.createdAt]));
        const seen = new Set<string>();
        const rows: RoutingRuleRow[] = rules.map((rule, position) => {
          // An id from another tenant, or sent twice, starts a new rule: ids are never shared.
          const id = rule.id && createdAt.has(rule.id) && !seen.has(rule.id) ? rule.id : randomUUID();
          seen.add(id);
          return { id, tenantId: principal.tenantId, position, name: rule.name, enabled: rule.enabled, condition: rule.condition, actions: rule.actions, createdAt: createdAt.get(id) ?? uow.now, updatedAt: uow.now };
        });
        await repository.delete({ tenantId: principal.tenantId });
        if (rows.length > 0) await repository.insert(rows as never);
        await uow.record({ type: 'rules.changed', actor: principal.actor, before: { count: before.length }, after: { count: rows.length, names: rows.map((row) => row.name) } });
        return rows.map(ruleDto);
      });
    },
  };
}
