// Where the event stream resumes: the last event id received, kept in extension storage across worker restarts.
import { browser } from 'wxt/browser';
import { z } from 'zod';

const STORAGE_KEY = 'eventStreamCursor';
/** An older cursor is not worth a long replay: every watched view is re-read on connect anyway. */
export const CURSOR_MAX_AGE_MS = 60 * 60_000;

const ZStoredCursor = z.object({
  /** The backend the id belongs to (ids mean nothing to another backend). */
  url: z.string(),
  lastEventId: z.string().regex(/^\d{1,20}$/),
  savedAt: z.number(),
});

/**
 * The last event id saved for the backend at `url`, or null when none is saved, it belongs to
 * another backend, or it is older than {@link CURSOR_MAX_AGE_MS}.
 */
export async function loadStreamCursor(url: string, now: number = Date.now()): Promise<string | null> {
  const stored: Record<string, unknown> = await browser.storage.local.get(STORAGE_KEY);
  const parsed = ZStoredCursor.safeParse(stored[STORAGE_KEY]);
  if (!parsed.success || parsed.data.url !== url || now - parsed.data.savedAt > CURSOR_MAX_AGE_MS) return null;
  return parsed.data.lastEventId;
}

/** Saves the last event id received from the backend at `url`. */
export async function saveStreamCursor(url: string, lastEventId: string, now: number = Date.now()): Promise<void> {
  await browser.storage.local.set({ [STORAGE_KEY]: { url, lastEventId, savedAt: now } satisfies z.infer<typeof ZStoredCursor> });
}

/** Forgets the saved cursor (the configuration changed). */
export async function clearStreamCursor(): Promise<void> {
  await browser.storage.local.remove(STORAGE_KEY);
}
