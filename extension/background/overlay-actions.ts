// The overlay's actions (take over, release, reply, resolve, timeline, agent reply): each calls the
// backend and answers an ActionResult, and the fresh view goes to that conversation's tabs.
import type { ActionResult, BackgroundHandlers } from '../messaging';
import { callCurrentBackend } from './backend-call';
import type { BackendConnection, CurrentBackend } from './backend-connection';
import type { BatonClient } from './baton-client';
import type { OverlayHub } from './overlay-hub';
import type { RequestTiming } from './thread-loader';

/** The request types this file answers. */
export type OverlayActionType =
  | 'conversation.takeOver'
  | 'conversation.release'
  | 'reply.sendNow'
  | 'reply.editAndSend'
  | 'reply.cancel'
  | 'escalation.resolve'
  | 'conversation.timeline'
  | 'message.recordAgentReply';
/** One handler per overlay action. */
export type OverlayActionHandlers = Pick<BackgroundHandlers, OverlayActionType>;

/** What the actions need: the backend, and where fresh views go. */
export interface OverlayActionDeps {
  backend: BackendConnection;
  hub: Pick<OverlayHub, 'applyView' | 'refreshConversation'>;
  /** A call with `backend` was refused (UNAUTHORIZED): the stream decides what it means. */
  onCredentialRejected?(backend: CurrentBackend, error: unknown): void;
  now?: () => number;
}

/**
 * Builds the overlay action handlers. None throws across the message boundary: a tRPC error keeps
 * its code, message and field errors; a network failure is `OFFLINE`; no saved configuration is
 * `UNCONFIGURED`. After a successful mutation the conversation's tabs get the fresh view.
 *
 * @example
 * handleMessages({ ...configHandlers, ...createOverlayActionHandlers({ backend, hub }) });
 */
export function createOverlayActionHandlers(deps: OverlayActionDeps): OverlayActionHandlers {
  const now = deps.now ?? (() => Date.now());

  /** Runs `call` against the current backend (timed from when it is sent); never throws. */
  const attempt = <T>(call: (client: BatonClient, timing: RequestTiming) => Promise<T>) =>
    callCurrentBackend(deps, (client) => call(client, { sentAt: now(), receivedAt: 0 }));

  /** A mutation that answers no view: re-read the conversation for its tabs afterwards. */
  async function thenRefresh(conversationId: string, mutation: Promise<unknown>): Promise<null> {
    await mutation;
    deps.hub.refreshConversation(conversationId);
    return null;
  }

  return {
    'conversation.takeOver': ({ conversationId, expectedHolderId, source }) =>
      attempt(async (client, timing) => {
        const view = await client.conversations.takeOver.mutate({
          id: conversationId,
          source: clickedIn(source),
          ...(expectedHolderId !== undefined ? { expectedHolderId } : {}),
        });
        timing.receivedAt = now();
        deps.hub.applyView(view, timing);
        return view;
      }),

    'conversation.release': ({ conversationId, source }) =>
      attempt(async (client, timing) => {
        const view = await client.conversations.release.mutate({ id: conversationId, source: clickedIn(source) });
        timing.receivedAt = now();
        deps.hub.applyView(view, timing);
        return view;
      }),

    'reply.sendNow': ({ conversationId, replyId }) =>
      attempt((client) => thenRefresh(conversationId, client.replies.sendNow.mutate({ id: replyId }))),

    'reply.editAndSend': ({ conversationId, replyId, body }) =>
      attempt((client) => thenRefresh(conversationId, client.replies.editAndSend.mutate({ id: replyId, body }))),

    'reply.cancel': ({ conversationId, replyId }) =>
      attempt((client) => thenRefresh(conversationId, client.replies.cancel.mutate({ id: replyId }))),

    'escalation.resolve': ({ conversationId, escalationId, reason, note }) =>
      attempt((client) =>
        thenRefresh(conversationId, client.escalations.resolve.mutate({ id: escalationId, reason, ...(note !== undefined ? { note } : {}) })),
      ),

    'conversation.timeline': ({ conversationId, cursor }) =>
      attempt((client) => client.conversations.timeline.query({ id: conversationId, ...(cursor ? { cursor } : {}) })),

    'message.recordAgentReply': ({ conversationId, send }) =>
      attempt(async (client) => {
        const recorded = await client.messages.recordAgentReply.mutate({
          conversationId,
          channel: send.channel,
          body: send.body,
          idempotencyKey: send.idempotencyKey,
        });
        deps.hub.refreshConversation(conversationId);
        return { status: recorded.status, autoTakeover: 'autoTakeover' in recorded ? recorded.autoTakeover === true : false };
      }),
  };
}

/** Where the agent clicked, as the backend records it: the popup's toggle, else the banner (`manual`). */
function clickedIn(source: unknown): 'manual' | 'popup' {
  return source === 'popup' ? 'popup' : 'manual';
}
