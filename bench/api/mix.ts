// Which conversation and procedure each open-loop arrival works on: takeover → get → release per
// conversation, in order and spaced apart, while the arrivals themselves stay a Poisson process.
//
// Arrivals come in blocks of 3·W: W takeovers of W conversations, then W gets of the same
// conversations in the same order, then W releases. A conversation's next operation is thus W
// arrivals (≈ W / rate seconds) after its previous one, and W is chosen so that is
// OPERATION_SPACING_S: an agent does not release 2 ms after taking over, and the three calls never
// race each other for the conversation's row lock unless the server is already seconds behind.

export const OPERATIONS = ['takeOver', 'get', 'release'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Mean time between a conversation's takeover, get and release. */
export const OPERATION_SPACING_S = 0.2;

export interface Arrival {
  /** Index into the conversation pool. */
  conversation: number;
  operation: Operation;
}

/** W: conversations in flight at once; at most the pool, so a block never names one twice. */
export function blockWidth(rate: number, poolSize: number): number {
  return Math.max(1, Math.min(poolSize, Math.round(rate * OPERATION_SPACING_S)));
}

/**
 * The arrival → operation map for one run at `rate`; `firstConversation` lets consecutive runs
 * (--find-max steps) go on through the pool instead of starting over.
 * @example const arrivalAt = createMix(500, 100); arrivalAt(0) // { conversation: 0, operation: 'takeOver' }
 */
export function createMix(poolSize: number, rate: number, firstConversation = 0): (index: number) => Arrival {
  const width = blockWidth(rate, poolSize);
  return (index) => {
    const block = Math.floor(index / (3 * width));
    const within = index % (3 * width);
    return {
      conversation: (firstConversation + block * width + (within % width)) % poolSize,
      operation: OPERATIONS[Math.floor(within / width)]!,
    };
  };
}
