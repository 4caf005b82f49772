// The OverlayActions a content script uses: each action is one typed request to the background worker.
import { sendToBackground, type ActionResult, type BackgroundRequest, type BackgroundResponses } from '../messaging';
import { actionFailure, settleAction, type OverlayActions } from './overlay-actions';

/** `sendToBackground`'s shape; tests pass a fake. */
export type SendToBackground = <R extends BackgroundRequest>(request: R) => Promise<BackgroundResponses[R['type']]>;

/**
 * Builds the actions for whichever conversation is shown right now.
 *
 * @param currentConversationId the watched conversation's Baton id (null while none is known: the
 *   action then fails with `NOT_READY` instead of acting on a stale thread)
 * @example
 * const actions = createBackgroundOverlayActions(() => {
 *   const thread = store.getState().thread;
 *   return thread?.kind === 'view' ? thread.view.id : null;
 * });
 */
export function createBackgroundOverlayActions(
  currentConversationId: () => string | null,
  send: SendToBackground = sendToBackground,
): OverlayActions {
  /** Runs one request for the current conversation; a rejection becomes a failure result. */
  function forConversation<T>(attempt: (conversationId: string) => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
    const conversationId = currentConversationId();
    if (conversationId === null) {
      return Promise.resolve(actionFailure('NOT_READY', 'This conversation is not loaded yet. Try again in a moment.'));
    }
    return settleAction(() => attempt(conversationId));
  }

  return {
    takeOver: (expectedHolderId) =>
      forConversation((conversationId) =>
        send({
          type: 'conversation.takeOver',
          conversationId,
          ...(expectedHolderId === undefined ? {} : { expectedHolderId }),
        }),
      ),
    release: () => forConversation((conversationId) => send({ type: 'conversation.release', conversationId })),
    sendNow: (replyId) => forConversation((conversationId) => send({ type: 'reply.sendNow', conversationId, replyId })),
    editAndSend: (replyId, body) =>
      forConversation((conversationId) => send({ type: 'reply.editAndSend', conversationId, replyId, body })),
    cancelReply: (replyId) => forConversation((conversationId) => send({ type: 'reply.cancel', conversationId, replyId })),
    resolve: (escalationId, reason, note) =>
      forConversation((conversationId) =>
        send({ type: 'escalation.resolve', conversationId, escalationId, reason, ...(note === undefined ? {} : { note }) }),
      ),
    loadTimeline: (cursor) =>
      forConversation((conversationId) => send({ type: 'conversation.timeline', conversationId, cursor: cursor ?? null })),
  };
}
