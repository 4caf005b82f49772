// The one event stream (`events.onChange` over SSE) for every tab: resumes from the last event id,
// reconnects with backoff when the backend is unreachable, and stops when the credential is refused.
import type { BatonEvent } from '../../shared/events';
import type { ConnectionState } from '../messaging';
import { isCredentialRejected, serverErrorCode, UNAUTHORIZED_MESSAGE, UNCONFIGURED_MESSAGE } from './action-result';
import type { BackendConnection, CurrentBackend } from './backend-connection';
import { reconnectDelayMs } from './backoff';
import { clearStreamCursor, loadStreamCursor, saveStreamCursor } from './stream-cursor';

/** What the overlay says while the stream is down (the UI contract's `[data-baton="offline"]`). */
export const OFFLINE_STATE_MESSAGE = 'Baton offline — reconnecting';
/** After a refused credential, ask again this often (or at once when the configuration changes). */
export const UNAUTHORIZED_RETRY_MS = 5 * 60_000;
/** The cursor is written to storage at most this often while events flow. */
export const CURSOR_SAVE_INTERVAL_MS = 1_000;
/** A connection that lasted this long resets the backoff; a flapping one keeps backing off. */
const STABLE_CONNECTION_MS = 10_000;

/** Where the stream's news goes; `log` gets one line per connection state change, never per retry. */
export interface EventStreamDeps {
  backend: BackendConnection;
  /** Every event, in order (replayed ones first after a resume). */
  onEvent(event: BatonEvent): void;
  /** The stream (re)connected: whatever changed while it was down must be re-read. */
  onConnected(): void;
  onConnectionChange(connection: ConnectionState): void;
  random?: () => number;
  now?: () => number;
  log?: Pick<Console, 'warn' | 'info'>;
}

/** The stream's controls; see {@link createEventStream}. */
export interface EventStream {
  /** Connects unless already running (idempotent). */
  start(): void;
  /** Closes the stream and saves the cursor. */
  stop(): Promise<void>;
  /** The configuration changed: forget the cursor and the backoff; reconnect if running. */
  restart(): void;
  /** A timer or a worker wake-up (alarm, port ping): retry now if a retry is overdue. */
  wake(): void;
  /** A query with `backend` was refused (UNAUTHORIZED): treat it like the stream being refused. */
  noteCredentialRejected(backend: CurrentBackend, error: unknown): void;
  /** Writes the cursor now if it moved since the last write. */
  saveCursor(): Promise<void>;
  /** The last connection state reported; null before the first attempt decided anything. */
  connection(): ConnectionState | null;
  /** True between start() and stop(). */
  isRunning(): boolean;
}

type Phase = 'stopped' | 'connecting' | 'online' | 'retrying' | 'unauthorized' | 'unconfigured';

/**
 * Creates the stream (not started). States reported: `online` once the SSE stream is open;
 * `offline` (with `retryAt`) while retrying with exponential backoff and jitter (1 s → 30 s);
 * `unauthorized` when the backend refuses the credential (retried every 5 minutes, or at once on a
 * configuration change); `unconfigured` when nothing is saved.
 *
 * @example
 * const stream = createEventStream({ backend, onEvent, onConnected, onConnectionChange });
 * stream.start();
 */
