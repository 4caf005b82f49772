// HIPAA redaction decides what escalation views, events and notifications carry (SPEC §5.4).
import { describe, expect, it } from 'vitest';
import { escalationIdentityFor, notificationDetailsFor } from './redaction.js';

const identity = { team: { id: 't1', name: 'Billing' }, cycle: 3 };
const details = { teamName: 'Billing', cycle: 3, leadName: 'Priscilla Quux', reason: 'Asked for a refund' };

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

  it.each([
    [false, details],
    [true, {}],
  ])('notification details with hipaaMode %s', (hipaaMode, expected) => {
    const out = notificationDetailsFor(hipaaMode, details);
    expect(out).toEqual(expected);
    if (hipaaMode) expect(JSON.stringify(out)).not.toMatch(/Billing|cycle|Priscilla|refund/);
  });
});
