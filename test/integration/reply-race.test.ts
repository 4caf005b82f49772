// The race test (issue 4): takeover, Send Now, Cancel, Edit & Send, the due job and a superseding
// customer message fired concurrently at the same reply, round after round, on MariaDB.
// At most one delivery per reply, and never a delivery after a committed takeover.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ScheduledReplyEntity } from '../../backend/src/db/entities/conversation.entities.js';
import { EventEntity } from '../../backend/src/db/entities/event.entity.js';
import type { Principal } from '../../backend/src/auth/principal.js';
import { startTestBackend, type TestBackend } from '../support/in-process-server.js';

const ROUNDS = 100;
let backend: TestBackend;
let tenantId: string;
let agentA: Principal;
let agentB: Principal;

/** A seeded generator (mulberry32) so a failing schedule can be replayed. */
function seeded(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let value = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

beforeAll(async () => {
  backend = await startTestBackend('race', { dialect: 'mysql', redis: true });
  const tenant = await backend.createTenant('acme');
  tenantId = tenant.tenant.id;
  const services = backend.server.services;
  const adminPrincipal: Principal = { tenantId, tenantSlug: 'acme', via: 'api_key', agentId: tenant.admin.id, apiKeyId: null, role: 'admin', groups: [], displayName: 'Admin', actor: `agent:${tenant.admin.id}` };
  const second = await services.agents.create(adminPrincipal, { email: 'b@acme.test', name: 'B', role: 'agent' });
  agentA = adminPrincipal;
  agentB = { ...adminPrincipal, agentId: second.id, role: 'agent', displayName: 'B', actor: `agent:${second.id}` };
  const { version } = await services.settings.get(adminPrincipal);
  await services.settings.update(adminPrincipal, { expectedVersion: version, replyCadence: { enabled: true, minDelaySeconds: 600, maxDelaySeconds: 600 } });
});

afterAll(() => backend?.stop());

it(`at most one delivery per reply and none after a committed takeover, over ${ROUNDS} concurrent rounds`, async () => {
  const { services, db } = backend.server;
  const tenant = await db.getRepository('Tenant').findOneByOrFail({ id: tenantId });
  const random = seeded(20261126);
  const outcomes: Record<string, number> = {};
  for (let round = 0; round < ROUNDS; round++) {
    const thread = `race-${round}-${randomUUID()}`;
    const inbound = (body: string) => services.inbound.receive(tenant as never, { tenant: 'acme', connector: 'race', externalConversationId: thread, externalMessageId: randomUUID(), lead: {}, channel: 'sms', body });
    const received = await inbound('first');
    // The engine's draft job may get there first; either way there is exactly one pending reply.
    const reply =
      (await services.drafting.draftReply({ dueAt: new Date().toISOString(), ref: 'race', tenantId, conversationId: received.conversationId, messageId: received.messageId })) ??
      (await db.getRepository(ScheduledReplyEntity).findOneByOrFail({ inReplyToMessageId: received.messageId }));
    // Make it due now, so the due job competes too.
    await db.getRepository(ScheduledReplyEntity).update({ id: reply.id }, { dueAt: new Date() });

    const actions: [string, () => Promise<unknown>][] = [
      ['takeover', () => services.conversations.takeOver(agentA, { id: received.conversationId })],
      ['sendNow', () => services.replies.sendNow(agentB, reply.id)],
      ['cancel', () => services.replies.cancel(agentB, reply.id)],
      ['editAndSend', () => services.replies.editAndSend(agentB, reply.id, `edited in round ${round}`)],
      ['dueJob', () => services.replies.sendDue({ dueAt: new Date().toISOString(), ref: 'race', tenantId, replyId: reply.id })],
      ['inbound', () => inbound('second')],
    ];
    const order = actions.map((action) => ({ action, key: random() })).sort((a, b) => a.key - b.key).map(({ action }) => action);
    await Promise.allSettled(order.map(([, run]) => new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 4))).then(run)));

    const deliveries = Number((await db.query('SELECT COUNT(*) AS n FROM messages WHERE tenant_id = ? AND external_message_id = ?', [tenantId, `outbox:${reply.id}`]))[0].n);
    expect(deliveries, `round ${round}: deliveries of reply ${reply.id}`).toBeLessThanOrEqual(1);
    const events = await db.getRepository(EventEntity).find({ where: { tenantId, conversationId: received.conversationId }, order: { id: 'ASC' } });
    const sentIndex = events.findIndex((event) => event.type === 'message.sent' && event.after?.replyId === reply.id);
    const takeoverIndex = events.findIndex((event) => event.type === 'takeover.started');
    if (sentIndex !== -1 && takeoverIndex !== -1) expect(sentIndex, `round ${round}: sent after the takeover committed`).toBeLessThan(takeoverIndex);
    const final = await db.getRepository(ScheduledReplyEntity).findOneByOrFail({ id: reply.id });
    expect(['sent', 'cancelled', 'superseded']).toContain(final.status);
    expect(final.status === 'sent').toBe(deliveries === 1);
    outcomes[final.status] = (outcomes[final.status] ?? 0) + 1;
  }
  console.info(`race test: ${ROUNDS} rounds, outcomes ${JSON.stringify(outcomes)}`);
}, 120_000);
