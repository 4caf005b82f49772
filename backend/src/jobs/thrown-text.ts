// Any thrown value as one line of text for people and the `fail_reason` column: Agenda's fork mode
// throws plain objects, and a circular one or a BigInt is more than JSON can describe.

/** `error.message` for an Error, else the value as JSON, else `String(value)`; at most `max` characters. */
export function describeThrown(error: unknown, max = 500): string {
  if (error instanceof Error) return error.message.slice(0, max);
  if (typeof error === 'string') return error.slice(0, max);
  try {
    return (JSON.stringify(error) ?? String(error)).slice(0, max);
  } catch {
    return String(error).slice(0, max); // circular or BigInt: JSON cannot describe it
  }
}
