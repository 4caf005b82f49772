// The traffic of one step: customer messages to existing conversations picked at random from the pool,
// a share to new conversations (new leads), a share containing the routing rule's keyword, and a
// share of redeliveries (a message already accepted, posted again byte for byte: it must be answered
// as a duplicate of the same message). Requests alternate between the backends; every answer is checked.
import type { InboundWebhook } from '../../shared/webhooks';
import type { Send } from '../support/open-loop';
import type { createHttpClient } from '../support/http-client';
import { postMessage, signMessage, type SignedMessage } from './webhook-post';
import { RULE_KEYWORD } from './tenant-setup';

export const CONNECTOR = 'bench';

export interface PoolConversation {
  externalId: string;
  phone: string;
}

export interface TrafficShares {
  newShare: number;
  ruleShare: number;
  redeliveryShare: number;
}

export interface TrafficStats {
  sent: number;
  toNewConversations: number;
  ruleMatching: number;
  redeliveries: number;
  /** Message ids of the fresh messages answered `accepted` (and of any redelivery wrongly stored again). */
  accepted: string[];
  /** Answers `duplicate` to a redelivery naming the message first accepted: the dedupe working. */
  duplicatesAnswered: number;
  /** Redeliveries answered `accepted`, or `duplicate` of another message; and fresh ids answered `duplicate`. Must be 0. */
  wrongAnswers: number;
  /** Error answers by HTTP status ("0": the request failed). */
  errorsByStatus: Record<string, number>;
}

const BODIES = ['Is my appointment still on for Tuesday?', 'Can I change the delivery address?', 'Thanks, what time do you open tomorrow?', 'Please call me back when you can.', 'Do you have this in a larger size?'];
const RECENT_FOR_REDELIVERY = 1000;

export const phoneOf = (serial: number) => `+1555${String(serial).padStart(7, '0')}`;

export function customerMessage(externalMessageId: string, conversation: PoolConversation, ruleMatching: boolean): InboundWebhook {
  const body = ruleMatching ? `I would like a ${RULE_KEYWORD} for order ${externalMessageId}` : BODIES[Math.floor(Math.random() * BODIES.length)]!;
  return { tenant: 'demo', connector: CONNECTOR, externalConversationId: conversation.externalId, externalMessageId, channel: 'sms', body, lead: { phone: conversation.phone } };
}

/** `tag` names the step: its messages' external ids are `<tag>-<index>` (the accounting reads them back by it). */
export function createStepTraffic(input: { client: ReturnType<typeof createHttpClient>; backendUrls: string[]; secret: string; pool: PoolConversation[]; shares: TrafficShares; tag: string; newPhoneBase: number }) {
  const { client, backendUrls, secret, pool, shares, tag } = input;
  const stats: TrafficStats = { sent: 0, toNewConversations: 0, ruleMatching: 0, redeliveries: 0, accepted: [], duplicatesAnswered: 0, wrongAnswers: 0, errorsByStatus: {} };
  const recent: { message: SignedMessage; messageId: string }[] = [];

  const freshMessage = (index: number): SignedMessage => {
    const isNew = Math.random() < shares.newShare;
    const conversation = isNew ? { externalId: `${tag}-new-${index}`, phone: phoneOf(input.newPhoneBase + index) } : pool[Math.floor(Math.random() * pool.length)]!;
    const ruleMatching = Math.random() < shares.ruleShare;
    if (isNew) stats.toNewConversations += 1;
    if (ruleMatching) stats.ruleMatching += 1;
    return signMessage(secret, customerMessage(`${tag}-${index}`, conversation, ruleMatching));
  };

  const send: Send = async (index) => {
    stats.sent += 1;
    const original = recent.length > 0 && Math.random() < shares.redeliveryShare ? recent[Math.floor(Math.random() * recent.length)]! : null;
    const message = original?.message ?? freshMessage(index);
    if (original) stats.redeliveries += 1;
    const outcome = await postMessage(client, backendUrls[index % backendUrls.length]!, message);
    if (outcome.kind === 'error') {
      stats.errorsByStatus[outcome.status] = (stats.errorsByStatus[outcome.status] ?? 0) + 1;
      return false;
    }
    if (outcome.kind === 'accepted') stats.accepted.push(outcome.messageId);
    if (original && outcome.kind === 'duplicate' && outcome.messageId === original.messageId) stats.duplicatesAnswered += 1;
    else if (original || outcome.kind === 'duplicate') stats.wrongAnswers += 1;
    else recent[recent.length < RECENT_FOR_REDELIVERY ? recent.length : index % RECENT_FOR_REDELIVERY] = { message, messageId: outcome.messageId };
    return true;
  };
  return { send, stats };
}
