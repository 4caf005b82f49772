// settings.update's connector patches: fields replace, secrets left out are kept, null removes.
import { describe, expect, it } from 'vitest';
import { ZConnectorSettings } from '../../../../shared/settings.js';
import { patchConnectors } from './connector-settings-patch.js';

const stored = ZConnectorSettings.parse({ rt: { url: 'http://127.0.0.1:8080/rt', username: 'baton', password: 'stored-secret' } });

describe('patchConnectors', () => {
  it('keeps the stored password when the patch leaves it out', () => {
    expect(patchConnectors(stored, { rt: { pollIntervalMs: 5000 } }).rt).toEqual({ ...stored.rt, pollIntervalMs: 5000 });
  });

  it('replaces a secret that is given, and removes a connector set to null', () => {
    expect(patchConnectors(stored, { rt: { password: 'new-secret' } }).rt).toMatchObject({ password: 'new-secret', username: 'baton' });
    expect(patchConnectors(stored, { rt: null }).rt).toBeNull();
  });

  it('adds a new connector from the patch alone (validated by the caller) and leaves the others', () => {
    const next = patchConnectors(stored, { webhook: { url: 'https://h.example/hook' } });
    expect(next.webhook).toEqual({ url: 'https://h.example/hook' });
    expect(ZConnectorSettings.safeParse(next).error?.issues[0]?.path).toEqual(['webhook', 'secret']);
    expect(next.rt).toEqual(stored.rt);
  });
});
