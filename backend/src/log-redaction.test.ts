// Credentials are censored at any depth of a logged object, errors included; nothing else changes.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { CENSORED, redactCredentials } from './log-redaction.js';

/** Logs one line through the real logger and returns it parsed. */
function logged(object: object, message = 'x'): Record<string, unknown> {
  const lines: string[] = [];
  const destination = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
  createLogger('info', destination).info(object, message);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

describe('redactCredentials through the logger', () => {
  it.each([
    ['a top-level API key', { apiKey: 'bk_live' }, { apiKey: CENSORED }],
    ['an Authorization header', { req: { headers: { authorization: 'Bearer bk_live', accept: 'json' } } }, { req: { headers: { authorization: CENSORED, accept: 'json' } } }],
    ['connector secrets in settings', { settings: { connectors: { smtp: { host: 'mail', password: 'hunter2' }, twilio: { authToken: 'tw' }, webhook: { secret: 'whsec_x' } } } }, { settings: { connectors: { smtp: { host: 'mail', password: CENSORED }, twilio: { authToken: CENSORED }, webhook: { secret: CENSORED } } } }],
    ['nodemailer auth', { transport: { auth: { user: 'baton', pass: 'hunter2' } } }, { transport: { auth: { user: 'baton', pass: CENSORED } } }],
    ['a created key in a list', { created: [{ id: 1, key: 'bk_live' }] }, { created: [{ id: 1, key: CENSORED }] }],
    ['tenant webhook secrets', { tenant: { slug: 'acme', webhookSecret: 'whsec_a', previousWebhookSecret: 'whsec_b' } }, { tenant: { slug: 'acme', webhookSecret: CENSORED, previousWebhookSecret: CENSORED } }],
    ['tokens', { token: 'eyJ', devToken: 'eyJ' }, { token: CENSORED, devToken: CENSORED }],
  ])('censors %s', (_label, object, expected) => {
    expect(logged(object)).toMatchObject(expected);
  });

  it('censors an error’s credential properties and keeps its message and stack', () => {
    const error = Object.assign(new Error('request failed'), { config: { headers: { Authorization: 'Basic c2VjcmV0' } } });
    const line = logged({ err: error });
    expect(line.err).toMatchObject({ type: 'Error', message: 'request failed', config: { headers: { Authorization: CENSORED } } });
    expect((line.err as { stack: string }).stack).toContain('request failed');
  });

  it('leaves null fields, ordinary fields and messages alone', () => {
    expect(logged({ password: null, requestId: 'r1', route: '/trpc', status: 200 }, 'request')).toMatchObject({ password: null, requestId: 'r1', route: '/trpc', status: 200, msg: 'request' });
  });
});

describe('redactCredentials', () => {
  it('returns the very object when it holds no credential (no copy per log line)', () => {
    const object = { requestId: 'r1', nested: { list: [1, 2, { a: 'b' }] } };
    expect(redactCredentials(object)).toBe(object);
  });

  it('does not change the caller’s object', () => {
    const object = { smtp: { password: 'hunter2' } };
    redactCredentials(object);
    expect(object.smtp.password).toBe('hunter2');
  });

  it('survives a cycle', () => {
    const object: Record<string, unknown> = { token: 't' };
    object.self = object;
    expect(redactCredentials(object)).toMatchObject({ token: CENSORED });
  });
});
