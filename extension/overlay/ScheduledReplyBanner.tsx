// `baton-reply`: the scheduled AI reply above the composer (SPEC §3.3) — text, countdown, Send Now / Edit & Send / Cancel; a reply already leaving; a failed delivery; a failed draft.
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { ActionButton, ActionError } from './ActionButton';
import { actionsAvailable, replyInFlightText } from './banner-wording';
import { FieldError, invalidFieldProps } from './FieldError';
import type { OverlayActions } from './overlay-actions';
import type { ConversationView } from './overlay-model';
import { knownThread, type OverlayRootProps } from './overlay-root';
import { useOverlayState } from './overlay-store';
import { formatReplyCountdown } from './time-format';
import { useAction } from './use-action';
import { useServerNow, systemClock, type Clock } from './use-server-now';

type PendingReply = NonNullable<ConversationView['pendingReply']>;
type FailedReply = NonNullable<ConversationView['failedReply']>;
type ReplyInFlight = NonNullable<ConversationView['replyInFlight']>;
type FailedDraft = NonNullable<ConversationView['failedDraft']>;

/**
 * The reply banner of the watched thread: the pending AI reply (if any) and the last failed
 * delivery (stays until the view drops it). Renders nothing otherwise.
 *
 * @example createShadowRootUi(ctx, { name: 'baton-reply', css: overlayCss, anchor: composer, append: 'before', onMount: (el) => render(<ScheduledReplyBanner store={store} actions={actions} />) })
 */
export function ScheduledReplyBanner({ store, actions, clock = systemClock }: OverlayRootProps) {
  const { connection, thread } = useOverlayState(store);
  const known = knownThread(thread);
  if (known === null) return null;
  const { pendingReply, failedReply } = known.view;
  // Absent in a view from an older backend: treated as nothing failed.
  const failedDraft = known.view.failedDraft ?? null;
  const replyInFlight = known.view.replyInFlight ?? null;
  if (pendingReply === null && failedReply === null && failedDraft === null && replyInFlight === null) return null;
  const enabled = actionsAvailable(connection, thread);
  return (
    <div className="baton-root baton-reply-stack">
      {failedDraft !== null && <FailedDraftNotice draft={failedDraft} />}
      {failedReply !== null && <FailedDelivery reply={failedReply} />}
      {replyInFlight !== null && <InFlightReply reply={replyInFlight} view={known.view} />}
      {pendingReply !== null && (
        <PendingReplyBanner
          key={pendingReply.id}
          reply={pendingReply}
          serverOffsetMs={known.serverOffsetMs}
          enabled={enabled}
          actions={actions}
          clock={clock}
        />
      )}
    </div>
  );
}

interface PendingReplyBannerProps {
  reply: PendingReply;
  serverOffsetMs: number;
  enabled: boolean;
  actions: OverlayActions;
  clock: Clock;
}

type ReplyAction = 'send' | 'edit' | 'cancel';

/** Bodies longer than this get a scrollable, focusable box. */
const LONG_REPLY_CHARS = 280;

