// Which backend notifications this browser already showed (or chose not to), kept in extension storage
// so a restarted service worker never shows one twice.
import { browser } from 'wxt/browser';
import { z } from 'zod';
import type { ConversationTarget } from '../protocol/popup';

const STORAGE_KEY = 'notificationLedger';

/** One notification the ledger knows; `target` only for those shown (a click needs it after a restart). */
export interface LedgerEntry {
  id: string;
  createdAtMs: number;
  target: ConversationTarget | null;
}

/**
 * What was seen for one account. Invariant: every notification seen with `createdAtMs >= watermarkMs`
 * is in `entries`, so anything older than the watermark is old and anything newer is new unless listed.
 */
export interface NotificationLedger {
  /** The backend and agent this ledger belongs to (see {@link accountKey}); another agent starts afresh. */
  account: string;
  /** Null: nothing was unread when the ledger started, so every notification is new. */
  watermarkMs: number | null;
  entries: LedgerEntry[];
}

const nullableText = z.string().nullable();
const ZLedger = z.object({
  account: z.string(),
  watermarkMs: z.number().nullable(),
  entries: z.array(
    z.object({
      id: z.string(),
      createdAtMs: z.number(),
      target: z.object({ conversationId: nullableText, connector: nullableText, externalId: nullableText, helpdeskUrl: nullableText }).nullable(),
    }),
  ),
});

/** The saved ledger, or null when none is saved (or it no longer parses: then the next check starts afresh). */
export async function loadNotificationLedger(): Promise<NotificationLedger | null> {
  const stored: Record<string, unknown> = await browser.storage.local.get(STORAGE_KEY);
  const parsed = ZLedger.safeParse(stored[STORAGE_KEY]);
  return parsed.success ? parsed.data : null;
}

/** Saves the ledger (before the notifications it records are shown: at most once, never twice). */
export async function saveNotificationLedger(ledger: NotificationLedger): Promise<void> {
  await browser.storage.local.set({ [STORAGE_KEY]: ledger });
}

/** Who is signed in, as `auth.me` and the saved configuration tell it. */
export interface SignedInAs {
  /** The agent (`auth.me`); null for an integration key, which acts for no agent. */
  agentId: string | null;
  credential: string;
}

/**
 * Names the ledger's account: the backend URL and the agent's id, so an agent who pastes a fresh
 * token after the old one expired keeps their ledger (what arrived in between still shows), while
 * another agent signing in on this browser starts afresh. An integration key (no agent) is named
 * by a SHA-256 fingerprint of the credential instead, never the credential itself.
 *
 * @example
 * const account = await accountKey(config.url, { agentId: me.agentId, credential: config.credential });
 */
export async function accountKey(url: string, signedIn: SignedInAs): Promise<string> {
  if (signedIn.agentId !== null) return `${url} agent:${signedIn.agentId}`;
  return `${url} key:${await credentialFingerprint(signedIn.credential)}`;
}

async function credentialFingerprint(credential: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(credential));
  const hex = [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return hex.slice(0, 16);
}
