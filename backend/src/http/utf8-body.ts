// Request bodies read up to a limit and as strict UTF-8 (issue 14 item 2): bytes that are not UTF-8 are refused with a 400
// naming the input, never decoded to U+FFFD and stored that way.
import type { IncomingMessage } from 'node:http';
import { TRPCError } from '@trpc/server';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * `raw` as text, or null when it is not UTF-8.
 * @example decodeUtf8(Buffer.from([0x68, 0x69])) // 'hi'; decodeUtf8(Buffer.from([0xff])) // null
 */
export function decodeUtf8(raw: Uint8Array): string | null {
  try {
    return strictUtf8.decode(raw);
  } catch {
    return null;
  }
}

/** What the tRPC context refuses: the validation-shaped cause names the field `input` (trpc/init.ts errorFormatter). */
class NotUtf8Error extends Error {
  readonly issues = [{ path: [], message: 'must be UTF-8 text: the request body has bytes that are not UTF-8' }];
}

type BodyProblem = 'not_utf8' | 'too_large';
const problems = new WeakMap<IncomingMessage, BodyProblem>();

/**
 * The body, or null once it passes `maxBytes` (or the client leaves). The rest is not kept, but the request
 * is not destroyed (as tRPC does): a destroyed request resets the connection before the client reads the 413.
 */
export function readBodyUpTo(req: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (settle: () => void) => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      settle();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) finish(() => resolve(null));
      else chunks.push(chunk);
    };
    const onEnd = () => finish(() => resolve(Buffer.concat(chunks)));
    const onError = (error: Error) => finish(() => reject(error));
    // The client went away mid-upload: nobody reads the answer, but the request must not wait forever.
    const onClose = () => finish(() => resolve(null));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/**
 * Reads a tRPC request body before tRPC does and hands it over as text (`req.body`, which tRPC's node
 * adapter uses as is). A body that is too large or not UTF-8 is remembered for {@link refuseUnreadableBody}.
 */
export async function readTrpcBody(req: IncomingMessage, maxBytes: number): Promise<void> {
  const raw = await readBodyUpTo(req, maxBytes);
  const text = raw === null ? null : decodeUtf8(raw);
  if (text === null) problems.set(req, raw === null ? 'too_large' : 'not_utf8');
  (req as IncomingMessage & { body?: string }).body = text ?? '';
}

/**
 * Called from tRPC's createContext: throws for a body {@link readTrpcBody} could not hand over, so tRPC
 * answers every call of the request with the error in its own shape (batches included).
 */
export function refuseUnreadableBody(req: IncomingMessage): void {
  const problem = problems.get(req);
  if (problem === 'too_large') throw new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' });
  if (problem === 'not_utf8') throw new TRPCError({ code: 'BAD_REQUEST', message: 'input: must be UTF-8 text', cause: new NotUtf8Error('request body is not UTF-8') });
}
