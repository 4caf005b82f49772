// Connector settings (issue 12 item 4): defaults, errors that name the field, secrets never shown.
import { describe, expect, it } from 'vitest';
import { DEFAULT_TENANT_SETTINGS, publicSettings, ZConnectorSettings, ZSettingsUpdate, ZTenantSettings } from './settings.js';

describe('connector settings', () => {
  it('are all unset by default', () => {
    expect(DEFAULT_TENANT_SETTINGS.connectors).toEqual({ rt: null, twilio: null, smtp: null, webhook: null });
  });

  it('fill in defaults for RT and Twilio', () => {
    const parsed = ZConnectorSettings.parse({ rt: { url: 'http://127.0.0.1:8080/rt', username: 'baton', password: 'secret' }, twilio: { accountSid: 'AC1', authToken: 't', fromNumber: '+15550100' } });
    expect(parsed.rt).toMatchObject({ queue: 'General', pollIntervalMs: 2000 });
    expect(parsed.twilio).toMatchObject({ baseUrl: 'https://api.twilio.com' });
  });

  it.each([
    [{ rt: { url: 'ftp://rt', username: 'baton', password: 'x' } }, 'connectors.rt.url', 'url must be an http(s) URL'],
    [{ rt: { url: 'http://rt.example/rt', username: 'baton' } }, 'connectors.rt.password', 'password is required'],
    [{ rt: { url: 'http://rt.example/rt', username: 'baton', password: 'x', pollIntervalMs: 10 } }, 'connectors.rt.pollIntervalMs', 'pollIntervalMs must be at least 500'],
    [{ twilio: { accountSid: 'AC1', authToken: 't', fromNumber: '555-0100' } }, 'connectors.twilio.fromNumber', 'fromNumber must be an E.164 number'],
    [{ smtp: { host: 'smtp.example', port: 70_000, from: 'a@b.example' } }, 'connectors.smtp.port', 'port must be at most 65535'],
    [{ webhook: { url: 'https://h.example', secret: 'whsec_c2hvcnQ=' } }, 'connectors.webhook.secret', 'secret must be whsec_'],
  ])('refuses %j naming %s', (connectors, field, message) => {
    const parsed = ZTenantSettings.safeParse({ connectors });
    expect(parsed.success).toBe(false);
    const issue = parsed.error!.issues[0]!;
    expect(issue.path.join('.')).toBe(field);
    expect(issue.message).toContain(message);
  });

  it('never shows a secret, only whether it is set', () => {
    const settings = ZTenantSettings.parse({
      connectors: {
        rt: { url: 'http://127.0.0.1:8080/rt', username: 'baton', password: 'rt-secret' },
        smtp: { host: 'smtp.example', port: 587, from: 'Support <support@example.com>' },
        webhook: { url: 'https://h.example/hook', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
      },
    });
    const shown = publicSettings(settings).connectors;
    expect(shown.rt).toEqual({ url: 'http://127.0.0.1:8080/rt', username: 'baton', queue: 'General', pollIntervalMs: 2000, hasPassword: true });
    expect(shown.smtp).toMatchObject({ hasPassword: false, username: null });
    expect(shown.webhook).toEqual({ url: 'https://h.example/hook', timeoutMs: 10_000, hasSecret: true });
    expect(JSON.stringify(shown)).not.toMatch(/rt-secret|whsec_/);
  });

  it('patches without defaults, so a partial change never resets a stored field', () => {
    expect(ZSettingsUpdate.parse({ connectors: { rt: { pollIntervalMs: 5000 } } }).connectors).toEqual({ rt: { pollIntervalMs: 5000 } });
  });
});
