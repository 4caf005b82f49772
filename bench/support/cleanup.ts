// What a bench run must undo whatever happens (child processes, its fresh database): done once, last
// registered first, at the end of main or on Ctrl-C / SIGTERM.
const steps: { name: string; undo: () => Promise<unknown> }[] = [];

export function onCleanup(name: string, undo: () => Promise<unknown>): void {
  steps.unshift({ name, undo });
}

export async function cleanUp(): Promise<void> {
  for (let step = steps.shift(); step; step = steps.shift()) {
    const { name, undo } = step;
    await undo().catch((error: unknown) => process.stderr.write(`cleanup "${name}" failed: ${error instanceof Error ? error.message : String(error)}\n`));
  }
}

/** Ctrl-C or SIGTERM: undo everything, then exit with the signal's code. */
export function cleanUpOnSignals(): void {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      process.stderr.write(`${signal}: cleaning up\n`);
      void cleanUp().finally(() => process.exit(code));
    });
  }
}
