// The background's view of an overlay port and the validation of what content scripts send on it.
import { z } from 'zod';
import type { OverlayPortMessage, OverlayPortRequest } from '../messaging';
import type { ConversationRef } from '../overlay/overlay-model';

/**
 * The part of `runtime.Port` the background uses (a real port fits; tests pass a fake).
 * `postMessage` throws once the other end is gone.
 */
export interface OverlayPort {
  readonly name: string;
  postMessage(message: OverlayPortMessage): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
}

/** Same limits as the backend's `conversations.byExternalRef` input, and no control characters. */
const ZConversationRef = z.object({
  connector: z.string().min(1).max(64).regex(/^[^\s\p{Cc}]+$/u),
  externalId: z.string().min(1).max(255).regex(/^[^\p{Cc}]+$/u).refine((id) => id.trim() === id),
});

const ZOverlayPortRequest = z.discriminatedUnion('type', [
  // A page address that does not parse as one is dropped, not the watch.
  z.object({ type: z.literal('watch'), ref: ZConversationRef, pageUrl: z.string().max(4096).optional().catch(undefined) }),
  z.object({ type: z.literal('unwatch') }),
  z.object({ type: z.literal('ping') }),
]);

/** The request, or null when `message` is not a valid one (an invalid thread reference included). */
export function parseOverlayPortRequest(message: unknown): OverlayPortRequest | null {
  const parsed = ZOverlayPortRequest.safeParse(message);
  if (!parsed.success) return null;
  if (parsed.data.type !== 'watch') return parsed.data;
  const ref: ConversationRef = { connector: parsed.data.ref.connector, externalId: parsed.data.ref.externalId };
  return parsed.data.pageUrl === undefined ? { type: 'watch', ref } : { type: 'watch', ref, pageUrl: parsed.data.pageUrl };
}

/** A map key for a thread reference. */
export function refKey(ref: ConversationRef): string {
  return `${ref.connector}\u0000${ref.externalId}`;
}

/**
 * Posts to a port; false when the port is gone (the caller forgets it). Never throws.
 *
 * @example
 * if (!postToPort(port, { type: 'connection', connection })) forget(port);
 */
export function postToPort(port: OverlayPort, message: OverlayPortMessage): boolean {
  try {
    port.postMessage(message);
    return true;
  } catch {
    return false;
  }
}
