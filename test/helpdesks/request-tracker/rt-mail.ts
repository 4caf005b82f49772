// A customer's email into Request Tracker the way a mail server hands it over: an RFC 822 message
// piped through rt-mailgate (action correspond) into the queue; answers the ticket it landed on.
import crypto from 'node:crypto';
import { z } from 'zod';
import { firstExisting, RT_NAME, RT_PATHS } from './rt-config.js';
import { runCommand } from './rt-command.js';
import { restRequest } from './rt-rest.js';
import type { RtUser } from './rt-users.js';

export const ZCustomerMail = z.object({
  from: z.email(),
  fromName: z.string().optional(),
  subject: z.string(),
  body: z.string(),
  /** Reply on this ticket (subject tag `[rt.example.test #N]`, as in a reply to RT's mail); omitted: a new ticket. */
  ticketId: z.number().int().positive().optional(),
  /** Send the body as text/html only (no text part). */
  html: z.boolean().optional(),
  /** With or without angle brackets; a fresh one when omitted. */
  messageId: z.string().optional(),
});
export type CustomerMail = z.infer<typeof ZCustomerMail>;

/** RFC 2047 encoded word when the text is not plain ASCII. */
function headerText(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

/**
 * The message as a mail server would deliver it (body in base64, so any length and any line is
 * safe). `messageId` without angle brackets, as RT stores it.
 */
export function buildCustomerMail(mail: CustomerMail, messageId: string, now: Date = new Date()): string {
  const tag = `[${RT_NAME} #${mail.ticketId}]`;
  const subject = mail.ticketId && !mail.subject.includes(tag) ? `${mail.subject} ${tag}` : mail.subject;
  const from = mail.fromName ? `"${headerText(mail.fromName).replace(/"/g, "'")}" <${mail.from}>` : mail.from;
  const headers = [
    `From: ${from}`,
    `To: rt@example.test`,
    `Subject: ${headerText(subject)}`,
    `Date: ${now.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${messageId}>`,
    'MIME-Version: 1.0',
    `Content-Type: ${mail.html ? 'text/html' : 'text/plain'}; charset=utf-8`,
    'Content-Transfer-Encoding: base64',
  ];
  const body = Buffer.from(mail.body, 'utf8').toString('base64').replace(/.{76}/g, '$&\n');
  return `${headers.join('\n')}\n\n${body}\n`;
}

/** Environment for rt-mailgate: no proxy, so its HTTP stays on 127.0.0.1. */
function mailgateEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (/_proxy$/i.test(name)) delete env[name];
  return env;
}

const ZAttachmentSearch = z.object({ items: z.array(z.object({ TransactionId: z.coerce.number().int() })) });
const ZTransaction = z.object({ Object: z.object({ type: z.literal('ticket'), id: z.coerce.number().int() }) });

/**
 * Pipes the mail through `rt-mailgate --action correspond` into `queue` of the RT at `rtUrl` and
 * answers the ticket it landed on. rt-mailgate only says "ok" (RT names the ticket in DevelMode
 * only), so the ticket is found over REST2 (as `restUser`) by the mail's Message-ID.
 */
export async function mailThroughMailgate(rtUrl: string, queue: string, input: CustomerMail, restUser: RtUser): Promise<number> {
  const mail = ZCustomerMail.parse(input);
  const messageId = mail.messageId?.replace(/^<|>$/g, '') ?? `${crypto.randomUUID()}@customer.example.test`;
  const mailgate = firstExisting(RT_PATHS.mailgate);
  const { stdout, stderr } = await runCommand(mailgate, ['--url', rtUrl, '--queue', queue, '--action', 'correspond', '--debug'], {
    env: mailgateEnv(),
    input: buildCustomerMail(mail, messageId),
  });
  // rt-mailgate exits 0 on RT's "not ok" too; --debug prints RT's answer.
  if (!/^ok$/m.test(stdout + stderr)) throw new Error(`rt-mailgate did not confirm the mail:\n${stdout}${stderr}`);

  const search = [{ field: 'MessageId', value: messageId }];
  const found = ZAttachmentSearch.parse(await restRequest(rtUrl, restUser, 'POST', '/attachments?fields=TransactionId&orderby=id&order=DESC&per_page=1', search));
  const transactionId = found.items[0]?.TransactionId;
  if (!transactionId) throw new Error(`rt-mailgate accepted the mail but RT stored no message with Message-ID <${messageId}>`);
  const transaction = ZTransaction.parse(await restRequest(rtUrl, restUser, 'GET', `/transaction/${transactionId}`));
  return transaction.Object.id;
}
