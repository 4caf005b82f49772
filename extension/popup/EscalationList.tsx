// "Escalations for my teams": open escalations, newest first; clicking one opens its thread (reusing an open tab).
import type { OpenEscalationItem } from '../../shared/conversation-list';
import type { ActionResult } from '../messaging';
import { ListProblem } from './ListProblem';
import { conversationTitle, escalationFacts, helpdeskReference } from './popup-wording';
import type { OpenConversationState } from './use-open-conversation';

/** Props of {@link EscalationList}. */
export interface EscalationListProps {
  result: ActionResult<OpenEscalationItem[]>;
  serverNowMs: number;
  opener: OpenConversationState;
}

/** One button per escalation: the customer, the reason, and `Manual · Support · open 12 min`. */
export function EscalationList({ result, serverNowMs, opener }: EscalationListProps) {
  return (
    <section className="popup-section" aria-labelledby="popup-escalations-heading" data-popup="escalations">
      <h2 id="popup-escalations-heading">Escalations for my teams{result.ok && result.value.length > 0 ? ` (${result.value.length})` : ''}</h2>
      {!result.ok ? (
        <ListProblem message={result.message} />
      ) : result.value.length === 0 ? (
        <p className="popup-quiet" data-popup="escalations-empty">
          No open escalations for your teams.
        </p>
      ) : (
        <ul className="popup-list">
          {result.value.map((item) => (
            <li key={item.id} className="popup-row popup-row--escalation" data-popup="escalation-row" data-escalation-id={item.id}>
              <button
                type="button"
                className="popup-escalation"
                data-popup="open-thread"
                aria-busy={opener.pendingKey === item.id ? true : undefined}
                title="Open this thread in the helpdesk"
                onClick={() => void opener.open(item.id, { conversationId: item.conversationId, connector: item.connector, externalId: item.externalId, helpdeskUrl: item.helpdeskUrl })}
              >
                <span className="popup-row-title">
                  {conversationTitle(item)}
                  {helpdeskReference(item) && <span className="popup-reference"> {helpdeskReference(item)}</span>}
                </span>
                <span className="popup-reason">{item.reason}</span>
                <span className="popup-facts">{escalationFacts(item, serverNowMs)}</span>
              </button>
              {opener.failure?.key === item.id && (
                <p className="popup-error popup-row-error" role="alert" data-popup="row-error">
                  {opener.failure.message}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
