// Settings and routing rules cached per process (issue 13) on MariaDB + Redis with two backends: repeated reads cost no
// statement, and a change made through one process is what the other reads right after — its copy is
// dropped by the bus before the next customer message needs it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { readTenantSettings } from '../../backend/src/platform/tenant-settings.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { createTestClient } from '../support/trpc-client.js';
import { updateSettings } from '../support/settings.js';
import { saveRules } from '../support/rules.js';
import { loadRules } from '../../backend/src/features/settings/rules.service.js';

let first: TestBackend;
let second: TestBackend;
let acme: CreatedTenant;

beforeAll(async () => {
  first = await startTestBackend('settings_cache', { dialect: 'mysql', redis: true });
  second = await startTestBackend('settings_cache', { dialect: 'mysql', redis: true, database: first.database! });
  acme = await first.createTenant('acme');
});

afterAll(async () => {
  await second?.stop();
  await first?.stop();
});

/** Statements `backend` sends while `work` runs. */
async function statementsDuring(backend: TestBackend, work: () => Promise<unknown>): Promise<string[]> {
  const logger = backend.server.db.logger as { logQuery: (query: string) => void };
  const original = logger.logQuery;
  const seen: string[] = [];
  logger.logQuery = (query: string) => void seen.push(query);
  try {
    await work();
  } finally {
    logger.logQuery = original;
  }
  return seen;
}

/** The statements 20 reads by `read` on `second` send, once its copy is in place (Redis confirmed the subscription). */
async function statementsOfRepeatedReads(read: () => Promise<unknown>): Promise<string[]> {
  await read();
  await new Promise((resolve) => setTimeout(resolve, 200));
  await read();
  return statementsDuring(second, async () => {
    for (let index = 0; index < 20; index++) await read();
  });
}

/** What `read` answers once it equals `expected`, or after a second (the bus delivers within it). */
async function readUntil<T>(read: () => Promise<T>, expected: T): Promise<T> {
  const deadline = Date.now() + 1000;
  let seen = await read();
  while (seen !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    seen = await read();
  }
  return seen;
}

const readOn = (backend: TestBackend) => readTenantSettings(backend.server.db.manager, acme.tenant.id);

describe('tenant settings cached per process', () => {
  it('reads the stored document once, then answers from the copy', async () => {
    const statements = await statementsOfRepeatedReads(() => readOn(second));
    expect(statements.filter((query) => /FROM `settings`/.test(query))).toEqual([]);
  });

  it('a change saved through one process is read by the other right after', async () => {
    await readOn(second);
    const admin = createTestClient(first.server.url, acme.apiKey);
    for (const minutes of [41, 42, 43]) {
      await updateSettings(admin, { slaResponseMinutes: minutes });
      expect(await readUntil(async () => (await readOn(second)).slaResponseMinutes, minutes)).toBe(minutes);
      // And the writing process itself, at once (it dropped its copy at the commit).
      expect((await readOn(first)).slaResponseMinutes).toBe(minutes);
    }
  });
});

const rulesOn = (backend: TestBackend) => loadRules(backend.server.db.manager, acme.tenant.id);

describe('routing rules cached per process (read once per version)', () => {
  it('reads the stored rules once, then answers from the copy', async () => {
    const statements = await statementsOfRepeatedReads(() => rulesOn(second));
    expect(statements.filter((query) => /FROM `routing_rule/.test(query))).toEqual([]);
  });

  it('rules saved through one process are what the other evaluates right after; the writer at once', async () => {
    await rulesOn(second);
    const admin = createTestClient(first.server.url, acme.apiKey);
    for (const tag of ['vip', 'billing', 'urgent']) {
      await saveRules(admin, [{ name: `Tag ${tag}`, condition: { keywords: ['order'] }, actions: [{ type: 'tag', tag }] }]);
      const tagOf = async (backend: TestBackend) => {
        const [rule] = await rulesOn(backend);
        return rule?.actions[0]?.type === 'tag' ? rule.actions[0].tag : null;
      };
      expect(await readUntil(() => tagOf(second), tag)).toBe(tag);
      expect(await tagOf(first)).toBe(tag);
    }
  });
});
