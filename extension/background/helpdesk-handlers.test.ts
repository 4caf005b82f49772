// The `helpdesks.*` requests: states and sync pass through, "Test on the current tab" validates first and probes the most recent web tab.
import { describe, expect, it, vi } from 'vitest';
import { deskConfig } from '../adapters/fixtures/desk-config';
import type { HelpdeskRegistrationView } from '../protocol/helpdesks';
import type { ProbeResult } from './adapter-probe';
import { createHelpdeskHandlers, mostRecentWebTab, NO_TAB_MESSAGE, type ProbeApis, type ProbeTab } from './helpdesk-handlers';
import type { HelpdeskRegistrations } from './helpdesk-registrations';

const DESK = deskConfig();
const VIEW: HelpdeskRegistrationView = { adapterId: DESK.id, name: DESK.name, origin: DESK.origin, granted: true, registered: true, allowedByPolicy: true };
const SEEN: ProbeResult = {
  url: 'https://desk.example.com/tickets/T-1001',
  urlMatches: true,
  conversationId: 'T-1001',
  found: { threadHeader: 1, mount: 1, composer: 1, sendButton: 1, conversationId: null },
  problems: [],
};

function setUp(tabs: ProbeTab[] = [], run: ProbeApis['run'] = async () => SEEN) {
  const registrations: HelpdeskRegistrations = {
    sync: vi.fn(async () => [VIEW]),
    reconcile: vi.fn(async () => [VIEW]),
    status: vi.fn(async () => [VIEW]),
    adapterForPage: vi.fn(async (url: string) => (url.startsWith(DESK.origin) ? DESK : null)),
    followPermissions: () => () => undefined,
  };
  const probe = { tabs: async () => tabs, run: vi.fn(run) };
  return { registrations, probe, handlers: createHelpdeskHandlers({ registrations, probe }) };
}

describe('helpdesk handlers', () => {
  it('answers the states, a sync, and the adapter of a page', async () => {
    const { handlers, registrations } = setUp();
    expect(await handlers['helpdesks.status']({ type: 'helpdesks.status' })).toEqual({ ok: true, value: [VIEW] });
    expect(await handlers['helpdesks.sync']({ type: 'helpdesks.sync' })).toEqual({ ok: true, value: [VIEW] });
    expect(registrations.sync).toHaveBeenCalledTimes(1);
    expect(await handlers['helpdesks.adapterForPage']({ type: 'helpdesks.adapterForPage', url: `${DESK.origin}/tickets/T-1` })).toEqual(DESK);
    expect(await handlers['helpdesks.adapterForPage']({ type: 'helpdesks.adapterForPage', url: 'https://elsewhere.example.com/' })).toBeNull();
  });

  it('answers a failure, never throws, when the browser refuses', async () => {
    const { handlers, registrations } = setUp();
    vi.mocked(registrations.sync).mockRejectedValue(new Error('Duplicate script ID'));
    expect(await handlers['helpdesks.sync']({ type: 'helpdesks.sync' })).toMatchObject({ ok: false, message: 'Could not update the helpdesk registrations: Duplicate script ID' });
  });

  it('tests on the most recently used http(s) tab it can see, with the configuration’s selectors', async () => {
    const tabs = [
      { id: 1, url: 'https://desk.example.com/tickets/T-1001', lastAccessed: 200 },
      { id: 2, url: 'chrome-extension://abc/options.html', lastAccessed: 300 },
      { id: 3, lastAccessed: 400 },
      { id: 4, url: 'http://127.0.0.1:8787/demo/acme', lastAccessed: 100 },
    ];
    const { handlers, probe } = setUp(tabs);
    const result = await handlers['helpdesks.testOnTab']({ type: 'helpdesks.testOnTab', config: DESK });
    expect(result).toEqual({ ok: true, value: { tabUrl: SEEN.url, urlMatches: true, conversationId: 'T-1001', found: SEEN.found, problems: [] } });
    expect(probe.run).toHaveBeenCalledWith(1, { urlPattern: DESK.urlPattern, conversationId: DESK.conversationId, selectors: DESK.selectors });
  });

  it('refuses a configuration the schema refuses, naming each field, and probes nothing', async () => {
    const { handlers, probe } = setUp([{ id: 1, url: 'https://desk.example.com/', lastAccessed: 1 }]);
    const result = await handlers['helpdesks.testOnTab']({
      type: 'helpdesks.testOnTab',
      config: { ...DESK, urlPattern: '^https://desk\\.example\\.com/inbox/', selectors: { ...DESK.selectors, mount: '' } },
    });
    expect(result).toEqual({
      ok: false,
      code: 'BAD_REQUEST',
      message: 'Fix the highlighted fields first',
      field: 'selectors.mount',
      fieldErrors: { 'selectors.mount': 'selectors.mount is required', urlPattern: 'urlPattern does not match sampleUrl' },
    });
    expect(probe.run).not.toHaveBeenCalled();
  });

  it('says what to do when no tab can be tested, and when the page refuses the probe', async () => {
    const none = setUp([{ id: 2, url: 'chrome://newtab/' }]);
    expect(await none.handlers['helpdesks.testOnTab']({ type: 'helpdesks.testOnTab', config: DESK })).toMatchObject({ ok: false, code: 'NOT_FOUND', message: NO_TAB_MESSAGE });
    const refused = setUp([{ id: 1, url: 'https://desk.example.com/x', lastAccessed: 1 }], async () => {
      throw new Error('Cannot access contents of the page');
    });
    expect(await refused.handlers['helpdesks.testOnTab']({ type: 'helpdesks.testOnTab', config: DESK })).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
      message: 'Baton could not look into https://desk.example.com/x: Cannot access contents of the page',
    });
  });

  it('tests on the helpdesk’s own tab even when another web page was used more recently', async () => {
    const tabs = [
      { id: 1, url: 'https://desk.example.com/tickets/T-1001', lastAccessed: 200 },
      { id: 4, url: 'http://127.0.0.1:8787/demo/acme', lastAccessed: 500 },
      { id: 5, url: 'https://desk.example.com/tickets/T-1000', lastAccessed: 100 },
    ];
    const { handlers, probe } = setUp(tabs);
    await handlers['helpdesks.testOnTab']({ type: 'helpdesks.testOnTab', config: DESK });
    expect(probe.run).toHaveBeenCalledWith(1, expect.anything());
  });

  it('mostRecentWebTab prefers the given origin, falling back to the http(s) tab used last', () => {
    const tabs = [
      { id: 1, url: 'https://desk.example.com/tickets/1', lastAccessed: 1 },
      { id: 2, url: 'http://127.0.0.1:8787/demo', lastAccessed: 2 },
    ];
    expect(mostRecentWebTab(tabs, 'https://desk.example.com')?.id).toBe(1);
    expect(mostRecentWebTab(tabs, 'https://other.example')?.id).toBe(2);
    expect(mostRecentWebTab(tabs)?.id).toBe(2);
  });

  it('mostRecentWebTab ignores tabs without an address or id', () => {
    expect(mostRecentWebTab([{ url: 'https://a.example/' }, { id: 5, url: 'ftp://x/' }, { id: 6, url: 'http://b.example/', lastAccessed: 1 }])).toEqual({ id: 6, url: 'http://b.example/', lastAccessed: 1 });
    expect(mostRecentWebTab([])).toBeNull();
  });
});
