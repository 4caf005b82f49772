// The `twilio` connector (issue 12 item 4): one SMS per outbound message through Twilio's REST API
// (POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded, HTTP basic auth), or any
// provider that speaks the same API.
//
// Idempotency. Twilio's Messages API takes no idempotency key, and a retry comes with the same
// `idempotencyKey` whenever an attempt was not acknowledged (a timeout, a lost answer, a crash
// between Twilio's 201 and the delivery being recorded). The connector sends that key as an
// `Idempotency-Key` header (the IETF httpapi draft's name): a provider that implements it — and
// the local Twilio-shaped server the tests use — answers the retry with the first message and sends
// nothing twice. Twilio itself ignores the header, so against real Twilio delivery is at least
// once: only an attempt whose request reached Twilio but whose answer never came back can become
// a second SMS. Looking the message up before a retry would need a unique marker in the text, which
// an SMS to a customer should not carry; the duplicate window is the one attempt's timeout.
import type { Connector, OutboundMessage } from './connector.js';

export const DEFAULT_TWILIO_BASE_URL = 'https://api.twilio.com';
export const DEFAULT_TWILIO_TIMEOUT_MS = 10_000;

export interface TwilioConnectorConfig {
  /** `https://api.twilio.com`, or a compatible provider's (or the tests' local server's) origin. */
  baseUrl: string;
  /** `AC…`: the account in the URL and the basic-auth user. */
  accountSid: string;
  /** The basic-auth password; never appears in an error or a log. */
  authToken: string;
  /** The sender: an E.164 number, or a Messaging Service SID (`MG…`) that picks one. */
  fromNumber: string;
  timeoutMs?: number;
}

/** Where messages are created for this account. */
export function twilioMessagesUrl(baseUrl: string, accountSid: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`;
}

const MESSAGING_SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;

/**
 * The form body of one send.
 * @throws Error when the conversation's lead has no phone number (nothing to send to)
 */
export function twilioFormOf(message: OutboundMessage, fromNumber: string): URLSearchParams {
  const to = message.recipient.phone?.trim();
  if (!to) throw new Error('the customer has no phone number on file to send the SMS to');
  const sender: [string, string] = MESSAGING_SERVICE_SID.test(fromNumber) ? ['MessagingServiceSid', fromNumber] : ['From', fromNumber];
  return new URLSearchParams([['To', to], sender, ['Body', message.body]]);
}

/** Twilio's error body: `{ code, message, more_info, status }`. */
function errorOfBody(text: string): { code: number | null; message: string | null } {
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown };
    return { code: typeof body.code === 'number' ? body.code : null, message: typeof body.message === 'string' ? body.message : null };
  } catch {
    return { code: null, message: null };
  }
}

/**
 * A refusal in words for the banner and the log: the status and Twilio's own message, with the auth
 * token blanked should a provider ever echo it.
 * @example describeTwilioRefusal(401, '{"code":20003,"message":"Authenticate"}', token) // 'Twilio answered 401: Authenticate (Twilio error 20003); check the account SID and auth token'
 */
export function describeTwilioRefusal(status: number, responseText: string, authToken: string): string {
  const { code, message } = errorOfBody(responseText);
  const said = (message ?? responseText.trim()).slice(0, 300);
  let text = `Twilio answered ${status}${said ? `: ${said}` : ''}${code !== null ? ` (Twilio error ${code})` : ''}`;
  if (status === 401 || status === 403) text += '; check the account SID and auth token';
  return authToken ? text.split(authToken).join('[auth token]') : text;
}

/** Connection errors after which Twilio may already have the message (the request went out, no answer came back). */
const CLOSED_BEFORE_ANSWER = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

/** Why a request did not get an answer, in words for the banner. */
function describeUnanswered(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `Twilio did not answer within ${timeoutMs} ms`;
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const reason = cause?.code ?? cause?.message ?? (error as Error).message;
  if (cause?.code && CLOSED_BEFORE_ANSWER.has(cause.code)) return `the connection to Twilio closed before it answered (${reason})`;
  return `Twilio could not be reached (${reason})`;
}

/**
 * @example createTwilioConnector({ baseUrl: DEFAULT_TWILIO_BASE_URL, accountSid: 'AC…', authToken: '…', fromNumber: '+15005550006' })
 */
export function createTwilioConnector(config: TwilioConnectorConfig): Connector {
  const url = twilioMessagesUrl(config.baseUrl, config.accountSid);
  const authorization = `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64')}`;
  const timeoutMs = config.timeoutMs ?? DEFAULT_TWILIO_TIMEOUT_MS;
  return {
    name: 'twilio',
    timeoutMs,
    async deliver(message) {
      const form = twilioFormOf(message, config.fromNumber);
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'idempotency-key': message.idempotencyKey },
          body: form.toString(),
          // The API never redirects; following one would send the credentials elsewhere.
          redirect: 'error',
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new Error(describeUnanswered(error, timeoutMs));
      }
      if (response.ok) {
        await response.body?.cancel();
        return;
      }
      const text = await response.text().catch(() => '');
      throw new Error(describeTwilioRefusal(response.status, text, config.authToken));
    },
  };
}
