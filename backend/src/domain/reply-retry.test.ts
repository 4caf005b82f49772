// Retries of an AI reply past its cut-off: delivered unless a human (or the customer) came in since.
import { describe, expect, it } from 'vitest';
import { decideDeliveryRetry, RETRY_STOPPED_BECAUSE } from './reply-retry.js';
import type { SafetyRailInput } from './safety-rail.js';
import type { ScheduledReplyState } from './scheduled-reply.js';
import { NOT_TAKEN_OVER, type TakeoverState } from './takeover.js';

const t = (hhmm: string) => new Date(`2026-12-03T${hhmm}:00.000Z`);
const now = t('10:05');
const sending: ScheduledReplyState = { id: 'r1', status: 'sending', channel: 'sms', body: 'We open at 9.', dueAt: t('10:01'), endReason: null, editedByAgentId: null };
const heldByAna: TakeoverState = { heldByAgentId: 'ana', source: 'manual', takenOverAt: t('10:03'), autoReleaseAt: t('22:00') };

const rail = (changes: Partial<SafetyRailInput> = {}): SafetyRailInput => ({ lastCustomerMessageAt: t('10:00'), lastAgentMessageAt: null, inReplyToMessageAt: t('10:00'), takeover: NOT_TAKEN_OVER, ...changes });

describe('decideDeliveryRetry', () => {
  it.each([
    ['nobody came in: retried', sending, 1, rail()],
    ['taken over, but this is the first attempt (the cut-off promise)', sending, 0, rail({ takeover: heldByAna })],
    ['taken over, but an agent edited the text (a human sent it)', { ...sending, editedByAgentId: 'ana' }, 2, rail({ takeover: heldByAna })],
    ['no longer sending', { ...sending, status: 'sent' as const }, 2, rail({ takeover: heldByAna })],
  ])('%s', (_name, reply, attempts, input) => {
    expect(decideDeliveryRetry(reply, { attempts, lastError: 'HTTP 500', rail: input }, now)).toEqual({ next: reply, transition: null, effects: [], changed: false });
  });

  it.each([
    ['taken over since', rail({ takeover: heldByAna }), RETRY_STOPPED_BECAUSE.taken_over],
    ['an agent wrote since', rail({ lastAgentMessageAt: t('10:04') }), RETRY_STOPPED_BECAUSE.human_replied_since],
    ['the customer wrote again', rail({ lastCustomerMessageAt: t('10:04') }), RETRY_STOPPED_BECAUSE.newer_customer_message],
  ])('%s: failed with the reason, its deliver job removed, on the timeline with the last error', (_name, input, reason) => {
    const decision = decideDeliveryRetry(sending, { attempts: 3, lastError: 'HTTP 500', rail: input }, now);
    expect(decision.transition).toEqual({ from: 'sending', to: 'failed' });
    expect(decision.next).toMatchObject({ status: 'failed', endReason: reason });
    expect(decision.effects).toEqual([
      { kind: 'remove_delivery_job' },
      { kind: 'record', event: 'reply.failed', agentId: null, before: sending, after: decision.next, details: { attempts: 3, error: reason, deliveryError: 'HTTP 500' } },
    ]);
  });
});
