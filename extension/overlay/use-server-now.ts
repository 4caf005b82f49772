// The server's clock in a component: local clock + the background's offset, re-read on a ticking interval.
import { useEffect, useState } from 'react';

/** Milliseconds since the epoch on the local machine; tests inject a fixed one. */
export type Clock = () => number;

/** The browser's clock. */
export const systemClock: Clock = () => Date.now();

/**
 * The server's "now" (`clock() + serverOffsetMs`), re-rendering every `tickMs` (null: no ticking).
 * One interval per mounted caller, cleared on unmount or when `tickMs` changes.
 *
 * @example const now = useServerNow(thread.serverOffsetMs, 1000, clock);
 */
export function useServerNow(serverOffsetMs: number, tickMs: number | null, clock: Clock = systemClock): number {
  const [, setTicks] = useState(0);
  useEffect(() => {
    if (tickMs === null) return undefined;
    const interval = setInterval(() => setTicks((ticks) => ticks + 1), tickMs);
    return () => clearInterval(interval);
  }, [tickMs]);
  return clock() + serverOffsetMs;
}
