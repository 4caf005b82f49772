// "My takeovers": the conversations I hold, each with time left until auto-release, a quick Release and a link to its thread.
import { useState } from 'react';
import type { ConversationListItem, ConversationListPage } from '../../shared/conversation-list';
import type { ActionResult } from '../messaging';
import type { ConversationView } from '../overlay/overlay-model';
import { settleAction } from '../overlay/overlay-actions';
import { ListProblem } from './ListProblem';
import { conversationTitle, helpdeskReference, releasesSoon, timeLeftText } from './popup-wording';
import type { OpenConversationState } from './use-open-conversation';

/** Props of {@link TakeoverList}. */
export interface TakeoverListProps {
  result: ActionResult<ConversationListPage>;
  /** The server's now (local clock + offset), re-rendered every second. */
  serverNowMs: number;
  canAct: boolean;
  release(conversationId: string): Promise<ActionResult<ConversationView>>;
  opener: OpenConversationState;
  /** After a release (the popup re-reads its state). */
  onChanged(): void;
}

/**
 * The list, newest activity first (the backend's order). Clicking a name opens its thread; Release
 * hands the conversation back to the AI at once; a failure stays on its row.
 */
export function TakeoverList({ result, serverNowMs, canAct, release, opener, onChanged }: TakeoverListProps) {
  const [releasing, setReleasing] = useState<string | null>(null);
  const [releaseFailure, setReleaseFailure] = useState<{ id: string; message: string } | null>(null);

  const onRelease = async (item: ConversationListItem) => {
    setReleasing(item.id);
    setReleaseFailure(null);
    const outcome = await settleAction(() => release(item.id));
    setReleasing(null);
    if (outcome.ok) onChanged();
    else setReleaseFailure({ id: item.id, message: outcome.message });
  };

  return (
    <section className="popup-section" aria-labelledby="popup-takeovers-heading" data-popup="takeovers">
      <h2 id="popup-takeovers-heading">
        My takeovers{result.ok && result.value.items.length > 0 ? ` (${result.value.items.length}${result.value.nextCursor ? '+' : ''})` : ''}
      </h2>
      {!result.ok ? (
        <ListProblem message={result.message} />
      ) : result.value.items.length === 0 ? (
        <p className="popup-quiet" data-popup="takeovers-empty">
          You hold no conversations: the AI handles them.
        </p>
      ) : (
        <ul className="popup-list">
          {result.value.items.map((item) => {
            const failure = opener.failure?.key === item.id ? opener.failure.message : releaseFailure?.id === item.id ? releaseFailure.message : null;
            return (
              <li key={item.id} className="popup-row" data-popup="takeover-row" data-conversation-id={item.id}>
                <div className="popup-row-main">
                  <button
                    type="button"
                    className="popup-link"
                    data-popup="open-thread"
                    aria-busy={opener.pendingKey === item.id ? true : undefined}
                    title="Open this thread in the helpdesk"
                    onClick={() => void opener.open(item.id, { conversationId: item.id, connector: item.connector, externalId: item.externalId, helpdeskUrl: item.helpdeskUrl })}
                  >
                    {conversationTitle(item)}
                  </button>
                  <span className="popup-reference">{helpdeskReference(item)}</span>
                  <span className={releasesSoon(item, serverNowMs) ? 'popup-time popup-time--soon' : 'popup-time'} data-popup="time-left">
                    {timeLeftText(item.takeover?.autoReleaseAt ?? null, serverNowMs)}
                  </span>
                </div>
                <button
                  type="button"
                  className="popup-button popup-button--small"
                  data-popup="takeover-release"
                  disabled={!canAct || releasing === item.id}
                  aria-busy={releasing === item.id ? true : undefined}
                  aria-label={`Release ${conversationTitle(item)} to AI`}
                  onClick={() => void onRelease(item)}
                >
                  {releasing === item.id ? 'Release…' : 'Release'}
                </button>
                {failure && (
                  <p className="popup-error popup-row-error" role="alert" data-popup="row-error">
                    {failure}
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
