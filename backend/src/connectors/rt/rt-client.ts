// A small Request Tracker 5 REST2 client (https://docs.bestpractical.com/rt/5.0.3/RT/REST2.html):
// basic auth as the tenant's Baton user, a timeout per request, and errors that say what failed —
// which RT, which call, what RT answered — without the password.
import { z, type ZodType } from 'zod';

export const DEFAULT_RT_TIMEOUT_MS = 10_000;

/** Why a call failed; `transient` ones (RT down, slow, 5xx) are retried with backoff. */
export type RtFailureKind = 'unreachable' | 'timeout' | 'server_error' | 'credentials' | 'forbidden' | 'not_found' | 'refused' | 'bad_answer';

export class RtRequestError extends Error {
  override name = 'RtRequestError';
  constructor(
    message: string,
    readonly kind: RtFailureKind,
    /** RT's HTTP status; null: no answer. */
    readonly status: number | null,
  ) {
    super(message);
  }

  /** RT may answer the same call later (down, slow, overloaded). */
  get transient(): boolean {
    return this.kind === 'unreachable' || this.kind === 'timeout' || this.kind === 'server_error';
  }
}

export interface RtClientOptions {
  /** RT's base URL with its web path, e.g. `http://127.0.0.1:8080/rt`. */
  url: string;
  username: string;
  password: string;
  timeoutMs?: number;
}

export interface RtRequest<T> {
  /** Query parameters (strings; REST2's `query`, `fields`, `per_page`…). */
  query?: Record<string, string | number>;
  /** A JSON body (POST). */
  json?: unknown;
  /** What the answer must look like; a mismatch is a `bad_answer`. */
  schema: ZodType<T>;
}

/** The base URL as it may be shown: no user info, no trailing slash. */
export function displayRtUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/+$/, '');
  } catch {
    return '(invalid URL)';
  }
}

/** RT's error body (`{ "message": … }`), shortened, or nothing. */
function rtMessageOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message.slice(0, 200);
  } catch {
    // not JSON: RT answered a page (a proxy, a login form)
  }
  return '';
}

export type RtClient = ReturnType<typeof createRtClient>;

/**
 * @example const rt = createRtClient({ url: 'http://127.0.0.1:8080/rt', username: 'baton', password: '…' });
 *          await rt.request('GET', '/ticket/1', { schema: ZRtTicket });
 */
export function createRtClient(options: RtClientOptions) {
  const base = options.url.replace(/\/+$/, '');
  const where = displayRtUrl(options.url);
  const timeoutMs = options.timeoutMs ?? DEFAULT_RT_TIMEOUT_MS;
  const authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`, 'utf8').toString('base64')}`;

  async function request<T>(method: 'GET' | 'POST' | 'PUT', path: string, call: RtRequest<T>): Promise<T> {
    const url = new URL(`${base}/REST/2.0${path}`);
    for (const [name, value] of Object.entries(call.query ?? {})) url.searchParams.set(name, String(value));
    const what = `${method} ${path}`;
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        headers: { authorization, accept: 'application/json', ...(call.json === undefined ? {} : { 'content-type': 'application/json' }) },
        body: call.json === undefined ? undefined : JSON.stringify(call.json),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual',
      });
      text = await response.text();
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (name === 'TimeoutError' || name === 'AbortError') throw new RtRequestError(`Request Tracker at ${where} did not answer ${what} within ${timeoutMs} ms`, 'timeout', null);
      const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
      throw new RtRequestError(`Request Tracker at ${where} could not be reached (${cause?.code ?? cause?.message ?? (error as Error).message})`, 'unreachable', null);
    }
    if (response.status === 401) {
      throw new RtRequestError(`Request Tracker at ${where} refused the credentials of user "${options.username}" (401): check the username and password`, 'credentials', 401);
    }
    if (response.status >= 300 && response.status < 400) {
      // REST2 never redirects; a login page or a wrong web path does.
      throw new RtRequestError(`Request Tracker at ${where} answered ${what} with a redirect (${response.status}): is the URL RT's base URL with its web path, e.g. …/rt?`, 'refused', response.status);
    }
    if (!response.ok) {
      const detail = rtMessageOf(text);
      const kind: RtFailureKind = response.status === 403 ? 'forbidden' : response.status === 404 ? 'not_found' : response.status >= 500 ? 'server_error' : 'refused';
      // RT's own 404 for a wrong path is a web page, not REST2's JSON.
      const hint = response.status === 403 ? ` (user "${options.username}" lacks a right)` : response.status === 404 && !detail ? ': is the URL RT\'s base URL with its web path, e.g. …/rt?' : '';
      throw new RtRequestError(`Request Tracker at ${where} answered ${what} with ${response.status}${hint}${detail ? `: ${detail}` : ''}`, kind, response.status);
    }
    let body: unknown;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      throw new RtRequestError(`Request Tracker at ${where} answered ${what} with something that is not JSON: is the URL RT's base URL with its web path?`, 'bad_answer', response.status);
    }
    const parsed = call.schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new RtRequestError(`Request Tracker at ${where} answered ${what} unexpectedly (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'})`, 'bad_answer', response.status);
    }
    return parsed.data;
  }

  return { request, timeoutMs, where };
}

// ── REST2 shapes Baton reads (RT 5.0.3; ids come as strings or numbers, references as objects) ──

/** A numeric id as REST2 writes it. */
export const ZRtId = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);

/** A reference to another record: `{ type: 'user', id: 'alice', _url }`. */
export const ZRtReference = z.object({ type: z.string().optional(), id: z.union([z.string(), z.number()]).transform(String) });

/** A page of a collection (`/transactions`, `/ticket/N/attachments`). */
export const ZRtPage = <T extends ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    page: z.number().optional(),
    pages: z.number().nullish(),
    per_page: z.number().optional(),
    count: z.number().optional(),
    total: z.number().nullish(),
  });
