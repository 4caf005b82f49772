// Progress lines of the overlay bench: stderr, so stdout's last line stays the JSON result.

/** Writes `[bench:overlay] message` to stderr. */
export const log = (message: string): void => void process.stderr.write(`[bench:overlay] ${message}\n`);
