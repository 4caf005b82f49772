// Notification words: team, cycle, lead and reason outside HIPAA mode; none of them in it.
import { describe, expect, it } from 'vitest';
import { notificationText } from './notification-text.js';

const DETAILS = { teamName: 'Billing', cycle: 1, leadName: 'Jane Doe', reason: 'Refund request' };

describe('notificationText', () => {
  it('names the team, the lead and the reason of a new escalation', () => {
    expect(notificationText('escalation', 1, DETAILS, false)).toEqual({ title: 'Escalation: Billing', body: 'Jane Doe — Refund request' });
  });

  it('says the cycle from the second escalation of a lead on', () => {
    expect(notificationText('escalation', 1, { ...DETAILS, cycle: 3 }, false).title).toBe('Escalation: Billing (cycle 3)');
  });

  it('counts the coalesced messages of a re-escalation', () => {
    expect(notificationText('re_escalated', 3, DETAILS, false)).toEqual({ title: 'Re-escalated (3 new messages)', body: 'Jane Doe — Refund request' });
    expect(notificationText('re_escalated', 1, DETAILS, false).title).toBe('Re-escalated (1 new message)');
  });

  it('falls back to words when the payload lacks a name or reason', () => {
    expect(notificationText('escalation', 1, {}, false)).toEqual({ title: 'Escalation', body: 'A customer' });
  });

  it('in HIPAA mode leaves out team, cycle, lead and reason even when an older payload has them', () => {
    for (const kind of ['escalation', 're_escalated']) {
      const { title, body } = notificationText(kind, 2, { ...DETAILS, cycle: 4 }, true);
      for (const secret of ['Billing', 'Jane', 'Refund', 'cycle']) expect(`${title} ${body}`).not.toContain(secret);
    }
    expect(notificationText('escalation', 1, {}, true).title).toBe('New escalation');
    expect(notificationText('re_escalated', 2, {}, true).title).toBe('Re-escalated (2 new messages)');
  });

  it('keeps a long reason to a notification-sized body', () => {
    const { body } = notificationText('escalation', 1, { ...DETAILS, reason: 'x'.repeat(1000) }, false);
    expect(body.length).toBe(300);
    expect(body.endsWith('…')).toBe(true);
  });
});