export function createEventStream(deps: EventStreamDeps): EventStream {
  const now = deps.now ?? (() => Date.now());
  const random = deps.random ?? Math.random;
  const log = deps.log ?? console;

  let phase: Phase = 'stopped';
  /** Bumped by every attempt and every close: callbacks of an older attempt are ignored. */
  let generation = 0;
  let subscription: { unsubscribe(): void } | null = null;
  let activeBackend: CurrentBackend | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let retryDueAt = 0;
  let attempt = 0;
  let onlineSince = 0;
  let cursor: { url: string; lastEventId: string } | null = null;
  let cursorDirty = false;
  let cursorTimer: ReturnType<typeof setTimeout> | null = null;
  let state: ConnectionState | null = null;

  function report(next: ConnectionState, reason?: string) {
    if (JSON.stringify(next) === JSON.stringify(state)) return;
    const kindChanged = next.state !== state?.state;
    state = next;
    if (kindChanged) logStateChange(next, reason);
    deps.onConnectionChange(next);
  }

  function logStateChange(next: ConnectionState, reason: string | undefined) {
    if (next.state === 'online') log.info('[baton] event stream connected');
    else if (next.state === 'offline') log.warn(`[baton] backend unreachable${reason ? ` (${reason})` : ''}: retrying with backoff (1 s up to 30 s)`);
    else if (next.state === 'unauthorized') log.warn('[baton] the backend refused the saved credential: retrying every 5 minutes or when the configuration changes');
    else log.info('[baton] no backend configured yet');
  }

  function closeSubscription() {
    generation += 1;
    const open = subscription;
    subscription = null;
    open?.unsubscribe();
  }

  function clearRetry() {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
  }

  function scheduleRetry(delayMs: number) {
    clearRetry();
    retryDueAt = now() + delayMs;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, delayMs);
  }

  async function connect(): Promise<void> {
    clearRetry();
    closeSubscription();
    const attemptGeneration = generation;
    const isCurrent = () => attemptGeneration === generation && phase !== 'stopped';
    phase = 'connecting';

    const backend = await deps.backend.current().catch(() => null);
    if (!isCurrent()) return;
    activeBackend = backend;
    if (!backend) {
      phase = 'unconfigured';
      report({ state: 'unconfigured', message: UNCONFIGURED_MESSAGE });
      return;
    }

    let lastEventId: string;
    try {
      // Also proves the credential with an ordinary request before the stream opens.
      const latestId = await backend.client.events.latestId.query();
      if (!isCurrent()) return;
      const resumeFrom = cursor?.url === backend.config.url ? cursor.lastEventId : await loadStreamCursor(backend.config.url, now());
      if (!isCurrent()) return;
      // A cursor past the newest event (the backend's database was reset) would skip everything.
      lastEventId = resumeFrom !== null && BigInt(resumeFrom) <= BigInt(latestId) ? resumeFrom : latestId;
    } catch (error) {
      if (isCurrent()) fail(error);
      return;
    }
    if (cursor?.lastEventId !== lastEventId || cursor.url !== backend.config.url) {
      cursor = { url: backend.config.url, lastEventId };
      markCursorMoved();
    }

    const url = backend.config.url;
    subscription = backend.client.events.onChange.subscribe(
      { lastEventId },
      {
        onStarted: () => {
          if (!isCurrent()) return;
          phase = 'online';
          onlineSince = now();
          report({ state: 'online' });
          deps.onConnected();
        },
        onData: (tracked) => {
          if (!isCurrent()) return;
          cursor = { url, lastEventId: tracked.id };
          markCursorMoved();
          deps.onEvent(tracked.data);
        },
        onError: (error) => {
          if (isCurrent()) fail(error);
        },
        onConnectionStateChange: (connection) => {
          // The EventSource lost the connection: reconnect on our own schedule, not its fixed 3 s.
          if (isCurrent() && connection.state === 'connecting' && connection.error) fail(connection.error);
        },
        onComplete: () => {
          if (isCurrent()) fail(new Error('the event stream ended'));
        },
      },
    );
  }

  function fail(error: unknown) {
    const wasOnlineFor = phase === 'online' ? now() - onlineSince : 0;
    closeSubscription();
    if (isCredentialRejected(error, { forbiddenToo: true })) {
      phase = 'unauthorized';
      report({ state: 'unauthorized', message: UNAUTHORIZED_MESSAGE });
      scheduleRetry(UNAUTHORIZED_RETRY_MS);
      return;
    }
    if (serverErrorCode(error) === 'BAD_REQUEST' && cursor) {
      // The backend refused the cursor itself: start again from its newest event.
      cursor = null;
      void clearStreamCursor().catch(() => undefined);
    }
    if (wasOnlineFor >= STABLE_CONNECTION_MS) attempt = 0;
    const delayMs = reconnectDelayMs(attempt, random);
    attempt += 1;
    phase = 'retrying';
    scheduleRetry(delayMs);
    report({ state: 'offline', message: OFFLINE_STATE_MESSAGE, retryAt: new Date(retryDueAt).toISOString() }, reasonOf(error));
  }

  function markCursorMoved() {
    cursorDirty = true;
    cursorTimer ??= setTimeout(() => {
      cursorTimer = null;
      void saveCursor();
    }, CURSOR_SAVE_INTERVAL_MS);
  }

  async function saveCursor(): Promise<void> {
    if (cursorTimer) clearTimeout(cursorTimer);
    cursorTimer = null;
    if (!cursorDirty || !cursor) return;
    cursorDirty = false;
    await saveStreamCursor(cursor.url, cursor.lastEventId, now()).catch(() => {
      cursorDirty = true; // try again with the next write
    });
  }

  return {
    start() {
      if (phase === 'stopped') void connect();
    },
    async stop() {
      phase = 'stopped';
      closeSubscription();
      clearRetry();
      await saveCursor();
    },
    restart() {
      cursor = null;
      cursorDirty = false;
      attempt = 0;
      void clearStreamCursor().catch(() => undefined);
      if (phase === 'stopped') {
        state = null; // decided again by the next start
        return;
      }
      void connect();
    },
    wake() {
      const overdue = retryTimer !== null && now() >= retryDueAt;
      if ((phase === 'retrying' || phase === 'unauthorized') && overdue) void connect();
    },
    noteCredentialRejected(backend, error) {
      if (backend !== activeBackend || phase === 'stopped' || phase === 'unauthorized') return;
      if (isCredentialRejected(error)) fail(error);
    },
    saveCursor,
    connection: () => state,
    isRunning: () => phase !== 'stopped',
  };
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
