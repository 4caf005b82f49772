// A local server of Twilio's REST shape for the SMS connector's tests (127.0.0.1 only):
// POST /2010-04-01/Accounts/{AccountSid}/Messages.json with basic auth AccountSid:AuthToken and
// To/From/Body form fields answers 201 and a message resource, as Twilio does. It records every
// request, honours an Idempotency-Key header (a retry gets the first message back, nothing is sent
// twice), and can be told to fail with a status, to drop the answer after accepting, or to hang.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeTwilioRequest {
  path: string;
  /** The basic-auth user and password as sent (null: no basic auth). */
  credentials: { user: string; password: string } | null;
  idempotencyKey: string | null;
  form: Record<string, string>;
  /** The status the server answered (null: the connection was dropped without an answer). */
  answered: number | null;
}

export interface FakeTwilioMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  idempotencyKey: string | null;
}

/** What the next requests get: Twilio's behaviour, an error status, an accepted send whose answer is lost, or no answer at all. */
export type FakeTwilioMode = { kind: 'normal' } | { kind: 'fail'; status: number } | { kind: 'accept-then-drop' } | { kind: 'hang' };

export interface TwilioFakeServer {
  baseUrl: string;
  accountSid: string;
  authToken: string;
  /** Every request in arrival order (a retry appears again). */
  requests: FakeTwilioRequest[];
  /** The SMS "sent": one per idempotency key. */
  messages: FakeTwilioMessage[];
  /** Applies `mode` to the next `count` requests (default: every request until changed). */
  setMode(mode: FakeTwilioMode, count?: number): void;
  close(): Promise<void>;
}

const ERRORS: Record<number, { code: number; message: string }> = {
  401: { code: 20003, message: 'Authenticate' },
  404: { code: 20404, message: 'The requested resource was not found' },
  429: { code: 20429, message: 'Too Many Requests' },
  500: { code: 20500, message: 'Internal Server Error' },
  503: { code: 20503, message: 'Service Unavailable' },
};

function credentialsOf(header: string | undefined): FakeTwilioRequest['credentials'] {
  if (!header?.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Starts the server with a fresh account SID and auth token. */
export async function startTwilioFakeServer(): Promise<TwilioFakeServer> {
  const accountSid = `AC${randomBytes(16).toString('hex')}`;
  const authToken = randomBytes(16).toString('hex');
  const requests: FakeTwilioRequest[] = [];
  const messages: FakeTwilioMessage[] = [];
  let mode: FakeTwilioMode = { kind: 'normal' };
  let modeLeft = Infinity;

  const answerJson = (res: http.ServerResponse, request: FakeTwilioRequest, status: number, body: unknown) => {
    request.answered = status;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const answerError = (res: http.ServerResponse, request: FakeTwilioRequest, status: number, error = ERRORS[status] ?? { code: 20001, message: 'Error' }) =>
    answerJson(res, request, status, { code: error.code, message: error.message, more_info: `https://www.twilio.com/docs/errors/${error.code}`, status });

  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      const request: FakeTwilioRequest = {
        path: req.url ?? '',
        credentials: credentialsOf(req.headers.authorization),
        idempotencyKey: typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null,
        form: Object.fromEntries(new URLSearchParams(raw)),
        answered: null,
      };
      requests.push(request);
      const current = mode;
      if (--modeLeft <= 0) [mode, modeLeft] = [{ kind: 'normal' }, Infinity];

      const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !match) return answerError(res, request, 404);
      if (current.kind === 'fail') return answerError(res, request, current.status);
      if (current.kind === 'hang') return;
      const { credentials } = request;
      if (!credentials || credentials.user !== accountSid || credentials.password !== authToken || decodeURIComponent(match[1]!) !== accountSid) return answerError(res, request, 401);
      const { To: to, From: from, Body: body } = request.form;
      if (!to) return answerError(res, request, 400, { code: 21604, message: "A 'To' phone number is required." });
      if (!from && !request.form.MessagingServiceSid) return answerError(res, request, 400, { code: 21603, message: "A 'From' phone number is required." });
      if (!body) return answerError(res, request, 400, { code: 21602, message: 'Message body is required.' });

      const earlier = request.idempotencyKey ? messages.find((message) => message.idempotencyKey === request.idempotencyKey) : undefined;
      const message = earlier ?? { sid: `SM${randomBytes(16).toString('hex')}`, to, from: from ?? request.form.MessagingServiceSid!, body, idempotencyKey: request.idempotencyKey };
      if (!earlier) messages.push(message);
      if (current.kind === 'accept-then-drop') {
        // Twilio took the message; the answer never reaches the sender.
        req.socket.destroy();
        return;
      }
      answerJson(res, request, earlier ? 200 : 201, {
        sid: message.sid,
        account_sid: accountSid,
        to: message.to,
        from: message.from,
        body: message.body,
        status: 'queued',
        direction: 'outbound-api',
        num_segments: '1',
        date_created: new Date().toUTCString(),
        uri: `/2010-04-01/Accounts/${accountSid}/Messages/${message.sid}.json`,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    accountSid,
    authToken,
    requests,
    messages,
    setMode(next, count = Infinity) {
      mode = next;
      modeLeft = count;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
