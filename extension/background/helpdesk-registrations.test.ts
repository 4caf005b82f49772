// Registration sync: configured ∩ granted ∩ allowed by policy → registered; removed origins given back; offline keeps the cache.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { deskConfig } from '../adapters/fixtures/desk-config';
import type { HelpdeskAdapterConfig } from '../../shared/helpdesk-adapters';
import type { BackendConnection } from './backend-connection';
import { createHelpdeskAdapterStore } from './helpdesk-adapter-store';
import { CONFIGURED_HELPDESK_SCRIPT, createHelpdeskRegistrations, type RegistrationApis, type ScriptRegistration } from './helpdesk-registrations';
import { NO_POLICY, type ManagedPolicyView } from './managed-policy';
import { createFakeBackend, type FakeBackend } from './testing/fake-backend';

const DESK = deskConfig();
const OTHER = deskConfig({ id: '2b0f7d61-4c3e-4d8a-b1f9-6e2a7c5d9e10', name: 'Other Desk', origin: 'https://other.example.com' });
const LOCAL = deskConfig({ id: '9a4e2c71-8b3d-4f60-a5e1-0d7c6b2f3a48', name: 'Local Desk', origin: 'http://127.0.0.1:4567' });

/** Host permissions and registrations in memory, like Chromium keeps them (the manifest's hosts cannot be removed). */
function memoryBrowser(granted: string[] = []) {
  const origins = new Set(granted);
  const scripts = new Map<string, ScriptRegistration>();
  const apis: RegistrationApis = {
    containsOrigin: async (origin) => origins.has(origin) || new URL(origin).hostname === '127.0.0.1',
    removeOrigin: vi.fn(async (origin: string) => {
      if (new URL(origin).hostname === '127.0.0.1') throw new Error('You cannot remove required permissions.');
      return origins.delete(origin);
    }),
    registered: async () => [...scripts.values()],
    register: vi.fn(async (added: ScriptRegistration[]) => {
      for (const script of added) {
        if (scripts.has(script.id)) throw new Error(`Duplicate script ID '${script.id}'`);
        scripts.set(script.id, script);
      }
    }),
    unregister: vi.fn(async (ids: string[]) => ids.forEach((id) => scripts.delete(id))),
  };
  return { apis, origins, scripts };
}

