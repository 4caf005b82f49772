// The webhook signature with its signed timestamp: tolerance, refusal reasons, secrets in grace.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkTimestamp, isValidSignature, signedWebhookHeaders, signWebhook, TIMESTAMP_TOLERANCE_SECONDS } from './webhook-signature.js';

const NOW = new Date('2026-12-03T12:00:00.000Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const BODY = Buffer.from('{"tenant":"acme","body":"Hi"}');
const SECRET = 'whsec_current';
const OLD_SECRET = 'whsec_previous';

describe('checkTimestamp', () => {
  it.each([
    ['now', String(NOW_SECONDS)],
    ['exactly 5 minutes old', String(NOW_SECONDS - 300)],
    ['exactly 5 minutes ahead', String(NOW_SECONDS + 300)],
    ['4 min 59 s old', String(NOW_SECONDS - 299)],
  ])('accepts a timestamp %s', (_, header) => {
    expect(checkTimestamp(header, NOW)).toEqual({ ok: true, timestampSeconds: Number(header) });
  });

  it.each([
    ['missing', undefined, /^X-Baton-Timestamp: is required/],
    ['empty', '', /^X-Baton-Timestamp: is required/],
    ['a decimal', '12.5', /^X-Baton-Timestamp: must be unix seconds/],
    ['not a number', 'yesterday', /^X-Baton-Timestamp: must be unix seconds/],
    ['negative', '-5', /^X-Baton-Timestamp: must be unix seconds/],
    ['in milliseconds', String(NOW.getTime()), /^X-Baton-Timestamp: must be unix seconds, not milliseconds \(got 13 digits\)$/],
    ['an ISO date', NOW.toISOString(), /^X-Baton-Timestamp: must be unix seconds/],
    ['5 min 1 s old', String(NOW_SECONDS - 301), /^X-Baton-Timestamp: is 5 min 1 s old; requests older than 5 minutes are refused \(replay protection\)$/],
    ['7 minutes old', String(NOW_SECONDS - 420), /^X-Baton-Timestamp: is 7 minutes old; requests older than 5 minutes are refused \(replay protection\)$/],
    ['a day old', String(NOW_SECONDS - 86_400), /is 1440 minutes old/],
    ['6 minutes in the future', String(NOW_SECONDS + 360), /^X-Baton-Timestamp: is 6 minutes in the future; more than 5 minutes ahead of the server clock is refused/],
    ['0 (1970)', '0', /old; requests older than 5 minutes are refused/],
  ])('refuses a timestamp %s, naming the header and why', (_, header, reason) => {
    const check = checkTimestamp(header, NOW);
    expect(check.ok).toBe(false);
    expect(check.ok ? '' : check.reason).toMatch(reason);
  });

  it('has a tolerance of 5 minutes', () => {
    expect(TIMESTAMP_TOLERANCE_SECONDS).toBe(300);
  });
});

describe('isValidSignature', () => {
  const signed = signWebhook(SECRET, NOW_SECONDS, BODY);
  const signedWithOld = signWebhook(OLD_SECRET, NOW_SECONDS, BODY);

  it.each([
    { name: 'the current secret', secrets: [SECRET], header: signed, timestampSeconds: NOW_SECONDS, valid: true },
    { name: 'upper-case hex', secrets: [SECRET], header: `sha256=${signed.slice(7).toUpperCase()}`, timestampSeconds: NOW_SECONDS, valid: true },
    { name: 'the previous secret while it is in grace', secrets: [SECRET, OLD_SECRET], header: signedWithOld, timestampSeconds: NOW_SECONDS, valid: true },
    { name: 'the current secret while the previous is in grace', secrets: [SECRET, OLD_SECRET], header: signed, timestampSeconds: NOW_SECONDS, valid: true },
    { name: 'the previous secret once its grace is over', secrets: [SECRET], header: signedWithOld, timestampSeconds: NOW_SECONDS, valid: false },
    { name: 'a signature made for another timestamp', secrets: [SECRET], header: signed, timestampSeconds: NOW_SECONDS + 1, valid: false },
    { name: 'the old format (HMAC of the body alone)', secrets: [SECRET], header: `sha256=${createLegacyHmac(SECRET, BODY)}`, timestampSeconds: NOW_SECONDS, valid: false },
    { name: 'no header', secrets: [SECRET], header: undefined, timestampSeconds: NOW_SECONDS, valid: false },
    { name: 'a header without sha256=', secrets: [SECRET], header: signed.slice(7), timestampSeconds: NOW_SECONDS, valid: false },
    { name: 'a truncated signature', secrets: [SECRET], header: signed.slice(0, -2), timestampSeconds: NOW_SECONDS, valid: false },
  ])('$name → $valid', ({ secrets, header, timestampSeconds, valid }) => {
    expect(isValidSignature(secrets, timestampSeconds, BODY, header)).toBe(valid);
  });

  it('refuses a body changed after signing', () => {
    expect(isValidSignature([SECRET], NOW_SECONDS, Buffer.from('{"tenant":"acme","body":"Hi!"}'), signed)).toBe(false);
  });
});

describe('signedWebhookHeaders', () => {
  it('signs "<timestamp>.<body>" with the timestamp it sends, in unix seconds', () => {
    const headers = signedWebhookHeaders(SECRET, BODY, new Date(NOW.getTime() + 999));
    expect(headers['x-baton-timestamp']).toBe(String(NOW_SECONDS));
    expect(isValidSignature([SECRET], NOW_SECONDS, BODY, headers['x-baton-signature'])).toBe(true);
  });
});

/** The pre-issue-14 signature, to show it is no longer accepted. */
function createLegacyHmac(secret: string, body: Buffer): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}
