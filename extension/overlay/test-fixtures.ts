// Test-only builders for the overlay's tests: a conversation view, a store holding it, fake actions.
import { vi } from 'vitest';
import type { ConnectionState, ThreadState } from '../messaging';
import type { OverlayActions } from './overlay-actions';
import type { ConversationView, ResolveReasonOption } from './overlay-model';
import { createOverlayStore, initialOverlayState, type OverlayStore } from './overlay-store';

/** The server's "now" in every test: 2:10 PM CST on 15 January 2025. */
export const SERVER_NOW = Date.parse('2025-01-15T20:10:00.000Z');
/** The local clock runs 30 s behind the server in these tests (offset = +30 s). */
export const SERVER_OFFSET_MS = 30_000;
/** A local clock fixed at SERVER_NOW − offset, so `clock() + offset` is SERVER_NOW. */
export const fixedClock = () => SERVER_NOW - SERVER_OFFSET_MS;

/** ISO instant `ms` milliseconds after SERVER_NOW. */
export function at(ms: number): string {
  return new Date(SERVER_NOW + ms).toISOString();
}

export const RESOLVE_REASONS: ResolveReasonOption[] = [
  { reason: 'handled', label: 'Handled', noteRequired: false, startsCooldown: false, releasesTakeover: true },
  { reason: 'false_positive', label: 'False positive', noteRequired: false, startsCooldown: true, releasesTakeover: false },
  { reason: 'spam', label: 'Spam', noteRequired: false, startsCooldown: true, releasesTakeover: false },
  { reason: 'duplicate', label: 'Duplicate', noteRequired: false, startsCooldown: true, releasesTakeover: false },
  { reason: 'other', label: 'Other', noteRequired: true, startsCooldown: false, releasesTakeover: false },
];

/** A conversation nobody holds, with nothing pending; override what a test needs. */
export function makeView(overrides: Partial<ConversationView> = {}): ConversationView {
  return {
    id: 'conv-1',
    subject: null,
    lead: { id: 'lead-1', name: 'Jane Doe', phone: '+15550100', email: null },
    helpdeskUrl: null,
    takeover: null,
    pendingReply: null,
    failedReply: null,
    replyInFlight: null,
    failedDraft: null,
    escalation: null,
    cooldown: null,
    viewer: { agentId: 'agent-me', name: 'Sam Lee', canResolve: true },
    resolveReasons: RESOLVE_REASONS,
    releaseWarningMinutes: 15,
    lastCustomerMessageAt: null,
    lastAgentMessageAt: null,
    timeZone: 'America/Chicago',
    serverNow: at(0),
    ...overrides,
  };
}

type Takeover = NonNullable<ConversationView['takeover']>;

/** A takeover by `holder` (null: a routing rule's hold) since 2:05 PM CST, auto-release at 5:00 PM CST. */
export function makeTakeover(holder: Takeover['holder'], overrides: Partial<Takeover> = {}): Takeover {
  return {
    holder,
    source: holder === null ? 'rule' : 'banner',
    since: '2025-01-15T20:05:00.000Z',
    autoReleaseAt: '2025-01-15T23:00:00.000Z',
    warning: 'AI resumes at 5:00 PM CST',
    warningActive: false,
    ...overrides,
  };
}

type Escalation = NonNullable<ConversationView['escalation']>;

/** An open escalation to Billing, opened 12 minutes ago, cycle 2; `redacted` as in HIPAA mode. */
export function makeEscalation(options: { redacted?: boolean; reason?: string } = {}): Escalation {
  const common = {
    id: 'esc-1',
    leadId: 'lead-1',
    conversationId: 'conv-1',
    status: 'open' as const,
    reason: options.reason ?? 'Customer asked for a refund',
    reasonCode: null,
    trigger: 'rule' as const,
    openedAt: at(-12 * 60_000),
    lastActivityAt: at(-60_000),
    activityCount: 1,
  };
  return options.redacted
    ? { ...common, redacted: true }
    : { ...common, redacted: false, team: { id: 'team-billing', name: 'Billing' }, cycle: 2 };
}

/** The thread state the background pushes for `view`. */
export function viewThread(view: ConversationView): ThreadState {
  return { kind: 'view', view, serverOffsetMs: SERVER_OFFSET_MS, receivedAt: SERVER_NOW - SERVER_OFFSET_MS };
}

/** A store showing `thread` (a view by default) over `connection` (online by default). */
export function storeWith(thread: ThreadState | ConversationView | null, connection: ConnectionState = { state: 'online' }): OverlayStore {
  const threadState = thread !== null && 'id' in thread ? viewThread(thread) : thread;
  return createOverlayStore({
    ...initialOverlayState,
    connection,
    ref: { connector: 'demo', externalId: 'DEMO-1' },
    thread: threadState,
  });
}

/** Actions that succeed (with `view` for takeOver/release and an empty timeline); override per test. */
export function fakeActions(overrides: Partial<OverlayActions> = {}, view: ConversationView = makeView()) {
  const actions = {
    takeOver: vi.fn<OverlayActions['takeOver']>(async () => ({ ok: true, value: view })),
    release: vi.fn<OverlayActions['release']>(async () => ({ ok: true, value: view })),
    sendNow: vi.fn<OverlayActions['sendNow']>(async () => ({ ok: true, value: null })),
    editAndSend: vi.fn<OverlayActions['editAndSend']>(async () => ({ ok: true, value: null })),
    cancelReply: vi.fn<OverlayActions['cancelReply']>(async () => ({ ok: true, value: null })),
    resolve: vi.fn<OverlayActions['resolve']>(async () => ({ ok: true, value: null })),
    loadTimeline: vi.fn<OverlayActions['loadTimeline']>(async () => ({
      ok: true,
      value: { entries: [], nextCursor: null, timeZone: 'America/Chicago' },
    })),
  };
  for (const [name, implementation] of Object.entries(overrides)) {
    actions[name as keyof OverlayActions].mockImplementation(implementation as never);
  }
  return actions;
}

/** A promise the test resolves by hand (to observe the pending state). */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** The only element matching `[data-baton="name"]`, or a failing test. */
export function baton(root: ParentNode, name: string): HTMLElement {
  const found = root.querySelectorAll<HTMLElement>(`[data-baton="${name}"]`);
  if (found.length !== 1) throw new Error(`expected one [data-baton="${name}"], found ${found.length}`);
  return found[0]!;
}

/** Whether `[data-baton="name"]` is present. */
export function hasBaton(root: ParentNode, name: string): boolean {
  return root.querySelector(`[data-baton="${name}"]`) !== null;
}
