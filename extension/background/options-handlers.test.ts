// The options page's requests against a backend double: who am I, settings with their version,
// CONFLICT and field errors passed through, rules read-only for agents, test connection, sign out.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { DEFAULT_TENANT_SETTINGS, publicSettings } from '../../shared/settings';
import { loadBackendConfig, saveBackendConfig, type BackendConfig } from './backend-config';
import { createBackendConnection, type BackendConnection } from './backend-connection';
import { createOptionsHandlers, type OptionsHandlers } from './options-handlers';
import { createFakeBackend, serverError, type FakeBackend } from './testing/fake-backend';

const API_KEY = 'bk_Ab12cdeFGhijKLmnOPqrSTuvWXyz0123456';
const TEAM = { id: '3f0c7a2e-5b8d-4c1e-9a6f-2d4b8e1c7a90', name: 'Support' };
const me = (role: 'admin' | 'agent') => ({
  tenant: { id: 't-1', slug: 'acme' },
  agentId: 'agent-1',
  apiKeyId: 'key-1',
  displayName: role === 'admin' ? 'Dana Admin' : 'Sam Support',
  role,
  groups: [],
  via: 'api_key',
  serverNow: new Date().toISOString(),
});
const stored = (version: number, canEdit: boolean) => ({ ...publicSettings(DEFAULT_TENANT_SETTINGS), version, canEdit });

