// Reading, validating and following the policy IT sets through storage.managed.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { isOriginAllowedByPolicy, NO_POLICY, onManagedPolicyChanged, parseManagedPolicy, readManagedPolicy, type ManagedPolicyChange } from './managed-policy';

const log = { warn: vi.fn<(message: string) => void>() };

beforeEach(() => {
  fakeBrowser.reset();
  log.warn.mockReset();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('parseManagedPolicy', () => {
  it('is no policy when nothing is set', () => {
    expect(parseManagedPolicy({}, log)).toEqual(NO_POLICY);
    expect(log.warn).not.toHaveBeenCalled();
  });

  it('keeps a backend URL without its trailing slashes and the origins of the allowed helpdesks', () => {
    const policy = parseManagedPolicy(
      { backendUrl: ' https://baton.example.com/api/ ', allowedHelpdeskOrigins: ['https://Help.example.com/inbox', 'http://127.0.0.1:7777'] },
      log,
    );
    expect(policy).toEqual({ backendUrl: 'https://baton.example.com/api', allowedHelpdeskOrigins: ['https://help.example.com', 'http://127.0.0.1:7777'] });
    expect(log.warn).not.toHaveBeenCalled();
  });

  it.each([42, '', 'not a url', 'ftp://baton.example.com', 'javascript:alert(1)', { url: 'https://baton.example.com' }])(
    'ignores the malformed backendUrl %j with a warning',
    (backendUrl) => {
      expect(parseManagedPolicy({ backendUrl }, log).backendUrl).toBeNull();
      expect(log.warn).toHaveBeenCalledOnce();
      expect(log.warn.mock.calls[0]![0]).toMatch(/ignoring the policy value backendUrl=.*not an http:\/\/ or https:\/\/ address/);
    },
  );

  it.each(['https://help.example.com', 7, { origin: 'https://help.example.com' }])('ignores an allowedHelpdeskOrigins that is not a list (%j) with a warning', (value) => {
    expect(parseManagedPolicy({ allowedHelpdeskOrigins: value }, log).allowedHelpdeskOrigins).toBeNull();
    expect(log.warn).toHaveBeenCalledWith(expect.stringMatching(/allowedHelpdeskOrigins=.*not a list of origins/));
  });

  it('drops the entries that are not http(s) origins and keeps the rest (never allowing more)', () => {
    const policy = parseManagedPolicy({ allowedHelpdeskOrigins: ['https://help.example.com', 3, 'nope', 'chrome://settings', 'https://help.example.com/'] }, log);
    expect(policy.allowedHelpdeskOrigins).toEqual(['https://help.example.com']);
    expect(log.warn).toHaveBeenCalledTimes(3);
  });

  it('keeps a valid value when the other one is malformed', () => {
    expect(parseManagedPolicy({ backendUrl: 'nope', allowedHelpdeskOrigins: ['https://help.example.com'] }, log)).toEqual({
      backendUrl: null,
      allowedHelpdeskOrigins: ['https://help.example.com'],
    });
  });
});

describe('isOriginAllowedByPolicy', () => {
  const restricted = { backendUrl: null, allowedHelpdeskOrigins: ['https://help.example.com', 'http://127.0.0.1:7777'] };

  it('allows any origin when the policy sets no list', () => {
    expect(isOriginAllowedByPolicy('https://anything.example.org', NO_POLICY)).toBe(true);
  });

  it.each([
    ['https://help.example.com', true],
    ['https://HELP.example.com/tickets/1', true],
    ['http://127.0.0.1:7777', true],
    ['http://help.example.com', false], // another scheme
    ['https://help.example.com:8443', false], // another port
    ['http://127.0.0.1:7778', false],
    ['https://evil.help.example.com', false],
    ['not an origin', false],
  ])('%s → %s under a list', (origin, allowed) => {
    expect(isOriginAllowedByPolicy(origin, restricted)).toBe(allowed);
  });

  it('allows nothing under an empty list', () => {
    expect(isOriginAllowedByPolicy('https://help.example.com', { backendUrl: null, allowedHelpdeskOrigins: [] })).toBe(false);
  });
});

describe('readManagedPolicy', () => {
  it('reads and validates what storage.managed holds', async () => {
    await fakeBrowser.storage.managed.set({ backendUrl: 'https://baton.example.com/', allowedHelpdeskOrigins: ['https://help.example.com'] });
    expect(await readManagedPolicy(log)).toEqual({ backendUrl: 'https://baton.example.com', allowedHelpdeskOrigins: ['https://help.example.com'] });
  });

  it('is no policy when the browser rejects the read (Firefox without a managed-storage manifest)', async () => {
    vi.spyOn(fakeBrowser.storage.managed, 'get').mockRejectedValue(new Error('Managed storage manifest not found'));
    expect(await readManagedPolicy(log)).toEqual(NO_POLICY);
  });

  it('is no policy when the browser has no managed storage at all', async () => {
    const managed = Object.getOwnPropertyDescriptor(fakeBrowser.storage, 'managed')!;
    Object.defineProperty(fakeBrowser.storage, 'managed', { value: undefined, configurable: true });
    try {
      expect(await readManagedPolicy(log)).toEqual(NO_POLICY);
    } finally {
      Object.defineProperty(fakeBrowser.storage, 'managed', managed);
    }
  });

  it('survives a malformed policy: the bad value is ignored, the warning names it', async () => {
    await fakeBrowser.storage.managed.set({ backendUrl: 'baton.example.com' });
    expect(await readManagedPolicy(log)).toEqual(NO_POLICY);
    expect(log.warn).toHaveBeenCalledWith(expect.stringContaining('"baton.example.com"'));
  });
});

describe('onManagedPolicyChanged', () => {
  it('calls back with the new policy and which keys changed, for the managed area only', async () => {
    const changes: ManagedPolicyChange[] = [];
    const stop = onManagedPolicyChanged((change) => changes.push(change), log);

    await fakeBrowser.storage.local.set({ backendUrl: 'https://not-a-policy.example.com' });
    await fakeBrowser.storage.managed.set({ backendUrl: 'https://baton.example.com' });
    await vi.waitFor(() => expect(changes).toHaveLength(1));
    expect(changes[0]).toEqual({
      policy: { backendUrl: 'https://baton.example.com', allowedHelpdeskOrigins: null },
      backendUrlChanged: true,
      allowedHelpdeskOriginsChanged: false,
    });

    await fakeBrowser.storage.managed.set({ allowedHelpdeskOrigins: ['https://help.example.com'] });
    await vi.waitFor(() => expect(changes).toHaveLength(2));
    expect(changes[1]).toMatchObject({ backendUrlChanged: false, allowedHelpdeskOriginsChanged: true });
    expect(changes[1]!.policy.allowedHelpdeskOrigins).toEqual(['https://help.example.com']);

    stop();
    await fakeBrowser.storage.managed.set({ backendUrl: 'https://other.example.com' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(changes).toHaveLength(2);
  });
});
