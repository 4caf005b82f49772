// Reports the agent's sends from the host's composer to Baton (`message.recordAgentReply`), retrying transient failures with the same key.
import type { SendToBackground } from '../overlay/background-overlay-actions';
import type { AgentSend } from '../overlay/overlay-model';

/** How one report ended: recorded, already recorded (same key), not Baton's thread, or given up. */
export type AgentSendOutcome = 'accepted' | 'duplicate' | 'not-handled' | 'failed';

export interface AgentSendReporterOptions {
  /** Baton's id for the thread the agent sent in; null when Baton does not handle that thread. */
  conversationIdForSend: () => Promise<string | null>;
  send: SendToBackground;
  /** Aborting stops pending retries (pass `ctx.signal`). */
  signal: AbortSignal;
  /** The extension was reloaded under this page (`ctx.isInvalid`): no more attempts. */
  isInvalid?: () => boolean;
  /** Waits before retry 1, 2, … (default 1 s, 3 s, 10 s): then the report is given up. */
  retryDelaysMs?: readonly number[];
  /** Where a report given up is mentioned (default `console.warn`). */
  warn?: (message: string) => void;
}

/**
 * Failures worth another try: the backend or the worker could not be reached, or the server hiccuped.
 * Everything else (BAD_REQUEST, FORBIDDEN, NOT_FOUND, UNAUTHORIZED, UNCONFIGURED…) will not change by retrying.
 */
const TRANSIENT_CODES = new Set(['OFFLINE', 'INTERNAL', 'INTERNAL_SERVER_ERROR', 'TIMEOUT', 'TOO_MANY_REQUESTS', 'BAD_GATEWAY', 'SERVICE_UNAVAILABLE', 'GATEWAY_TIMEOUT']);

/**
 * Builds the `onSend` callback for `adapter.onAgentSend`. Each send is reported once with its
 * idempotency key (issue 9 item 6), so a reply the connector reports too counts once; a transient
 * failure is retried a few times with the SAME key, so a retry never records twice.
 *
 * @example
 * const report = createAgentSendReporter({ conversationIdForSend: () => known.whenAnswered(10_000), send: sendToBackground, signal: ctx.signal });
 * ctx.onInvalidated(adapter.onAgentSend(document, report));
 */
export function createAgentSendReporter(options: AgentSendReporterOptions): (send: AgentSend) => Promise<AgentSendOutcome> {
  const retryDelaysMs = options.retryDelaysMs ?? [1_000, 3_000, 10_000];
  const warn = options.warn ?? ((message: string) => console.warn(message));

  return async (agentSend) => {
    const conversationId = await options.conversationIdForSend();
    if (conversationId === null) return 'not-handled';
    for (let attempt = 0; ; attempt += 1) {
      if (options.signal.aborted || options.isInvalid?.()) return 'failed';
      const failure = await reportOnce(options.send, conversationId, agentSend);
      if (typeof failure !== 'object') return failure;
      const delay = retryDelaysMs[attempt];
      if (!failure.transient || delay === undefined) {
        warn(`[baton] could not report the agent's reply to Baton (${failure.code}): ${failure.message}`);
        return 'failed';
      }
      if (!(await sleep(delay, options.signal))) return 'failed';
    }
  };
}

type ReportFailure = { transient: boolean; code: string; message: string };

async function reportOnce(
  send: SendToBackground,
  conversationId: string,
  agentSend: AgentSend,
): Promise<'accepted' | 'duplicate' | ReportFailure> {
  try {
    const result = await send({ type: 'message.recordAgentReply', conversationId, send: agentSend });
    if (result.ok) return result.value.status;
    return { transient: TRANSIENT_CODES.has(result.code), code: result.code, message: result.message };
  } catch (error) {
    // The worker did not answer (stopped mid-request, being replaced): worth another try.
    return { transient: true, code: 'NO_ANSWER', message: error instanceof Error ? error.message : String(error) };
  }
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
