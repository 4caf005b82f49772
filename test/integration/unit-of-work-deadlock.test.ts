// A change that MariaDB picks as a deadlock victim is run again from the start (issue 11 item 9:
// "retry deadlocks in every writer"): both colliding changes commit, each with its own events once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedTenant } from '../../backend/src/features/admin/tenants.service.js';
import { withTransaction } from '../../backend/src/platform/unit-of-work.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';
import { createTestClient } from '../support/trpc-client.js';

describe('a deadlocked change on MariaDB', () => {
  let backend: TestBackend;
  let acme: CreatedTenant;

  beforeAll(async () => {
    backend = await startTestBackend('uow-deadlock', { dialect: 'mysql' });
    acme = await backend.createTenant('acme');
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
  });

  it('two changes that lock two teams in opposite orders both commit: the victim runs again, and each event is written once', async () => {
    const client = createTestClient(backend.server.url, acme.apiKey);
    const first = await client.teams.create.mutate({ name: 'Red' });
    const second = await client.teams.create.mutate({ name: 'Blue' });
    const infra = backend.server.services.infra;
    let bothHoldOne!: () => void;
    const barrier = new Promise<void>((resolve) => (bothHoldOne = resolve));
    let holding = 0;
    let runs = 0;

    const rename = (label: string, order: [string, string]) =>
      withTransaction(infra, acme.tenant.id, async (uow) => {
        runs++;
        await uow.manager.query('UPDATE teams SET name = CONCAT(name, ?) WHERE id = ?', [`+${label}`, order[0]]);
        if (++holding === 2) bothHoldOne();
        await barrier;
        await uow.manager.query('UPDATE teams SET name = CONCAT(name, ?) WHERE id = ?', [`+${label}`, order[1]]);
        await uow.record({ type: 'team.created', actor: 'system', after: { label } });
        return label;
      });

    const outcomes = await Promise.allSettled([rename('x', [first.id, second.id]), rename('y', [second.id, first.id])]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(runs).toBe(3);
    const rows: { id: string; name: string }[] = await backend.server.db.query('SELECT id, name FROM teams WHERE id IN (?, ?)', [first.id, second.id]);
    for (const row of rows) expect(row.name.split('+').slice(1).sort()).toEqual(['x', 'y']);
    const events: { n: number | string }[] = await backend.server.db.query("SELECT COUNT(*) AS n FROM events WHERE tenant_id = ? AND type = 'team.created' AND JSON_VALUE(`after`, '$.label') IN ('x', 'y')", [acme.tenant.id]);
    expect(Number(events[0]!.n)).toBe(2);
  });
});
