// Routing rules (SPEC §5.3): any agent reads them, admins replace the ordered list whole, validated
// on save (the shape by zod in shared/routing-rules.ts; here, that every team is the tenant's) and
// versioned (a save names the version it edits, so two admins never overwrite each other silently).
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { Principal } from '../../auth/principal.js';
import type { RoutingRule, RulesSaveInput, StoredRoutingRule, VersionedRoutingRules } from '../../../../shared/routing-rules.js';
import { RoutingRuleEntity, RoutingRuleSetEntity, type RoutingRuleRow } from '../../db/entities/escalation.entities.js';
import { TeamEntity } from '../../db/entities/tenancy.entities.js';
import { isUniqueViolation } from '../../db/errors.js';
import { DomainError } from '../../domain/errors.js';
import type { TenantDocumentCache } from '../../platform/tenant-document-cache.js';
import { withTransaction, type Infrastructure, type UnitOfWork } from '../../platform/unit-of-work.js';

const ruleDto = (row: RoutingRuleRow): StoredRoutingRule => ({
  id: row.id,
  position: row.position,
  name: row.name,
  enabled: row.enabled,
  condition: row.condition,
  actions: row.actions,
  updatedAt: row.updatedAt.toISOString(),
});

const rulesCaches = new WeakMap<DataSource, TenantDocumentCache<StoredRoutingRule[]>>();

/** From now on `loadRules` on this database answers from `cache` where it can (dropped by `rules.changed`). */
export function useRulesCache(db: DataSource, cache: TenantDocumentCache<StoredRoutingRule[]>): void {
  rulesCaches.set(db, cache);
}

/**
 * The tenant's rules in evaluation order (all of them; the caller skips disabled ones): this
 * process's copy of the current version when it has one (read once per version, not per message).
 */
export async function loadRules(manager: EntityManager, tenantId: string): Promise<RoutingRule[]> {
  const cache = rulesCaches.get(manager.connection);
  if (!cache) return readRules(manager, tenantId);
  // The version first (as `list` does): a copy is never labelled newer than its rules.
  return cache.read(tenantId, async () => {
    const version = await rulesVersion(manager, tenantId);
    return { version, document: await readRules(manager, tenantId) };
  });
}

async function readRules(manager: EntityManager, tenantId: string): Promise<StoredRoutingRule[]> {
  const rows = await manager.getRepository(RoutingRuleEntity).find({ where: { tenantId }, order: { position: 'ASC' } });
  return rows.map(ruleDto);
}

/** The stored version of the tenant's rules; 0 when they were never saved. */
async function rulesVersion(manager: EntityManager, tenantId: string): Promise<number> {
  return (await manager.getRepository(RoutingRuleSetEntity).findOneBy({ tenantId }))?.version ?? 0;
}

/** The CONFLICT an admin sees when someone else saved the rules first (the editor offers to reload). */
const rulesChangedMeanwhile = () =>
  new DomainError('CONFLICT', 'Another admin changed the routing rules since you opened them; reload to see their changes', 'expectedVersion');

/**
 * Moves the version from `expectedVersion` to the next one, or throws CONFLICT. Race-free: a
 * conditional update (a concurrent one waits for the row lock, then finds the version moved on), or
 * for version 0 an insert that a concurrent insert makes fail on the primary key.
 */
async function claimNextVersion(uow: UnitOfWork, tenantId: string, expectedVersion: number): Promise<number> {
  const repository = uow.manager.getRepository(RoutingRuleSetEntity);
  const version = expectedVersion + 1;
  if (expectedVersion === 0) {
    try {
      await repository.insert({ tenantId, version, updatedAt: uow.now });
    } catch (error) {
      if (isUniqueViolation(error)) throw rulesChangedMeanwhile();
      throw error;
    }
    return version;
  }
  const updated = await repository.update({ tenantId, version: expectedVersion }, { version, updatedAt: uow.now });
  if (!updated.affected) throw rulesChangedMeanwhile();
  return version;
}

export function createRulesService(infra: Infrastructure) {
  return {
    /** Any agent: the rules in evaluation order and their version (non-admins see them read-only). */
    async list(principal: Principal): Promise<VersionedRoutingRules> {
      // The version first: rules saved between the two reads make a later save a CONFLICT (safe), never a silent overwrite.
      const version = await rulesVersion(infra.db.manager, principal.tenantId);
      return { rules: await readRules(infra.db.manager, principal.tenantId), version };
    },

    /**
     * Replaces the tenant's rules with `rules`, in that order, if their version is still
     * `expectedVersion` (else CONFLICT, nothing changed); a rule keeps its id (and creation time)
     * when it sends it. Answers the rules as saved and their new version.
     */
    async save(principal: Principal, { rules, expectedVersion }: RulesSaveInput): Promise<VersionedRoutingRules> {
      return withTransaction(infra, principal.tenantId, async (uow) => {
        // Claimed first: a concurrent save of the same version waits here, then fails; the loser changes nothing.
        const version = await claimNextVersion(uow, principal.tenantId, expectedVersion);
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
        await uow.record({
          type: 'rules.changed',
          actor: principal.actor,
          before: { count: before.length, version: expectedVersion },
          after: { count: rows.length, names: rows.map((row) => row.name), version },
        });
        return { rules: rows.map(ruleDto), version };
      });
    },
  };
}
