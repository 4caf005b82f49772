// The connectors form's check: the API's messages by field path before saving, and a patch that sends
// new connectors whole, stored ones by changed field, removed ones as null, and secrets only when typed.
import { describe, expect, it } from 'vitest';
import { publicConnectorSettings, type PublicConnectorSettings } from '../../shared/settings';
import { checkConnectors, connectorsDraftFrom, type ConnectorsDraft } from './connectors-draft';

const WHSEC = `whsec_${'A'.repeat(32)}`;
const none: PublicConnectorSettings = publicConnectorSettings({ rt: null, twilio: null, smtp: null, webhook: null });
const configured: PublicConnectorSettings = publicConnectorSettings({
  rt: { url: 'https://rt.example.com/rt', username: 'baton', password: 'stored-rt', queue: 'Support', pollIntervalMs: 2000 },
  twilio: { baseUrl: 'https://api.twilio.com', accountSid: 'AC123', authToken: 'stored-token', fromNumber: '+15550100' },
  smtp: { host: 'smtp.example.com', port: 587, secure: false, username: 'mailer', password: 'stored-smtp', from: 'Support <support@example.com>' },
  webhook: { url: 'https://hooks.example.com/baton', secret: WHSEC, timeoutMs: 10_000 },
});
const edit = (change: (draft: ConnectorsDraft) => void, from: PublicConnectorSettings = configured) => {
  const draft = connectorsDraftFrom(from);
  change(draft);
  return checkConnectors(draft, from);
};

describe('connectorsDraftFrom', () => {
  it('holds no stored secret, only whether one is set', () => {
    const draft = connectorsDraftFrom(configured);
    expect(draft.rt.password).toEqual({ isSet: true, newValue: '', remove: false });
    expect(JSON.stringify(draft)).not.toContain('stored-');
    expect(draft.smtp).toMatchObject({ enabled: true, port: '587', username: 'mailer' });
  });

  it('starts unconfigured connectors off, with the API’s defaults', () => {
    const draft = connectorsDraftFrom(none);
    expect(draft.rt).toMatchObject({ enabled: false, queue: 'General', pollIntervalMs: '2000', password: { isSet: false } });
    expect(draft.twilio.baseUrl).toBe('https://api.twilio.com');
    expect(draft.webhook.timeoutMs).toBe('10000');
  });
});

describe('checkConnectors', () => {
  it.each([['nothing configured', none], ['all four configured', configured]])('an untouched draft changes nothing (%s)', (_name, from) => {
    expect(checkConnectors(connectorsDraftFrom(from), from)).toEqual({ ok: true, patch: {}, changed: false });
  });

  it('sends a stored connector’s changed fields only, keeping its secret', () => {
    const result = edit((draft) => {
      draft.rt.pollIntervalMs = ' 5000 ';
      draft.rt.queue = ' Billing ';
    });
    expect(result).toEqual({ ok: true, changed: true, patch: { rt: { queue: 'Billing', pollIntervalMs: 5000 } } });
  });

  it('sends a typed secret as the replacement', () => {
    expect(edit((draft) => void (draft.twilio.authToken.newValue = ' new-token '))).toEqual({ ok: true, changed: true, patch: { twilio: { authToken: 'new-token' } } });
  });

  it('removes the SMTP password with null, and SMTP authentication with a blank username', () => {
    const result = edit((draft) => {
      draft.smtp.password.remove = true;
      draft.smtp.username = ' ';
    });
    expect(result).toEqual({ ok: true, changed: true, patch: { smtp: { username: null, password: null } } });
  });

  it('a switched-off stored connector is removed (null); a never-saved one is left out', () => {
    const result = edit((draft) => {
      draft.webhook.enabled = false;
    });
    expect(result).toEqual({ ok: true, changed: true, patch: { webhook: null } });
    expect(checkConnectors(connectorsDraftFrom(none), none)).toMatchObject({ patch: {} });
  });

  it('sends a new connector whole, with its secret', () => {
    const result = edit((draft) => {
      Object.assign(draft.rt, { enabled: true, url: 'https://rt.example.com/rt', username: 'baton', queue: 'General', pollIntervalMs: '2000' });
      draft.rt.password.newValue = 'secret-pw';
    }, none);
    expect(result).toEqual({
      ok: true,
      changed: true,
      patch: { rt: { url: 'https://rt.example.com/rt', username: 'baton', queue: 'General', pollIntervalMs: 2000, password: 'secret-pw' } },
    });
  });

  it('a new SMTP connector needs no password', () => {
    const result = edit((draft) => Object.assign(draft.smtp, { enabled: true, host: 'mail.example.com', port: '465', secure: true, from: 'help@example.com' }), none);
    expect(result).toEqual({ ok: true, changed: true, patch: { smtp: { host: 'mail.example.com', port: 465, secure: true, username: null, from: 'help@example.com' } } });
  });

  it.each<[string, PublicConnectorSettings, (draft: ConnectorsDraft) => void, Record<string, string>]>([
    ['a new connector without its secret', none, (draft) => Object.assign(draft.twilio, { enabled: true, accountSid: 'AC1', fromNumber: '+15550100' }), { 'connectors.twilio.authToken': 'authToken is required' }],
    ['a blank required field', none, (draft) => Object.assign(draft.rt, { enabled: true, url: 'https://rt.example.com/rt', username: '', password: { isSet: false, newValue: 'pw', remove: false } }), { 'connectors.rt.username': 'username is required' }],
    ['a URL that is not http(s)', configured, (draft) => void (draft.webhook.url = 'ftp://hooks.example.com'), { 'connectors.webhook.url': 'url must be an http(s) URL, e.g. https://helpdesk.example/baton/outbound' }],
    ['a webhook secret without whsec_', configured, (draft) => void (draft.webhook.secret.newValue = 'plain'), { 'connectors.webhook.secret': 'secret must be whsec_ followed by a key of 24 to 64 bytes in base64' }],
    ['a poll interval below 500 ms', configured, (draft) => void (draft.rt.pollIntervalMs = '100'), { 'connectors.rt.pollIntervalMs': 'pollIntervalMs must be at least 500' }],
    ['a port that is not a number', configured, (draft) => void (draft.smtp.port = 'smtp'), { 'connectors.smtp.port': 'port must be a whole number' }],
    ['a from number that is not E.164', configured, (draft) => void (draft.twilio.fromNumber = '555-0100'), { 'connectors.twilio.fromNumber': 'fromNumber must be an E.164 number (e.g. +15550100) or a Messaging Service SID (MG…)' }],
  ])('%s is an inline error on its field', (_name, from, change, fieldErrors) => {
    expect(edit(change, from)).toEqual({ ok: false, fieldErrors });
  });

  it('does not check a switched-off connector', () => {
    expect(edit((draft) => Object.assign(draft.rt, { enabled: false, url: 'not a url' }))).toEqual({ ok: true, changed: true, patch: { rt: null } });
  });
});
