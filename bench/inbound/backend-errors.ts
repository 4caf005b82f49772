// The backends' own error log lines (pino JSON on their stdout, level ≥ 50) written during a step:
// a 500 answer or a failing job says why there.
export type OutputReader = () => string;

/** Marks where each backend's output stands now; the returned function reads the error lines written since. */
export function errorLinesSince(outputs: OutputReader[]): () => string[] {
  const marks = outputs.map((output) => output().length);
  return () =>
    outputs.flatMap((output, index) =>
      output()
        .slice(marks[index])
        .split('\n')
        .filter((line) => {
          try {
            return (JSON.parse(line) as { level?: number }).level! >= 50;
          } catch {
            return false;
          }
        }),
    );
}
