// Test stand-in for the Baton backend: a real typed tRPC client whose link answers in memory.
import { createTRPCClient, TRPCClientError, type TRPCLink } from '@trpc/client';
import { observable, type Observer } from '@trpc/server/observable';
import type { AppRouter } from '../../../backend/src/trpc/router';
import type { BatonEvent } from '../../../shared/events';
import type { ConversationView } from '../../overlay/overlay-model';
import type { BatonClient } from '../baton-client';

/** Answers one procedure: returns the data, or throws (use {@link serverError} / {@link networkError}). */
export type FakeAnswer = (input: any) => unknown;

/** An error as the backend's error formatter shapes it, as httpBatchLink would surface it. */
export function serverError(code: string, message: string, extras: { field?: string; fieldErrors?: Record<string, string> } = {}): TRPCClientError<AppRouter> {
  return TRPCClientError.from({
    error: {
      code: -32000,
      message,
      data: { code, httpStatus: 400, path: 'fake', field: extras.field ?? null, fieldErrors: extras.fieldErrors ?? null },
    },
  }) as TRPCClientError<AppRouter>;
}

/** A failed fetch, as httpBatchLink surfaces it (no `data`). */
export function networkError(): TRPCClientError<AppRouter> {
  return TRPCClientError.from(new TypeError('Failed to fetch')) as TRPCClientError<AppRouter>;
}

/** One open `events.onChange` subscription; the test drives what the "server" sends. */
export interface FakeSubscription {
  input: { lastEventId?: string | null; conversationId?: string };
  /** True once the client unsubscribed. */
  closed: boolean;
  /** The SSE `connected` event: the client reports `started`. */
  start(): void;
  /** One tracked event. */
  emit(event: BatonEvent): void;
  /** The connection dropped (the EventSource would reconnect): state `connecting` with an error. */
  drop(): void;
  /** The subscription failed for good (e.g. UNAUTHORIZED as a serialized error). */
  fail(error: unknown): void;
}

type Envelope = { result: Record<string, unknown> };

/** A backend double: per-path answers, a call log, and the open subscriptions. */
export interface FakeBackend {
  client: BatonClient;
  /** Every operation, with the (fake) time it was made. */
  calls: { path: string; input: unknown; at: number }[];
  subscriptions: FakeSubscription[];
  /** Sets what `path` answers (replacing the previous answer). */
  answer(path: string, answer: FakeAnswer): void;
  /** While down, every call fails like a refused connection and subscriptions drop at once. */
  setDown(down: boolean): void;
  /** The calls made to one path. */
  callsTo(path: string): unknown[];
  /** The newest subscription that is still open. */
  openSubscription(): FakeSubscription | undefined;
}

/**
 * Creates a backend double. Unanswered paths fail with NOT_FOUND, like a missing procedure.
 *
 * @example
 * const backend = createFakeBackend();
 * backend.answer('conversations.byExternalRef', () => view);
 */
export function createFakeBackend(): FakeBackend {
  const calls: FakeBackend['calls'] = [];
  const subscriptions: FakeSubscription[] = [];
  const answers = new Map<string, FakeAnswer>();
  let down = false;

  const subscribe = (input: FakeSubscription['input'], observer: Observer<Envelope, unknown>): FakeSubscription => {
    const send = (result: Record<string, unknown>) => {
      if (!subscription.closed) observer.next({ result });
    };
    const subscription: FakeSubscription = {
      input,
      closed: false,
      start: () => {
        send({ type: 'started' });
        send({ type: 'state', state: 'pending', error: null });
      },
      emit: (event) => send({ id: event.id, data: { id: event.id, data: event } }),
      drop: () => send({ type: 'state', state: 'connecting', error: networkError() }),
      fail: (error) => {
        if (!subscription.closed) observer.error(error);
      },
    };
    send({ type: 'state', state: 'connecting', error: null });
    return subscription;
  };

  const link: TRPCLink<AppRouter> = () => ({ op }) =>
    observable<Envelope, unknown>((observer) => {
      calls.push({ path: op.path, input: op.input, at: Date.now() });
      if (op.type === 'subscription') {
        const subscription = subscribe((op.input ?? {}) as FakeSubscription['input'], observer);
        subscriptions.push(subscription);
        if (down) queueMicrotask(() => subscription.drop());
        return () => {
          subscription.closed = true;
        };
      }
      let cancelled = false;
      void Promise.resolve()
        .then(() => {
          if (down) throw networkError();
          const answer = answers.get(op.path);
          if (!answer) throw serverError('NOT_FOUND', `No procedure found on path "${op.path}"`);
          return answer(op.input);
        })
        .then(
          (data) => {
            if (cancelled) return;
            observer.next({ result: { type: 'data', data } });
            observer.complete();
          },
          (error: unknown) => {
            if (!cancelled) observer.error(TRPCClientError.from(error as Error));
          },
        );
      return () => {
        cancelled = true;
      };
    }) as never;

  return {
    client: createTRPCClient<AppRouter>({ links: [link] }),
    calls,
    subscriptions,
    answer: (path, answer) => void answers.set(path, answer),
    setDown: (value) => void (down = value),
    callsTo: (path) => calls.filter((call) => call.path === path).map((call) => call.input),
    openSubscription: () => subscriptions.filter((subscription) => !subscription.closed).at(-1),
  };
}

/** A conversation view with sensible defaults; `overrides` replace top-level fields. */
export function fakeView(overrides: Partial<ConversationView> & { id: string }): ConversationView {
  return {
    subject: null,
    lead: { id: `lead-of-${overrides.id}`, name: 'Jane Doe', phone: '+15550100', email: null },
    helpdeskUrl: null,
    takeover: null,
    pendingReply: null,
    failedReply: null,
    replyInFlight: null,
    failedDraft: null,
    escalation: null,
    cooldown: null,
    viewer: { agentId: 'agent-1', name: 'Dana Smith', canResolve: true },
    resolveReasons: [],
    releaseWarningMinutes: 5,
    lastCustomerMessageAt: null,
    lastAgentMessageAt: null,
    timeZone: 'America/Chicago',
    serverNow: new Date().toISOString(),
    ...overrides,
  };
}

/** A Baton event with defaults. */
export function fakeEvent(overrides: Partial<BatonEvent> & { id: string }): BatonEvent {
  return {
    type: 'message.received',
    conversationId: null,
    leadId: null,
    actor: 'system',
    before: null,
    after: null,
    at: new Date().toISOString(),
    ...overrides,
  };
}
