// Posts one customer message per conversation through the signed webhook, 50 at a time, spread over
// the backend processes; each conversation id is handed on as soon as its message is accepted.
import type { BatonRequests } from './baton-requests';

const WAVE = 50;

/** Resolves the number of messages the webhook accepted. */
export async function postCustomerMessages(requests: BatonRequests, count: number, onAccepted: (conversationId: string) => void): Promise<number> {
  let accepted = 0;
  const post = async (index: number) => {
    const conversationId = await requests.postCustomerMessage(index);
    if (conversationId === null) return;
    accepted += 1;
    onAccepted(conversationId);
  };
  for (let index = 0; index < count; index += WAVE) {
    await Promise.all(Array.from({ length: Math.min(WAVE, count - index) }, (_, offset) => post(index + offset)));
  }
  return accepted;
}