describe('options handlers', () => {
  let fake: FakeBackend;
  let backend: BackendConnection;
  let handlers: OptionsHandlers;
  let testedConfigs: BackendConfig[];

  beforeEach(async () => {
    fakeBrowser.reset();
    await saveBackendConfig({ url: 'http://127.0.0.1:8787', credential: API_KEY });
    fake = createFakeBackend();
    fake.answer('auth.me', () => me('admin'));
    fake.answer('teams.list', () => [{ ...TEAM, memberIds: [] }]);
    backend = createBackendConnection({ createClient: () => fake.client });
    testedConfigs = [];
    handlers = createOptionsHandlers({
      backend,
      createClient: (config) => {
        testedConfigs.push(config);
        return fake.client;
      },
    });
  });

  afterEach(() => backend.dispose());

  it('me.get maps auth.me to who the agent is and whether they may change settings', async () => {
    expect(await handlers['me.get']({ type: 'me.get' })).toEqual({
      ok: true,
      value: { agentId: 'agent-1', displayName: 'Dana Admin', role: 'admin', tenantSlug: 'acme', via: 'api_key', isAdmin: true },
    });
  });

  it('settings.get answers the settings, their version and the teams, editable for an admin', async () => {
    fake.answer('settings.get', () => stored(4, true));
    const result = await handlers['settings.get']({ type: 'settings.get' });
    expect(result).toMatchObject({ ok: true, value: { version: 4, canEdit: true, readOnlyReason: null, teams: [TEAM] } });
    if (!result.ok) throw new Error('expected ok');
    expect(result.value.settings).toEqual(publicSettings(DEFAULT_TENANT_SETTINGS));
    expect(result.value.settings).not.toHaveProperty('version');
  });

  it('settings.get is read-only for an agent, with the reason', async () => {
    fake.answer('auth.me', () => me('agent'));
    fake.answer('settings.get', () => stored(4, false));
    expect(await handlers['settings.get']({ type: 'settings.get' })).toMatchObject({
      ok: true,
      value: { canEdit: false, readOnlyReason: 'Only admins can change settings; you are signed in as an agent.' },
    });
  });

  it('settings.get still answers when the teams cannot be listed', async () => {
    fake.answer('settings.get', () => stored(1, true));
    fake.answer('teams.list', () => {
      throw serverError('FORBIDDEN', 'Admins only');
    });
    expect(await handlers['settings.get']({ type: 'settings.get' })).toMatchObject({ ok: true, value: { teams: [] } });
  });

  it('settings.update sends the patch with expectedVersion and answers the new version', async () => {
    fake.answer('settings.update', () => ({ ...stored(5, true), rescheduledTakeovers: 0 }));
    const patch = { replyCadence: { enabled: true, minDelaySeconds: 10, maxDelaySeconds: 20 } };
    const result = await handlers['settings.update']({ type: 'settings.update', expectedVersion: 4, patch });
    expect(fake.callsTo('settings.update')).toEqual([{ ...patch, expectedVersion: 4 }]);
    expect(result).toMatchObject({ ok: true, value: { version: 5 } });
    if (result.ok) expect(result.value.settings).not.toHaveProperty('rescheduledTakeovers');
  });

  it("settings.connectorStatus answers each connector's state and last error as the backend says", async () => {
    const failing = [{ connector: 'rt', state: 'failing', failingSince: '2026-12-03T04:00:00.000Z', lastError: 'RT refused the credentials of user "baton" (401)' }];
    fake.answer('settings.connectorStatus', () => failing);
    expect(await handlers['settings.connectorStatus']({ type: 'settings.connectorStatus' })).toEqual({ ok: true, value: failing });
  });

  it('settings.update passes a CONFLICT and field errors through for the form', async () => {
    fake.answer('settings.update', () => {
      throw serverError('CONFLICT', 'Another admin changed these settings since you opened them; reload to see their changes', { field: 'expectedVersion' });
    });
    expect(await handlers['settings.update']({ type: 'settings.update', expectedVersion: 4, patch: { hipaaMode: true } })).toMatchObject({ ok: false, code: 'CONFLICT', field: 'expectedVersion' });

    fake.answer('settings.update', () => {
      throw serverError('BAD_REQUEST', 'replyCadence.minDelaySeconds: must be at most maxDelaySeconds', { fieldErrors: { 'replyCadence.minDelaySeconds': 'must be at most maxDelaySeconds' } });
    });
    expect(await handlers['settings.update']({ type: 'settings.update', expectedVersion: 4, patch: { hipaaMode: true } })).toMatchObject({
      ok: false,
      code: 'BAD_REQUEST',
      fieldErrors: { 'replyCadence.minDelaySeconds': 'must be at most maxDelaySeconds' },
    });
  });

  it('rules.list answers the rules and their version; an agent on a backend that keeps rules admin-only sees why, not an error', async () => {
    const rule = { id: 'r-1', name: 'Refunds', enabled: true, condition: { keywords: ['refund'] }, actions: [{ type: 'tag', tag: 'billing' }] };
    fake.answer('rules.list', () => ({ rules: [rule], version: 3 }));
    expect(await handlers['rules.list']({ type: 'rules.list' })).toEqual({ ok: true, value: { rules: [rule], version: 3, canEdit: true, readOnlyReason: null } });

    fake.answer('auth.me', () => me('agent'));
    fake.answer('rules.list', () => {
      throw serverError('FORBIDDEN', 'Admins only');
    });
    expect(await handlers['rules.list']({ type: 'rules.list' })).toMatchObject({ ok: true, value: { rules: [], version: 0, canEdit: false, readOnlyReason: expect.stringContaining('Only admins') } });
  });

  it('rules.save names the version it edits; a CONFLICT (another admin saved) comes back as such', async () => {
    const rules = [{ name: 'Refunds', condition: { keywords: ['refund'] }, actions: [{ type: 'takeover_hold' as const }] }];
    fake.answer('rules.save', (input) => ({ rules: (input as { rules: typeof rules }).rules.map((rule, position) => ({ ...rule, id: 'r-1', position, enabled: true })), version: 5 }));
    expect(await handlers['rules.save']({ type: 'rules.save', expectedVersion: 4, rules })).toMatchObject({ ok: true, value: { version: 5, rules: [{ id: 'r-1', name: 'Refunds' }], canEdit: true } });
    expect(fake.callsTo('rules.save')).toEqual([{ expectedVersion: 4, rules }]);

    fake.answer('rules.save', () => {
      throw serverError('CONFLICT', 'Another admin changed the routing rules since you opened them; reload to see their changes', { field: 'expectedVersion' });
    });
    expect(await handlers['rules.save']({ type: 'rules.save', expectedVersion: 4, rules })).toMatchObject({ ok: false, code: 'CONFLICT', field: 'expectedVersion', message: expect.stringContaining('Another admin changed the routing rules') });
  });

  it('rules.save passes the server field error of a bad pattern through', async () => {
    fake.answer('rules.save', () => {
      throw serverError('BAD_REQUEST', 'rules.0.condition.pattern: pattern is not a valid regular expression', {
        fieldErrors: { 'rules.0.condition.pattern': 'pattern is not a valid regular expression: Unterminated group' },
      });
    });
    const result = await handlers['rules.save']({ type: 'rules.save', expectedVersion: 1, rules: [{ name: 'x', condition: { pattern: '(a' }, actions: [{ type: 'takeover_hold' }] }] });
    expect(result).toMatchObject({ ok: false, code: 'BAD_REQUEST', fieldErrors: { 'rules.0.condition.pattern': expect.stringContaining('Unterminated group') } });
  });

  it('answers UNCONFIGURED without a saved configuration', async () => {
    await fakeBrowser.storage.local.clear();
    expect(await handlers['settings.get']({ type: 'settings.get' })).toMatchObject({ ok: false, code: 'UNCONFIGURED' });
    expect(fake.calls).toEqual([]);
  });

  it('connection.test asks auth.me with the typed URL and credential, saving nothing', async () => {
    const result = await handlers['connection.test']({ type: 'connection.test', url: 'http://localhost:9999/', credential: 'bk_other_credential_123456' });
    expect(result).toMatchObject({ ok: true, value: { displayName: 'Dana Admin' } });
    expect(testedConfigs).toEqual([{ url: 'http://localhost:9999', credential: 'bk_other_credential_123456' }]);
    expect(await loadBackendConfig()).toEqual({ url: 'http://127.0.0.1:8787', credential: API_KEY });
  });

  it('connection.test uses the saved credential when the field is blank, and names bad fields', async () => {
    await handlers['connection.test']({ type: 'connection.test', url: '', credential: '' });
    expect(testedConfigs).toEqual([{ url: 'http://127.0.0.1:8787', credential: API_KEY }]);

    const bad = await handlers['connection.test']({ type: 'connection.test', url: 'ftp://nope', credential: 'x' });
    expect(bad).toMatchObject({ ok: false, code: 'BAD_REQUEST', field: 'url', fieldErrors: { url: 'Backend URL must be an http:// or https:// address' } });
  });

  it('connection.test under a policy-set backend URL refuses another URL (field error, nothing sent) and tests the policy’s', async () => {
    await fakeBrowser.storage.managed.set({ backendUrl: 'http://127.0.0.1:8787' });
    const elsewhere = await handlers['connection.test']({ type: 'connection.test', url: 'https://collector.evil.test', credential: '' });
    expect(elsewhere).toMatchObject({
      ok: false,
      code: 'BAD_REQUEST',
      field: 'url',
      fieldErrors: { url: "The backend URL is set by your organization's policy (http://127.0.0.1:8787) and cannot be changed here" },
    });
    expect(testedConfigs).toEqual([]);
    expect(fake.calls).toEqual([]);
    expect(await handlers['connection.test']({ type: 'connection.test', url: 'http://127.0.0.1:8787/', credential: '' })).toMatchObject({ ok: true });
    expect(testedConfigs).toEqual([{ url: 'http://127.0.0.1:8787', credential: API_KEY }]);
  });

  it('connection.test explains a refused credential and an unreachable backend', async () => {
    fake.answer('auth.me', () => {
      throw serverError('UNAUTHORIZED', 'Invalid credential');
    });
    expect(await handlers['connection.test']({ type: 'connection.test', url: '', credential: '' })).toMatchObject({ ok: false, code: 'UNAUTHORIZED', message: expect.stringContaining('refused this credential') });
    fake.setDown(true);
    expect(await handlers['connection.test']({ type: 'connection.test', url: '', credential: '' })).toMatchObject({ ok: false, code: 'OFFLINE', message: expect.stringContaining('http://127.0.0.1:8787') });
  });

  it('config.signOut forgets the credential and keeps the URL', async () => {
    expect(await handlers['config.signOut']({ type: 'config.signOut' })).toEqual({ url: 'http://127.0.0.1:8787', hasCredential: false, credentialKind: null, credentialHint: null });
    expect(await loadBackendConfig()).toBeNull();
    expect(await backend.current()).toBeNull();
    expect(JSON.stringify(await fakeBrowser.storage.local.get(null))).not.toContain(API_KEY);
  });
});
