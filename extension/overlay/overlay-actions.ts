// What the banners can ask for: the actions interface the content script implements, and a wrapper that never throws.
import type { ActionResult } from '../messaging';
import type { ConversationView, ResolveReason, TimelinePage } from './overlay-model';

/**
 * The overlay's actions on the watched conversation. The content script implements them with
 * `sendToBackground` (see `createBackgroundOverlayActions`); tests pass fakes. Each answers an
 * {@link ActionResult}; the fresh view arrives separately through the store (port `thread` message).
 */
export interface OverlayActions {
  /**
   * Take the conversation over. `expectedHolderId`: the holder the agent saw (null: nobody / a
   * routing rule); the server answers CONFLICT naming the current holder when it changed meanwhile.
   */
  takeOver(expectedHolderId?: string | null): Promise<ActionResult<ConversationView>>;
  /** Release to AI. */
  release(): Promise<ActionResult<ConversationView>>;
  /** Send the pending AI reply now. */
  sendNow(replyId: string): Promise<ActionResult<null>>;
  /** Send the pending AI reply with the agent's edited text. */
  editAndSend(replyId: string, body: string): Promise<ActionResult<null>>;
  /** Cancel the pending AI reply (never sent). */
  cancelReply(replyId: string): Promise<ActionResult<null>>;
  /** Resolve the open escalation; `note` is omitted when blank. */
  resolve(escalationId: string, reason: ResolveReason, note?: string): Promise<ActionResult<null>>;
  /** A page of the timeline, newest first; `cursor` from the previous page for older entries. */
  loadTimeline(cursor?: string | null): Promise<ActionResult<TimelinePage>>;
}

/** The failure half of {@link ActionResult}. */
export type ActionFailure = Extract<ActionResult<unknown>, { ok: false }>;

/**
 * Runs an action and turns a rejection (background gone, extension reloaded) into a failure the
 * banner can show, so no click handler ever throws.
 *
 * @example const result = await settleAction(() => actions.release());
 */
export async function settleAction<T>(attempt: () => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  try {
    const result: unknown = await attempt();
    if (typeof result === 'object' && result !== null && 'ok' in result) return result as ActionResult<T>;
    return actionFailure('INTERNAL', 'Baton gave no answer. Try again in a moment.');
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return actionFailure('INTERNAL', detail ? `Baton could not do that: ${detail}` : 'Baton could not do that.');
  }
}

/** Builds a failure result (for implementations and tests). */
export function actionFailure(
  code: string,
  message: string,
  fieldErrors: Record<string, string> | null = null,
): ActionFailure {
  const field = fieldErrors ? (Object.keys(fieldErrors)[0] ?? null) : null;
  return { ok: false, code, message, field, fieldErrors };
}
