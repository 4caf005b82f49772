// Debian's Chromium as the e2e tests and bench:overlay launch it (reference/toolchain.md).

/**
 * Flags for a browser that must reach nothing but 127.0.0.1: without the background-networking
 * ones Chromium tries hosts it cannot reach.
 */
export const LOCAL_ONLY_CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
