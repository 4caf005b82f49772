// The `smtp` connector (issue 12 item 4): one plain-text email per outbound message through the
// tenant's SMTP server (nodemailer, one pooled transport per connector), threaded into the
// customer's conversation with In-Reply-To / References.
//
// Idempotency. SMTP has no idempotency key, so the message carries its own: a Message-ID derived
// from the idempotency key (`<baton-<key>@<from domain>>`). A retry after an unacknowledged attempt
// (a timeout after DATA, a crash before the delivery was recorded) sends the same Message-ID again,
// which mail stores, clients and helpdesks that dedupe on Message-ID show as the one message.
import nodemailer, { type NodemailerError, type SendMailOptions } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import type { Connector, OutboundMessage } from './connector.js';

export const DEFAULT_SMTP_TIMEOUT_MS = 15_000;
/** The subject of a reply whose conversation has none on file. */
export const FALLBACK_SUBJECT = 'Re: your message';

export interface SmtpConnectorConfig {
  host: string;
  port: number;
  /** true: TLS from the first byte (port 465); false: plain, upgraded with STARTTLS when offered. */
  secure: boolean;
  /** null: the server takes mail without logging in. */
  username: string | null;
  password: string | null;
  /** The sender, `support@acme.example` or `"Acme Support" <support@acme.example>`. */
  from: string;
  timeoutMs?: number;
}

/** A connector that holds a pool of SMTP connections: close() ends them when the connector is dropped. */
export interface SmtpConnector extends Connector {
  close(): void;
}

/**
 * The domain of the sender address (for Message-IDs).
 * @throws Error when `from` holds no address with a domain
 */
export function senderDomainOf(from: string): string {
  const [first] = addressparser(from, { flatten: true });
  const domain = first?.address.split('@')[1];
  if (!domain) throw new Error(`the sender "${from}" is not an email address`);
  return domain.toLowerCase();
}

/**
 * The Message-ID of every attempt at one message: the same key gives the same id.
 * @example stableMessageId('reply-1', 'acme.example') // '<baton-reply-1@acme.example>'
 */
export function stableMessageId(idempotencyKey: string, domain: string): string {
  // A msg-id's left part is a dot-atom: anything else in a key is replaced (keys are uuids in practice).
  return `<baton-${idempotencyKey.replace(/[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]/g, '-')}@${domain}>`;
}

/** `<id>` whether or not the stored Message-ID kept its angle brackets. */
const inAngleBrackets = (messageId: string) => `<${messageId.trim().replace(/^<|>$/g, '')}>`;

/** "Re: <subject>", without stacking a second "Re:". */
export function replySubjectOf(subject: string | null): string {
  const trimmed = subject?.trim();
  if (!trimmed) return FALLBACK_SUBJECT;
  return /^re:/i.test(trimmed) ? trimmed : `Re: ${trimmed}`;
}

/**
 * The email of one outbound message: to the lead, text only, threaded under the customer's last mail.
 * @throws Error when the conversation's lead has no email address
 */
export function smtpMailOf(message: OutboundMessage, from: string, senderDomain: string): SendMailOptions {
  const to = message.recipient.email?.trim();
  if (!to) throw new Error('the customer has no email address on file to send the email to');
  const inReplyTo = message.thread.lastInboundExternalId ? inAngleBrackets(message.thread.lastInboundExternalId) : undefined;
  return {
    from,
    to: message.recipient.name ? { name: message.recipient.name, address: to } : to,
    subject: replySubjectOf(message.thread.subject),
    text: message.body,
    messageId: stableMessageId(message.idempotencyKey, senderDomain),
    // Only the customer's last message is known, so References names that one (RFC 5322 §3.6.4 would
    // list the whole chain); mail clients thread on either header.
    ...(inReplyTo ? { inReplyTo, references: inReplyTo } : {}),
  };
}

/** A failed send in words for the banner and the log (nodemailer's messages never carry the password). */
export function describeSmtpFailure(error: unknown, config: Pick<SmtpConnectorConfig, 'host' | 'port'>, timeoutMs: number): string {
  const failure = error as Partial<NodemailerError>;
  const where = `${config.host}:${config.port}`;
  const said = failure.response ? `: ${failure.response.slice(0, 300)}` : '';
  switch (failure.code) {
    case 'EAUTH':
      return `the SMTP server ${where} refused the login${said}; check the username and password`;
    case 'ENOAUTH':
      return `the SMTP server ${where} asks for a login and none is configured`;
    case 'EENVELOPE':
      return `the SMTP server ${where} refused the sender or recipient${said}`;
    case 'EMESSAGE':
      return `the SMTP server ${where} refused the message${said}`;
    case 'ETIMEDOUT':
    case 'EABORT':
      return `the SMTP server ${where} did not answer within ${timeoutMs} ms`;
    case 'ETLS':
      return `the TLS connection to the SMTP server ${where} failed (${failure.message})`;
    default:
      if (failure.name === 'AbortError' || failure.name === 'TimeoutError') return `the SMTP server ${where} did not answer within ${timeoutMs} ms`;
      if (failure.responseCode) return `the SMTP server ${where} answered${said || ` ${failure.responseCode}`}`;
      return `the SMTP server ${where} could not be reached (${failure.originalCode ?? failure.code ?? failure.message ?? 'unknown error'})`;
  }
}

/**
 * @example createSmtpConnector({ host: 'smtp.acme.example', port: 587, secure: false, username: 'baton', password: '…', from: 'support@acme.example' })
 * @throws Error when `from` is not an email address
 */
export function createSmtpConnector(config: SmtpConnectorConfig): SmtpConnector {
  const senderDomain = senderDomainOf(config.from);
  const timeoutMs = config.timeoutMs ?? DEFAULT_SMTP_TIMEOUT_MS;
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: 2,
    host: config.host,
    port: config.port,
    secure: config.secure,
    auth: config.username ? { user: config.username, pass: config.password ?? '' } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return {
    name: 'smtp',
    timeoutMs,
    async deliver(message) {
      const mail = smtpMailOf(message, config.from, senderDomain);
      try {
        await transport.sendMail({ ...mail, signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        throw new Error(describeSmtpFailure(error, config, timeoutMs));
      }
    },
    close() {
      transport.close();
    },
  };
}
