// Polling waits for the e2e tests: a probe is retried until its value is accepted or the time is up.

/** Generous by default: Chromium, the backend and vitest share two cores. */
export const DEFAULT_WAIT_MS = 20_000;

/**
 * Calls `probe` every `intervalMs` until `accept` holds; returns the accepted value.
 * Errors thrown by the probe count as "not yet" and the last one is reported on time-out.
 *
 * @example await waitFor(() => client.conversations.get.query({ id }), (view) => view.takeover !== null, 'the takeover');
 */
export async function waitFor<T>(
  probe: () => Promise<T> | T,
  accept: (value: T) => boolean,
  what: string,
  { timeoutMs = DEFAULT_WAIT_MS, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: { value?: T; error?: unknown } = {};
  for (;;) {
    try {
      const value = await probe();
      last = { value };
      if (accept(value)) return value;
    } catch (error) {
      last = { error };
    }
    if (Date.now() > deadline) {
      const seen = 'error' in last ? `error: ${(last.error as Error)?.message ?? String(last.error)}` : `last value: ${describe(last.value)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${seen}`);
    }
    await sleep(intervalMs);
  }
}

/** For the few places that must prove nothing happens during a period (absence cannot be awaited). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describe(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
  } catch {
    return String(value);
  }
}