describe('helpdesk registrations', () => {
  let fake: FakeBackend;
  let configured: boolean;
  let tenantAdapters: HelpdeskAdapterConfig[];
  let policy: ManagedPolicyView;

  const backend: BackendConnection = {
    current: async () => (configured ? { config: { url: 'http://127.0.0.1:8787', credential: 'bk_x' }, client: fake.client } : null),
    onChange: () => () => undefined,
    dispose: () => undefined,
  };

  function start(granted: string[] = []) {
    const browser = memoryBrowser(granted);
    const registrations = createHelpdeskRegistrations({ store: createHelpdeskAdapterStore(backend), apis: browser.apis, readPolicy: async () => policy });
    return { ...browser, registrations };
  }

  beforeEach(() => {
    fakeBrowser.reset();
    fake = createFakeBackend();
    configured = true;
    tenantAdapters = [DESK, OTHER];
    policy = NO_POLICY;
    fake.answer('settings.get', () => ({ helpdeskAdapters: tenantAdapters, version: 3, canEdit: true }));
  });

  it('registers the script on granted origins only, with the origin as its only match', async () => {
    const { registrations, scripts } = start([DESK.origin]);
    const views = await registrations.sync();
    expect([...scripts.values()]).toEqual([{ id: `baton-helpdesk:${DESK.origin}`, matches: ['https://desk.example.com/*'], js: [CONFIGURED_HELPDESK_SCRIPT] }]);
    expect(views).toEqual([
      { adapterId: DESK.id, name: 'Fixture Desk', origin: DESK.origin, granted: true, registered: true, allowedByPolicy: true },
      { adapterId: OTHER.id, name: 'Other Desk', origin: OTHER.origin, granted: false, registered: false, allowedByPolicy: true },
    ]);
  });

  it('registers an origin once it is granted (reconcile after permissions.onAdded), and drops it when the grant goes', async () => {
    const { registrations, scripts, origins } = start();
    await registrations.sync();
    expect(scripts.size).toBe(0);
    origins.add(OTHER.origin);
    await registrations.reconcile();
    expect([...scripts.keys()]).toEqual([`baton-helpdesk:${OTHER.origin}`]);
    origins.delete(OTHER.origin);
    await registrations.reconcile();
    expect(scripts.size).toBe(0);
  });

  it('leaves an origin the policy does not allow unregistered, and says so', async () => {
    policy = { backendUrl: null, allowedHelpdeskOrigins: [OTHER.origin] };
    const { registrations, scripts } = start([DESK.origin, OTHER.origin]);
    const views = await registrations.sync();
    expect([...scripts.keys()]).toEqual([`baton-helpdesk:${OTHER.origin}`]);
    expect(views.map((view) => [view.name, view.granted, view.registered, view.allowedByPolicy])).toEqual([
      ['Fixture Desk', true, false, false],
      ['Other Desk', true, true, true],
    ]);
  });

  it('unregisters and gives the permission back when an admin removed the helpdesk', async () => {
    const { registrations, scripts, origins, apis } = start([DESK.origin, OTHER.origin]);
    await registrations.sync();
    expect(scripts.size).toBe(2);
    tenantAdapters = [OTHER];
    await registrations.sync();
    expect([...scripts.keys()]).toEqual([`baton-helpdesk:${OTHER.origin}`]);
    expect([...origins]).toEqual([OTHER.origin]);
    expect(apis.removeOrigin).toHaveBeenCalledTimes(1);
  });

  it('keeps working when the browser refuses to give back a manifest host (127.0.0.1)', async () => {
    tenantAdapters = [LOCAL];
    const { registrations, scripts } = start();
    expect((await registrations.sync()).map((view) => view.registered)).toEqual([true]);
    tenantAdapters = [];
    expect(await registrations.sync()).toEqual([]);
    expect(scripts.size).toBe(0);
  });

  it('offline: keeps serving the adapters it knew', async () => {
    const { registrations, scripts } = start([DESK.origin]);
    await registrations.sync();
    fake.setDown(true);
    const views = await registrations.sync();
    expect(views.map((view) => view.name)).toEqual(['Fixture Desk', 'Other Desk']);
    expect(scripts.size).toBe(1);
  });

  it('signed out: forgets the adapters and unregisters everything', async () => {
    const { registrations, scripts } = start([DESK.origin]);
    await registrations.sync();
    configured = false;
    expect(await registrations.sync()).toEqual([]);
    expect(scripts.size).toBe(0);
  });

  it('replaces a registration of an older script file, and re-registers one removed behind its back', async () => {
    const { registrations, scripts } = start([DESK.origin]);
    scripts.set(`baton-helpdesk:${DESK.origin}`, { id: `baton-helpdesk:${DESK.origin}`, matches: ['https://desk.example.com/*'], js: ['content-scripts/old.js'] });
    scripts.set('someone-else', { id: 'someone-else', js: ['x.js'] });
    await registrations.sync();
    expect(scripts.get(`baton-helpdesk:${DESK.origin}`)?.js).toEqual([CONFIGURED_HELPDESK_SCRIPT]);
    expect(scripts.has('someone-else')).toBe(true);
    scripts.delete(`baton-helpdesk:${DESK.origin}`);
    expect((await registrations.status())[0]?.registered).toBe(false);
    await registrations.reconcile();
    expect(scripts.has(`baton-helpdesk:${DESK.origin}`)).toBe(true);
  });

  it('runs overlapping syncs one after the other (no duplicate registration)', async () => {
    const { registrations, apis } = start([DESK.origin, OTHER.origin]);
    await Promise.all([registrations.sync(), registrations.sync(), registrations.reconcile()]);
    expect(apis.register).toHaveBeenCalledTimes(2);
  });

  it('drops an adapter entry the schema refuses', async () => {
    tenantAdapters = [DESK, { ...OTHER, urlPattern: '([' } as HelpdeskAdapterConfig];
    const { registrations } = start([DESK.origin]);
    expect((await registrations.sync()).map((view) => view.name)).toEqual(['Fixture Desk']);
  });

  it.each([
    ['a ticket page', 'https://desk.example.com/tickets/T-9', 'Fixture Desk'],
    ['another page of the origin', 'https://desk.example.com/inbox', 'Fixture Desk'],
    ['an origin no adapter serves', 'https://elsewhere.example.com/tickets/T-9', null],
    ['not a URL', 'nonsense', null],
  ])('adapterForPage on %s', async (_case, url, expected) => {
    const { registrations } = start([DESK.origin]);
    await registrations.sync();
    expect((await registrations.adapterForPage(url))?.name ?? null).toBe(expected);
  });

  it('adapterForPage prefers the adapter whose URL pattern matches when two share an origin, and answers nothing the policy excludes', async () => {
    const inbox = deskConfig({ id: '5c3b1a90-7e2d-4f8c-9b6a-1d0e2f3a4b5c', name: 'Desk inbox', urlPattern: '^https://desk\\.example\\.com/inbox/(\\w+)$', sampleUrl: 'https://desk.example.com/inbox/A1', conversationId: { from: 'url', pattern: '/inbox/(\\w+)' } });
    tenantAdapters = [DESK, inbox];
    const { registrations } = start([DESK.origin]);
    await registrations.sync();
    expect((await registrations.adapterForPage('https://desk.example.com/inbox/A1'))?.name).toBe('Desk inbox');
    policy = { backendUrl: null, allowedHelpdeskOrigins: [] };
    expect(await registrations.adapterForPage('https://desk.example.com/inbox/A1')).toBeNull();
  });
});
