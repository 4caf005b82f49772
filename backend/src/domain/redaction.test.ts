// HIPAA redaction decides what escalation views, events and notifications carry (SPEC §5.4).
import { describe, expect, it } from 'vitest';
import { escalationIdentityFor, notificationPayloadFor } from './redaction.js';

const identity = { team: { id: 't1', name: 'Billing' }, cycle: 3 };

describe('HIPAA redaction', () => {
  it.each([
    [false, { redacted: false, team: { id: 't1', name: 'Billing' }, cycle: 3 }],
    [true, { redacted: true }],
  ])('escalation identity with hipaaMode %s', (hipaaMode, expected) => {
    const out = escalationIdentityFor(hipaaMode, identity);
    expect(out).toEqual(expected);
    // Left out, not nulled: the keys themselves never reach the browser.
    if (hipaaMode) expect(JSON.stringify(out)).not.toMatch(/team|cycle|Billing/);
  });
});

describe('notificationPayloadFor', () => {
  const stored = { escalationId: 'e-1', leadId: 'l-1', conversationId: 'c-1', kind: 'escalation', count: 1, trigger: 'rule', teamName: 'Billing', cycle: 3, leadName: 'Jane Doe', reason: 'Refund request' };

  it('keeps everything with HIPAA mode off', () => {
    expect(notificationPayloadFor(false, stored)).toEqual(stored);
  });

  it('drops team, cycle, lead name and reason with HIPAA mode on, also from a payload stored before it was on', () => {
    const frozen = Object.freeze({ ...stored });
    expect(notificationPayloadFor(true, frozen)).toEqual({ escalationId: 'e-1', leadId: 'l-1', conversationId: 'c-1', kind: 'escalation', count: 1, trigger: 'rule' });
    expect(frozen).toEqual(stored);
  });
});
