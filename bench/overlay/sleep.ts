// A promise that resolves after a delay (the overlay bench waits on pages and slices).

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
