// Field errors keyed by dotted path (`replyCadence.minDelaySeconds`, `rules.0.condition.pattern`), the
// way the API's error formatter names them, from the form's own zod check or from the server.
import type { ActionResult } from '../messaging';

/** One message per field path. */
export type FieldErrors = Record<string, string>;

/** zod issues (or any `{ path, message }`) by dotted path, the first message per path; `prefix` goes in front. */
export function issuesByPath(issues: readonly { path: readonly PropertyKey[]; message: string }[], prefix = ''): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    errors[path] ??= issue.message;
  }
  return errors;
}

/** Copies the entries of `extra` whose path `into` has no message for yet. */
export function addMissing(into: FieldErrors, extra: FieldErrors): void {
  for (const [path, message] of Object.entries(extra)) into[path] ??= message;
}

/**
 * The field errors a failed request carries (`fieldErrors`, or the single `field`), each without the
 * `path: ` the server puts in front for API callers (the form shows it next to the field).
 */
export function serverFieldErrors(failure: Extract<ActionResult<unknown>, { ok: false }>): FieldErrors {
  const raw = failure.fieldErrors ?? (failure.field ? { [failure.field]: failure.message } : {});
  return Object.fromEntries(Object.entries(raw).map(([path, message]) => [path, message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message]));
}

/** The messages for `path` itself and for anything under it (`businessHours.weekly.mon.0` and `….0.close`). */
export function errorsAt(errors: FieldErrors, path: string): string[] {
  return Object.entries(errors)
    .filter(([key]) => key === path || key.startsWith(`${path}.`))
    .map(([, message]) => message);
}

/** The API's field names in messages, as the form labels them. */
const FIELD_LABELS: [RegExp, string][] = [
  [/\bminDelaySeconds\b/g, 'Minimum delay'],
  [/\bmaxDelaySeconds\b/g, 'maximum delay'],
  [/\bafterHoursReleaseMinutes\b/g, 'After-hours release'],
  [/\breleaseWarningMinutes\b/g, 'Warning period'],
  [/\bslaResponseMinutes\b/g, 'SLA response time'],
  [/\breEscalationCoalesceSeconds\b/g, 'Re-escalation window'],
  [/\bescalationTeamId\b/g, 'Escalation team'],
];

/**
 * A message as the form shows it: API field names become the labels next to the field, and the
 * first letter is a capital.
 * @example readable('minDelaySeconds must be at most maxDelaySeconds (30)') // 'Minimum delay must be at most maximum delay (30)'
 */
export function readable(message: string): string {
  const text = FIELD_LABELS.reduce((current, [name, label]) => current.replace(name, label), message);
  return text.charAt(0).toUpperCase() + text.slice(1);
}
