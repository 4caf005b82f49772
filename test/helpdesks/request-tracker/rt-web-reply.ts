// An RT agent's reply or comment through Request Tracker's own reply form (Ticket/Update.html),
// posted over HTTP exactly as a browser submits it; answers the transaction RT recorded.
import { readForm, textOf } from './rt-form.js';
import { ticketHistory } from './rt-rest.js';
import type { RtUser } from './rt-users.js';
import { signInToRt } from './rt-web-session.js';

export type ReplyKind = 'correspond' | 'comment';

const FORM = {
  correspond: { action: 'Respond', updateType: 'response', transactionType: 'Correspond', result: 'Correspondence added' },
  comment: { action: 'Comment', updateType: 'private', transactionType: 'Comment', result: 'Comments added' },
} as const;

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** What RT's rich-text editor (CKEditor) posts for typed text: a paragraph per blank-line block. */
function asEditorHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br />\n')}</p>`)
    .join('\n');
}

export interface WebReply {
  rtUrl: string;
  /** Who reads the ticket history over REST2 to find the new transaction (root). */
  historyReader: RtUser;
  user: RtUser;
  ticketId: number;
  text: string;
  kind: ReplyKind;
}

/** Signs in as `user`, submits the reply form and answers the new transaction's id; throws with RT's message when RT does not confirm. */
export async function replyThroughWebForm({ rtUrl, historyReader, user, ticketId, text, kind }: WebReply): Promise<number> {
  const form = FORM[kind];
  const lastBefore = Math.max(0, ...(await ticketHistory(rtUrl, historyReader, ticketId)).map((entry) => entry.id));
  const updateUrl = `${rtUrl}/Ticket/Update.html?Action=${form.action};id=${ticketId}`;
  const session = await signInToRt(rtUrl, user, updateUrl);
  const page = await session.get(updateUrl);
  const update = readForm(page.html, (attributes) => attributes.name === 'TicketUpdate');
  if (page.status !== 200 || !update) throw new Error(`${user.name} got no reply form at ${updateUrl} (status ${page.status})`);

  const richText = update.fields.some(([name, value]) => name === 'UpdateContentType' && value === 'text/html');
  const body = new FormData();
  for (const [name, value] of update.fields) {
    if (name === 'UpdateType') body.append(name, form.updateType);
    else if (name === 'UpdateContent') body.append(name, richText ? asEditorHtml(text) : text);
    else body.append(name, value);
  }
  const submitValue = /<input\b[^>]*name="SubmitTicket"[^>]*value="([^"]*)"/.exec(page.html)?.[1] ?? 'Update Ticket';
  body.append('SubmitTicket', submitValue);

  const submitted = await session.post(new URL(update.attributes.action ?? updateUrl, updateUrl).href, body, updateUrl);
  if (submitted.status !== 302 || !submitted.location) {
    throw new Error(`RT did not accept ${user.name}'s ${kind} on #${ticketId} (status ${submitted.status}): ${textOf(submitted.html).slice(0, 400)}`);
  }
  const display = await session.get(submitted.location);
  const results = /<ul class="action-results">([\s\S]*?)<\/ul>/.exec(display.html)?.[1];
  if (!results || !textOf(results).includes(form.result)) {
    throw new Error(`RT did not confirm ${user.name}'s ${kind} on #${ticketId}: ${results ? textOf(results) : 'no results on the page'}`);
  }

  const added = (await ticketHistory(rtUrl, historyReader, ticketId)).find(
    (entry) => entry.id > lastBefore && entry.Type === form.transactionType && entry.Creator.id === user.name,
  );
  if (!added) throw new Error(`RT confirmed ${user.name}'s ${kind} on #${ticketId} but its history shows no new ${form.transactionType} by ${user.name}`);
  return added.id;
}