function PendingReplyBanner({ reply, serverOffsetMs, enabled, actions, clock }: PendingReplyBannerProps) {
  const dueAt = Date.parse(reply.dueAt);
  const remainingNow = dueAt - (clock() + serverOffsetMs);
  const now = useServerNow(serverOffsetMs, remainingNow > 0 ? 1000 : null, clock);
  const action = useAction();
  const [active, setActive] = useState<ReplyAction | null>(null);
  // Once an action succeeded the banner only waits for the background's fresh view (which removes it).
  const [done, setDone] = useState(false);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(reply.body);
  const [draftError, setDraftError] = useState<string | null>(null);
  const editor = useRef<HTMLTextAreaElement>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const ids = { editor: useId(), draftError: useId(), title: useId() };

  const focusEditButton = useRef(false);
  useEffect(() => {
    if (editing) editor.current?.focus();
    else if (focusEditButton.current) editButton.current?.focus(); // back from the editor
    focusEditButton.current = false;
  }, [editing]);

  const run = (which: ReplyAction, attempt: () => ReturnType<OverlayActions['sendNow']>) => {
    setActive(which);
    void action.run(attempt).then((result) => {
      if (result?.ok) setDone(true);
    });
  };
  // Every button that acts on the reply is disabled while offline, while any action runs, and once one succeeded.
  const lockProps = { disabled: !enabled || action.pending || done, title: enabled ? undefined : 'Baton is offline' };
  // …and the button that started an action shows its progress.
  const actionProps = (which: ReplyAction) => ({ ...lockProps, pending: action.pending && active === which });

  const stopEditing = () => {
    setEditing(false);
    setDraftError(null);
    setDraft(reply.body);
    focusEditButton.current = true;
  };
  const sendEdited = () => {
    if (draft.trim() === '') {
      setDraftError('The reply cannot be empty.');
      editor.current?.focus();
      return;
    }
    setDraftError(null);
    run('edit', () => actions.editAndSend(reply.id, draft));
  };
  const onEditorKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || action.pending) return;
    event.stopPropagation();
    stopEditing();
  };

  return (
    <section className="baton-banner baton-banner--reply" data-baton="reply-banner" role="region" aria-labelledby={ids.title}>
      <div className="baton-banner-row">
        <p className="baton-facts">
          <strong className="baton-banner-title" id={ids.title}>
            AI reply scheduled
          </strong>
          <span className="baton-fact">{reply.channel === 'sms' ? 'SMS' : 'Email'}</span>
          {/* Polite and atomic; the figure moves in 5 s steps until the last 10 s (formatReplyCountdown). */}
          <span className="baton-fact baton-countdown" data-baton="reply-countdown" aria-live="polite" aria-atomic="true">
            {formatReplyCountdown(dueAt - now)}
          </span>
        </p>
      </div>
      {editing ? (
        <div className="baton-editor" onKeyDown={onEditorKeyDown}>
          <label className="baton-sr-only" htmlFor={ids.editor}>
            Edited reply
          </label>
          <textarea
            id={ids.editor}
            ref={editor}
            data-baton="reply-editor"
            rows={3}
            value={draft}
            {...invalidFieldProps(draftError, ids.draftError)}
            onChange={(event) => setDraft(event.target.value)}
          />
          <FieldError id={ids.draftError} baton="reply-editor-error" message={draftError} />
          <div className="baton-actions">
            <ActionButton baton="edit-confirm" label="Send edited reply" variant="primary" {...actionProps('edit')} onClick={sendEdited} />
            <ActionButton baton="edit-cancel" label="Cancel edit" disabled={action.pending} onClick={stopEditing} />
          </div>
        </div>
      ) : (
        <>
          <p
            className={`baton-reply-body${reply.body.length > LONG_REPLY_CHARS ? ' baton-reply-body--long' : ''}`}
            data-baton="reply-body"
            tabIndex={reply.body.length > LONG_REPLY_CHARS ? 0 : undefined}
          >
            {reply.body}
          </p>
          <div className="baton-actions">
            <ActionButton baton="send-now" label="Send Now" variant="primary" {...actionProps('send')} onClick={() => run('send', () => actions.sendNow(reply.id))} />
            <ActionButton
              ref={editButton}
              baton="edit-send"
              label="Edit & Send"
              {...lockProps}
              onClick={() => {
                action.clearError();
                setEditing(true);
              }}
            />
            <ActionButton baton="cancel-reply" label="Cancel" {...actionProps('cancel')} onClick={() => run('cancel', () => actions.cancelReply(reply.id))} />
          </div>
        </>
      )}
      <ActionError message={action.error} />
    </section>
  );
}

/** A reply past its point of no return (issue 11 item 2): it cannot be stopped, so no actions — only what is happening. */
function InFlightReply({ reply, view }: { reply: ReplyInFlight; view: ConversationView }) {
  return (
    <section className="baton-banner baton-banner--reply" data-baton="reply-in-flight" role="region" aria-label="AI reply already on its way">
      <p className="baton-facts">
        <strong className="baton-banner-title" data-baton="reply-in-flight-text">
          {replyInFlightText(reply, view)}
        </strong>
      </p>
      <p className="baton-reply-body" data-baton="reply-in-flight-body">
        {reply.body}
      </p>
    </section>
  );
}

/** A reply whose delivery failed after its retries: the error stays in view (SPEC §7). */
function FailedDelivery({ reply }: { reply: FailedReply }) {
  const attempts = reply.attempts === 1 ? '1 attempt' : `${reply.attempts} attempts`;
  return (
    <section className="baton-banner baton-banner--failed" data-baton="reply-failed" role="region" aria-label="Failed AI reply">
      <p className="baton-facts">
        <strong className="baton-banner-title">AI reply not delivered</strong>
        <span className="baton-fact" data-baton="reply-failed-error">
          {reply.error ?? 'The connector did not accept it.'}
        </span>
        <span className="baton-fact">after {attempts}</span>
      </p>
      <p className="baton-reply-body" data-baton="reply-failed-body">
        {reply.body}
      </p>
    </section>
  );
}

/** The AI could not draft a reply to the customer's latest message (issue 11 item 7): the agent answers. */
function FailedDraftNotice({ draft }: { draft: FailedDraft }) {
  const error = draft.error.replace(/[.\s]+$/, '') || 'unknown error';
  return (
    <section className="baton-banner baton-banner--failed" data-baton="draft-failed" role="region" aria-label="AI draft failed">
      <p className="baton-facts">
        <strong className="baton-banner-title" data-baton="draft-failed-text">
          The AI could not draft a reply: {error}. Reply yourself or ask again when the AI is back.
        </strong>
      </p>
    </section>
  );
}
