// Where a live event falls against an event stream's cursor (issue 11 item 3). Positions are given to
// committed events only, without gaps, by sequencer runs that follow each other on the tenant's
// sequence row, so when position p is published every position below p has committed: a gap means
// "read the table first", never "wait".

/** `seen`: at or below the cursor (a repeat); `next`: cursor + 1; `after-gap`: earlier positions still to read. */
export type LivePlace = 'seen' | 'next' | 'after-gap';

/**
 * `cursor`: every event of the tenant up to it has been delivered (or skipped by the stream's filter).
 * @example placeOf('8', '7') // 'next'
 */
export function placeOf(position: string, cursor: string): LivePlace {
  const value = BigInt(position);
  const last = BigInt(cursor);
  if (value <= last) return 'seen';
  return value === last + 1n ? 'next' : 'after-gap';
}

/** The higher of two positions. */
export function laterOf(a: string, b: string): string {
  return BigInt(a) >= BigInt(b) ? a : b;
}
