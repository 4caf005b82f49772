// A real SMTP server (the `smtp-server` package) on 127.0.0.1 for the SMTP connector's tests: it
// records every message it accepts with its envelope, headers and text, optionally requires a
// login, and can be told to refuse messages with an SMTP reply code.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SinkMessage {
  envelope: { from: string; to: string[] };
  /** The user who logged in (null: no login). */
  user: string | null;
  /** Header fields by lower-case name, unfolded; the first occurrence of a repeated name. */
  headers: Record<string, string>;
  /** The body, transfer encoding undone. */
  text: string;
  raw: string;
}

export interface SmtpSink {
  host: '127.0.0.1';
  port: number;
  /** Messages accepted, in arrival order (a re-delivery appears again). */
  messages: SinkMessage[];
  /** Refuses the next `count` messages at the end of DATA with `code` (e.g. 451, 554); default: until changed, null: accept. */
  refuseMessages(code: number | null, count?: number): void;
  close(): Promise<void>;
}

export interface SmtpSinkOptions {
  /** The one login the server accepts; absent: no login, and AUTH is not offered. */
  auth?: { username: string; password: string };
  /** The text of a refused login, from the password tried (a careless server may echo it); default "Authentication credentials invalid". */
  loginRefusal?: (password: string) => string;
}

function headersOf(head: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers[name] ??= line.slice(colon + 1).trim();
  }
  return headers;
}

function decodeBody(body: string, transferEncoding: string | undefined): string {
  switch (transferEncoding?.toLowerCase()) {
    case 'quoted-printable': {
      const bytes = body.replace(/=\r\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_all, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      return Buffer.from(bytes, 'latin1').toString('utf8');
    }
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    default:
      return body;
  }
}

function parseMessage(raw: string): Pick<SinkMessage, 'headers' | 'text'> {
  const split = raw.indexOf('\r\n\r\n');
  const headers = headersOf(split < 0 ? raw : raw.slice(0, split));
  const body = split < 0 ? '' : raw.slice(split + 4);
  return { headers, text: decodeBody(body, headers['content-transfer-encoding']).replace(/\r\n$/, '') };
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  let refusal: number | null = null;
  let refusalsLeft = Infinity;

  const server = new SMTPServer({
    logger: false,
    // No TLS: the connector's plain connection is what is tested, and smtp-server's own certificate is self-signed.
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    closeTimeout: 200,
    disableReverseLookup: true,
    onAuth(auth, _session, callback) {
      const expected = options.auth;
      if (expected && auth.username === expected.username && auth.password === expected.password) return callback(null, { user: auth.username });
      callback(Object.assign(new Error(options.loginRefusal?.(auth.password ?? '') ?? 'Authentication credentials invalid'), { responseCode: 535 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (refusal !== null) {
          const code = refusal;
          if (--refusalsLeft <= 0) [refusal, refusalsLeft] = [null, Infinity];
          return callback(Object.assign(new Error(code >= 500 ? 'Message rejected by the test sink' : 'Try again later'), { responseCode: code }));
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        messages.push({
          envelope: { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((rcpt) => rcpt.address) },
          user: typeof session.user === 'string' ? session.user : null,
          ...parseMessage(raw),
          raw,
        });
        callback(null, 'Queued');
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });

  return {
    host: '127.0.0.1',
    port: (server.server.address() as AddressInfo).port,
    messages,
    refuseMessages(code, count = Infinity) {
      refusal = code;
      refusalsLeft = code === null ? Infinity : count;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
