// A connector's failure text is rid of the tenant's connector secrets, whatever form the remote echoed.
import { describe, expect, it } from 'vitest';
import type { Connector, OutboundMessage } from './connector.js';
import { connectorSecrets, hideSecrets, withSecretsHidden } from './secret-hiding.js';

const PASSWORD = 'correct horse/battery';

describe('hideSecrets', () => {
  it.each([
    ['as written', `535 login as baton with ${PASSWORD} refused`, '535 login as baton with [redacted] refused'],
    ['URL-encoded', `GET /?p=${encodeURIComponent(PASSWORD)} failed`, 'GET /?p=[redacted] failed'],
    ['in base64', `AUTH PLAIN ${Buffer.from(PASSWORD).toString('base64')} refused`, 'AUTH PLAIN [redacted] refused'],
    ['twice', `${PASSWORD}:${PASSWORD}`, '[redacted]:[redacted]'],
    ['absent', 'the SMTP server refused the login', 'the SMTP server refused the login'],
  ])('hides a secret %s', (_label, text, expected) => {
    expect(hideSecrets(text, [PASSWORD])).toBe(expected);
  });
});

describe('connectorSecrets', () => {
  it('lists every configured connector secret and skips absent or too short ones', () => {
    expect(
      connectorSecrets({
        rt: { url: 'http://rt', username: 'baton', password: 'rt-password', queue: 'General', pollIntervalMs: 2000 },
        twilio: null,
        smtp: { host: 'mail', port: 25, secure: false, username: 'u', password: 'x', from: 'a@b.c' },
        webhook: { url: 'http://hook', secret: 'whsec_abcdefgh', timeoutMs: 1000 },
      } as never),
    ).toEqual(['rt-password', 'whsec_abcdefgh']);
  });
});

describe('withSecretsHidden', () => {
  class RemoteRefusal extends Error {
    override name = 'RemoteRefusal';
    readonly retryable = true;
  }
  const failing = (error: unknown): Connector => ({ name: 'smtp', timeoutMs: 1000, deliver: async () => Promise.reject(error) });
  const message = {} as OutboundMessage;

  it('rethrows the same error, its message and stack rid of the secret, its type and fields kept', async () => {
    const error = new RemoteRefusal(`the server answered: bad password ${PASSWORD}`);
    const thrown = await withSecretsHidden(failing(error), [PASSWORD]).deliver(message).catch((caught: unknown) => caught);
    expect(thrown).toBe(error);
    expect(thrown).toMatchObject({ name: 'RemoteRefusal', retryable: true, message: 'the server answered: bad password [redacted]' });
    expect((thrown as Error).stack).not.toContain(PASSWORD);
  });

  it('turns a thrown string into an Error without the secret', async () => {
    await expect(withSecretsHidden(failing(`no: ${PASSWORD}`), [PASSWORD]).deliver(message)).rejects.toThrow('no: [redacted]');
  });
});
