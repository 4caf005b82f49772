// The active tab's thread: who handles it (AI, me, another agent, a rule) and the Take Over / Release toggle.
import type { ActionResult } from '../messaging';
import type { ConversationView } from '../overlay/overlay-model';
import { useAction } from '../overlay/use-action';
import type { PopupCurrentTab } from '../protocol/popup';
import { helpdeskReference, summarizeThread, viewTitle } from './popup-wording';

/** Props of {@link CurrentTab}. */
export interface CurrentTabProps {
  /** Null: the active tab shows no thread Baton watches. */
  currentTab: PopupCurrentTab | null;
  /** False while Baton cannot reach the backend: the toggle is disabled and says why. */
  canAct: boolean;
  takeOver(conversationId: string, expectedHolderId: string | null): Promise<ActionResult<ConversationView>>;
  release(conversationId: string): Promise<ActionResult<ConversationView>>;
  /** After a successful toggle (the popup re-reads its state). */
  onChanged(): void;
}

/**
 * The "This tab" card. The toggle's result is also pushed by the background to the tab's banner;
 * a failure (e.g. CONFLICT: someone else took over meanwhile) shows next to the button.
 */
export function CurrentTab({ currentTab, canAct, takeOver, release, onChanged }: CurrentTabProps) {
  const toggle = useAction();
  if (!currentTab) {
    return (
      <section className="popup-section" aria-labelledby="popup-current-heading" data-popup="current-tab" data-state="none">
        <h2 id="popup-current-heading">This tab</h2>
        <p className="popup-quiet">No helpdesk thread Baton watches is open in this tab.</p>
      </section>
    );
  }
  const summary = summarizeThread(currentTab.thread);
  const view = currentTab.thread.kind === 'view' ? currentTab.thread.view : null;
  const title = view ? viewTitle(view, currentTab.ref.externalId) : `Thread ${currentTab.ref.externalId}`;

  const onToggle = async () => {
    if (!view || !summary.toggle) return;
    const action = summary.toggle;
    const result = await toggle.run(() => (action.kind === 'release' ? release(view.id) : takeOver(view.id, action.expectedHolderId)));
    if (result?.ok) onChanged();
  };

  return (
    <section className={`popup-section popup-current popup-current--${summary.tone}`} aria-labelledby="popup-current-heading" data-popup="current-tab" data-state={summary.tone}>
      <h2 id="popup-current-heading">This tab</h2>
      <p className="popup-title">{title}</p>
      <p className="popup-reference">{helpdeskReference(currentTab.ref)}</p>
      <p className="popup-status" data-popup="current-status">
        <span className={`popup-dot popup-dot--${summary.tone}`} aria-hidden="true" />
        {summary.status}
      </p>
      {summary.detail && (
        <p className="popup-detail" data-popup="current-detail">
          {summary.detail}
        </p>
      )}
      {view?.escalation?.status === 'open' && (
        <p className="popup-escalated" data-popup="current-escalation">
          Escalated: {view.escalation.reason}
        </p>
      )}
      {summary.toggle && (
        <button
          type="button"
          className={`popup-button ${summary.toggle.kind === 'release' ? 'popup-button--release' : 'popup-button--primary'}`}
          data-popup="toggle"
          data-action={summary.toggle.kind}
          disabled={!canAct || toggle.pending}
          aria-busy={toggle.pending ? true : undefined}
          title={canAct ? undefined : 'Baton cannot reach its backend right now'}
          onClick={() => void onToggle()}
        >
          {toggle.pending ? `${summary.toggle.label}…` : summary.toggle.label}
        </button>
      )}
      {summary.toggle && !canAct && (
        <p className="popup-quiet" data-popup="toggle-offline">
          Available again when Baton reconnects.
        </p>
      )}
      {toggle.error && (
        <p className="popup-error" role="alert" data-popup="toggle-error">
          {toggle.error}
        </p>
      )}
    </section>
  );
}
