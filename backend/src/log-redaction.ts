// Censors credentials in whatever is logged, at any depth (issue 14 item 5): the logger's `formatters.log`.
import pino from 'pino';

/**
 * Field names that hold a credential wherever they appear: HTTP headers, API keys, the tenant webhook
 * secret and its rotation's, connector secrets (shared/settings.ts), nodemailer's `auth.pass`, tokens.
 */
export const CREDENTIAL_FIELDS: ReadonlySet<string> = new Set([
  'authorization', 'Authorization', 'cookie', 'apiKey', 'extensionApiKey', 'key',
  'secret', 'webhookSecret', 'previousWebhookSecret', 'nextSecret',
  'password', 'pass', 'token', 'authToken', 'devToken',
]);

export const CENSORED = '[redacted]';
/** Deeper than any object Baton logs; bounds the walk of something self-referencing or huge. */
const MAX_DEPTH = 8;

/**
 * The object with every credential field's value replaced by `[redacted]`; the same object when it
 * holds none (no copy on the hot path). Errors are walked through their serialised form.
 * @example redactCredentials({ smtp: { host: 'mail', password: 'hunter2' } }) // { smtp: { host: 'mail', password: '[redacted]' } }
 */
export function redactCredentials<T extends object>(logged: T): T {
  return redactValue(logged, 0, new WeakSet()) as T;
}

function redactValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH || seen.has(value)) return value;
  seen.add(value);
  if (value instanceof Error) {
    // The serialised form (own fields: type, message, stack and the error's own properties) is what pino writes.
    const serialised = pino.stdSerializers.err(value) as unknown as Record<string, unknown>;
    const redacted = redactFields(serialised, depth, seen);
    // Keeps the error's prototype so pino serialises the copy as that error (its type, message, stack).
    return redacted === serialised ? value : Object.assign(Object.create(Object.getPrototypeOf(value) as object) as object, redacted);
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    value.forEach((item, index) => {
      const redacted = redactValue(item, depth + 1, seen);
      if (redacted !== item) (copy ??= [...value])[index] = redacted;
    });
    return copy ?? value;
  }
  // Only plain objects: a Buffer, Date or Map holds no named credential field and is costly to walk.
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  return redactFields(value as Record<string, unknown>, depth, seen);
}

function redactFields(object: Record<string, unknown>, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  let copy: Record<string, unknown> | null = null;
  for (const [field, item] of Object.entries(object)) {
    const redacted = CREDENTIAL_FIELDS.has(field) && item !== null && item !== undefined ? CENSORED : redactValue(item, depth + 1, seen);
    if (redacted !== item) (copy ??= { ...object })[field] = redacted;
  }
  return copy ?? object;
}
