// The demo inbox has no login: it answers only clients on this machine (the socket's peer, not a
// forwarded-for header a remote client could write), so a deployment that forgot BATON_ENV=production
// does not expose its tenants' conversations.
import type { Context, Next } from 'koa';

/**
 * True for 127.0.0.0/8, ::1 and their IPv4-mapped IPv6 forms.
 * @example isLoopbackAddress('::ffff:127.0.0.1') // true
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return plain === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(plain);
}

/** Koa middleware: a 404 (as if the demo were not there) for any client not on this machine. */
export async function loopbackOnly(ctx: Context, next: Next): Promise<void> {
  if (!isLoopbackAddress(ctx.req.socket.remoteAddress)) {
    ctx.status = 404;
    ctx.body = { error: 'Not found' };
    return;
  }
  await next();
}
