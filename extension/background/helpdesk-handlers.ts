// Answers the `helpdesks.*` requests (extension/protocol/helpdesks.ts): states, sync, the content script's adapter, "Test on the current tab".
import { browser } from 'wxt/browser';
import { ZHelpdeskAdapterConfig } from '../../shared/helpdesk-adapters';
import type { BackgroundHandlers } from '../messaging';
import type { AdapterTestReport } from '../protocol/helpdesks';
import { actionFailure } from './action-result';
import { probeHelpdeskPage, type ProbeInput, type ProbeResult } from './adapter-probe';
import type { HelpdeskRegistrations } from './helpdesk-registrations';

/** The request types this file answers. */
export type HelpdeskRequestType = 'helpdesks.status' | 'helpdesks.sync' | 'helpdesks.testOnTab' | 'helpdesks.adapterForPage';
/** One handler per `helpdesks.*` request. */
export type HelpdeskHandlers = Pick<BackgroundHandlers, HelpdeskRequestType>;

/** A tab as the probe needs it. */
export interface ProbeTab {
  id?: number;
  url?: string;
  lastAccessed?: number;
}

/** The browser side of "Test on the current tab"; tests pass doubles. */
export interface ProbeApis {
  /** Every tab; `url` is present only where Baton has host access (no `tabs` permission). */
  tabs(): Promise<ProbeTab[]>;
  /** Runs the probe in the tab's page. */
  run(tabId: number, input: ProbeInput): Promise<ProbeResult | null>;
}

export interface HelpdeskHandlerDeps {
  registrations: HelpdeskRegistrations;
  probe?: ProbeApis;
}

/** Shown when no tab Baton can read is open. */
export const NO_TAB_MESSAGE =
  'No helpdesk tab to test: open a thread of the helpdesk in a tab (Baton sees only tabs of sites it may access), then test again';

/**
 * Builds the handlers. `helpdesks.testOnTab` validates the configuration first (field errors, as
 * the server would name them), then probes the most recently used tab of the helpdesk's origin
 * (else the most recently used http(s) tab) Baton can see.
 *
 * @example
 * handleMessages({ ...createHelpdeskHandlers({ registrations }), … });
 */
export function createHelpdeskHandlers(deps: HelpdeskHandlerDeps): HelpdeskHandlers {
  const probe = deps.probe ?? browserProbeApis;
  return {
    'helpdesks.status': async () => {
      try {
        return { ok: true, value: await deps.registrations.status() };
      } catch (error) {
        return actionFailure('INTERNAL', `Could not read the helpdesk registrations: ${messageOf(error)}`);
      }
    },

    'helpdesks.sync': async () => {
      try {
        return { ok: true, value: await deps.registrations.sync() };
      } catch (error) {
        return actionFailure('INTERNAL', `Could not update the helpdesk registrations: ${messageOf(error)}`);
      }
    },

    'helpdesks.adapterForPage': ({ url }) => deps.registrations.adapterForPage(url).catch(() => null),

    'helpdesks.testOnTab': async ({ config }) => {
      const parsed = ZHelpdeskAdapterConfig.safeParse(config);
      if (!parsed.success) {
        const fieldErrors = Object.fromEntries(parsed.error.issues.map((issue) => [issue.path.join('.'), issue.message]));
        const [field] = Object.keys(fieldErrors);
        return { ok: false, code: 'BAD_REQUEST', message: 'Fix the highlighted fields first', field: field ?? null, fieldErrors };
      }
      const tab = mostRecentWebTab(await probe.tabs().catch(() => []), parsed.data.origin);
      if (!tab) return actionFailure('NOT_FOUND', NO_TAB_MESSAGE);
      const { urlPattern, conversationId, selectors } = parsed.data;
      let result: ProbeResult | null;
      try {
        result = await probe.run(tab.id, { urlPattern, conversationId, selectors });
      } catch (error) {
        return actionFailure('FORBIDDEN', `Baton could not look into ${tab.url}: ${messageOf(error)}`);
      }
      if (!result) return actionFailure('INTERNAL', `The test did not run in ${tab.url} (the page may still be loading)`);
      const { url, ...seen } = result;
      const report: AdapterTestReport = { tabUrl: url, ...seen };
      return { ok: true, value: report };
    },
  };
}

/**
 * The tab to test in, among those whose address Baton can see: the one used last on `origin` (the
 * helpdesk being configured), else the http(s) tab used last.
 */
export function mostRecentWebTab(tabs: ProbeTab[], origin?: string): { id: number; url: string } | null {
  const web = tabs.filter((tab): tab is ProbeTab & { id: number; url: string } => typeof tab.id === 'number' && /^https?:\/\//.test(tab.url ?? ''));
  web.sort((a, b) => (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0));
  const wanted = origin === undefined ? null : originOf(origin);
  return web.find((tab) => wanted !== null && originOf(tab.url) === wanted) ?? web[0] ?? null;
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The real browser: `tabs.query` and `scripting.executeScript` with the probe function and its input. */
export const browserProbeApis: ProbeApis = {
  tabs: () => browser.tabs.query({}),
  async run(tabId, input) {
    const [injection] = await browser.scripting.executeScript({ target: { tabId }, func: probeHelpdeskPage, args: [input] });
    return (injection?.result as ProbeResult | undefined) ?? null;
  },
};
