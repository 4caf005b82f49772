// What a customer would notice going wrong, counted from the database at the end of a run: a second AI
// message answering the same customer message, a message never answered, an AI reply claimed after a
// committed takeover — and how each racing takeover ended (before or after the reply's claim).
import type { DataSource } from 'typeorm';

/** The cut-off (README "point of no return"): the events that move a reply to `sending`. */
export const CLAIMS = "('reply.sending','reply.send_now','reply.edited')";

/**
 * Customer messages answered by more than one AI message. An AI message answers the customer message
 * of the reply it delivered: the reply's `sent_message_id`, or the message carrying the reply's outbox
 * id (`outbox:<reply id>`), so a second reply drafted for the same message shows, and so does a second
 * message for one reply that did not become its `sent_message_id`.
 */
export const DUPLICATES = `
  SELECT COUNT(*) AS n FROM (
    SELECT answered.customer_message_id FROM (
      SELECT r.in_reply_to_message_id AS customer_message_id, m.id AS ai_message_id
        FROM scheduled_replies r JOIN messages m ON m.id = r.sent_message_id WHERE m.author = 'ai'
      UNION
      SELECT r.in_reply_to_message_id, m.id
        FROM scheduled_replies r JOIN messages m ON m.tenant_id = r.tenant_id AND m.external_message_id = CONCAT('outbox:', r.id) WHERE m.author = 'ai'
    ) answered
    GROUP BY answered.customer_message_id HAVING COUNT(*) > 1
  ) twice`;

/** Replies never settled, and customer messages of conversations not taken over that got no reply. */
const LOST = `
  SELECT (SELECT COUNT(*) FROM scheduled_replies WHERE status IN ('pending','sending'))
       + (SELECT COUNT(*) FROM messages m WHERE m.author = 'customer'
            AND NOT EXISTS (SELECT 1 FROM scheduled_replies r WHERE r.in_reply_to_message_id = m.id)
            AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.id = m.conversation_id AND c.takeover_source IS NOT NULL)) AS n`;

// Positions are per tenant in commit order (one tenant here), and the bench never releases a takeover.
/** A claim after a committed takeover of the same conversation: a violation. */
const SENT_AFTER_TAKEOVER = `
  SELECT COUNT(*) AS n FROM events s JOIN events t ON t.conversation_id = s.conversation_id AND t.type = 'takeover.started'
  WHERE s.type IN ${CLAIMS} AND s.position > t.position`;

/** An AI delivery recorded after the takeover: claimed before it, so allowed ("already on its way"). */
const LEAVING_AT_TAKEOVER = `
  SELECT COUNT(*) AS n FROM events s JOIN events t ON t.conversation_id = s.conversation_id AND t.type = 'takeover.started'
  WHERE s.type = 'message.sent' AND JSON_VALUE(s.after, '$.replyId') IS NOT NULL AND s.position > t.position`;

/** Takeovers that came after the reply's claim: the reply went out anyway. */
const TAKEOVER_AFTER_CLAIM = `
  SELECT COUNT(*) AS n FROM events t WHERE t.type = 'takeover.started'
  AND EXISTS (SELECT 1 FROM events s WHERE s.conversation_id = t.conversation_id AND s.type IN ${CLAIMS} AND s.position < t.position)`;

/** Takeovers that came before any claim and whose reply ended cancelled by the takeover. */
const TAKEOVER_BEFORE_CLAIM = `
  SELECT COUNT(*) AS n FROM events t WHERE t.type = 'takeover.started'
  AND NOT EXISTS (SELECT 1 FROM events s WHERE s.conversation_id = t.conversation_id AND s.type IN ${CLAIMS} AND s.position < t.position)
  AND EXISTS (SELECT 1 FROM events c WHERE c.conversation_id = t.conversation_id AND c.type = 'reply.cancelled' AND JSON_VALUE(c.after, '$.endReason') = 'takeover')`;

export interface CustomerCounts {
  duplicates: number;
  lost: number;
  sentAfterTakeover: number;
  leavingAtTakeover: number;
  takeoverBeforeClaim: number;
  takeoverAfterClaim: number;
}

export async function countWhatCustomersNotice(db: DataSource): Promise<CustomerCounts> {
  const count = async (sql: string) => Number((await db.query(sql))[0].n);
  return {
    duplicates: await count(DUPLICATES),
    lost: await count(LOST),
    sentAfterTakeover: await count(SENT_AFTER_TAKEOVER),
    leavingAtTakeover: await count(LEAVING_AT_TAKEOVER),
    takeoverBeforeClaim: await count(TAKEOVER_BEFORE_CLAIM),
    takeoverAfterClaim: await count(TAKEOVER_AFTER_CLAIM),
  };
}
