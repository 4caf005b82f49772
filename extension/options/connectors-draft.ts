// The connectors form's state (issue 12 item 4): stored connectors → what the admin types (numbers as
// text, secrets write-only) → the `connectors` patch settings.update takes, checked with the API's schemas.
import { z } from 'zod';
import {
  ZRtSettings,
  ZSmtpSettings,
  ZTwilioSettings,
  ZWebhookConnectorSettings,
  type ConnectorKind,
  type ConnectorSettingsPatch,
  type PublicConnectorSettings,
} from '../../shared/settings';
import { issuesByPath, type FieldErrors } from './field-errors';

/**
 * A write-only secret: the form knows only whether one is stored. `newValue` blank keeps the stored
 * one; `remove` clears it (only where the API allows none: the SMTP password).
 */
export interface SecretDraft {
  isSet: boolean;
  newValue: string;
  remove: boolean;
}

/** `enabled` false: the connector is not configured (or is removed on save). */
export interface RtDraft {
  enabled: boolean;
  url: string;
  username: string;
  password: SecretDraft;
  queue: string;
  pollIntervalMs: string;
}
export interface TwilioDraft {
  enabled: boolean;
  baseUrl: string;
  accountSid: string;
  authToken: SecretDraft;
  fromNumber: string;
}
export interface SmtpDraft {
  enabled: boolean;
  host: string;
  port: string;
  secure: boolean;
  /** '' means no authentication (null in the API). */
  username: string;
  password: SecretDraft;
  from: string;
}
export interface WebhookDraft {
  enabled: boolean;
  url: string;
  secret: SecretDraft;
  timeoutMs: string;
}

/** The form's values for every connector. */
export interface ConnectorsDraft {
  rt: RtDraft;
  twilio: TwilioDraft;
  smtp: SmtpDraft;
  webhook: WebhookDraft;
}

/** Each connector's secret field, as the API names it. */
export const SECRET_FIELD = { rt: 'password', twilio: 'authToken', smtp: 'password', webhook: 'secret' } as const satisfies Record<ConnectorKind, string>;

const secret = (isSet: boolean): SecretDraft => ({ isSet, newValue: '', remove: false });

/** The form's starting point: stored connectors as they are, unconfigured ones with the API's defaults. */
export function connectorsDraftFrom(connectors: PublicConnectorSettings): ConnectorsDraft {
  const { rt, twilio, smtp, webhook } = connectors;
  return {
    rt: {
      enabled: rt !== null,
      url: rt?.url ?? '',
      username: rt?.username ?? '',
      password: secret(rt?.hasPassword ?? false),
      queue: rt?.queue ?? 'General',
      pollIntervalMs: String(rt?.pollIntervalMs ?? 2000),
    },
    twilio: {
      enabled: twilio !== null,
      baseUrl: twilio?.baseUrl ?? 'https://api.twilio.com',
      accountSid: twilio?.accountSid ?? '',
      authToken: secret(twilio?.hasAuthToken ?? false),
      fromNumber: twilio?.fromNumber ?? '',
    },
    smtp: {
      enabled: smtp !== null,
      host: smtp?.host ?? '',
      port: String(smtp?.port ?? 587),
      secure: smtp?.secure ?? false,
      username: smtp?.username ?? '',
      password: secret(smtp?.hasPassword ?? false),
      from: smtp?.from ?? '',
    },
    webhook: {
      enabled: webhook !== null,
      url: webhook?.url ?? '',
      secret: secret(webhook?.hasSecret ?? false),
      timeoutMs: String(webhook?.timeoutMs ?? 10_000),
    },
  };
}

/** Text → number for zod: blank is "missing" (zod says it is required), anything else is `Number()`. */
const numberOrMissing = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text.trim()));

/** Each connector's non-secret fields as the API takes them (not yet validated). */
function publicFieldsOf(draft: ConnectorsDraft): Record<ConnectorKind, Record<string, unknown>> {
  const { rt, twilio, smtp, webhook } = draft;
  return {
    rt: { url: rt.url.trim(), username: rt.username, queue: rt.queue, pollIntervalMs: numberOrMissing(rt.pollIntervalMs) },
    twilio: { baseUrl: twilio.baseUrl.trim(), accountSid: twilio.accountSid, fromNumber: twilio.fromNumber },
    smtp: { host: smtp.host, port: numberOrMissing(smtp.port), secure: smtp.secure, username: smtp.username.trim() === '' ? null : smtp.username, from: smtp.from },
    webhook: { url: webhook.url.trim(), timeoutMs: numberOrMissing(webhook.timeoutMs) },
  };
}

const SCHEMA = { rt: ZRtSettings, twilio: ZTwilioSettings, smtp: ZSmtpSettings, webhook: ZWebhookConnectorSettings } as const;

/** A connector's schema without its secret (the form holds no stored secret to check). */
const publicSchema = (kind: ConnectorKind) => (SCHEMA[kind] as z.ZodObject).omit({ [SECRET_FIELD[kind]]: true } as Record<string, true>);
/** The connector's secret schema: `password is required`, `secret must be whsec_…`, … */
const secretSchema = (kind: ConnectorKind) => (SCHEMA[kind] as z.ZodObject).shape[SECRET_FIELD[kind]] as z.ZodType;

/** The connector's secret as the form holds it. */
export const secretOf = (draft: ConnectorsDraft, kind: ConnectorKind): SecretDraft =>
  ({ rt: draft.rt.password, twilio: draft.twilio.authToken, smtp: draft.smtp.password, webhook: draft.webhook.secret })[kind];

/** What happens to a connector's secret on save: absent = keep the stored one. */
function secretChange(kind: ConnectorKind, value: SecretDraft): { value: string | null } | null {
  if (value.newValue.trim() !== '') return { value: value.newValue.trim() };
  if (kind === 'smtp' && value.remove && value.isSet) return { value: null };
  return null;
}

/** The outcome of checking the draft: the `connectors` patch, or the errors by field path (`connectors.rt.url`). */
export type ConnectorsCheck = { ok: true; patch: ConnectorSettingsPatch; changed: boolean } | { ok: false; fieldErrors: FieldErrors };

/**
 * Validates every enabled connector whole with the API's own schema (same messages, keyed like the
 * server's field errors) and builds the patch: a new connector with all its fields, a stored one
 * with only the fields that changed, a switched-off one as null. A secret is sent only when typed
 * (or, for SMTP, removed): a stored secret left blank is kept.
 *
 * @example checkConnectors({ ...draft, rt: { ...draft.rt, pollIntervalMs: '5000' } }, stored)
 * // → { ok: true, changed: true, patch: { rt: { pollIntervalMs: 5000 } } }
 */
export function checkConnectors(draft: ConnectorsDraft, stored: PublicConnectorSettings): ConnectorsCheck {
  const fields = publicFieldsOf(draft);
  const fieldErrors: FieldErrors = {};
  const patch: Record<string, Record<string, unknown> | null> = {};
  for (const kind of Object.keys(SECRET_FIELD) as ConnectorKind[]) {
    const secretField = SECRET_FIELD[kind];
    const before = stored[kind] as Record<string, unknown> | null;
    if (!draft[kind].enabled) {
      if (before !== null) patch[kind] = null;
      continue;
    }
    const secretDraft = secretOf(draft, kind);
    const change = secretChange(kind, secretDraft);
    const keepsStored = change === null && secretDraft.isSet && before !== null;
    const parsed = publicSchema(kind).safeParse(fields[kind]);
    if (!parsed.success) Object.assign(fieldErrors, issuesByPath(parsed.error.issues, `connectors.${kind}`));
    // A kept secret is not in the draft, so only a typed one (or a missing required one) is checked.
    const secretCheck = keepsStored ? null : secretSchema(kind).safeParse(change ? change.value : kind === 'smtp' ? null : undefined);
    if (secretCheck && !secretCheck.success) Object.assign(fieldErrors, issuesByPath(secretCheck.error.issues, `connectors.${kind}.${secretField}`));
    if (!parsed.success || (secretCheck && !secretCheck.success)) continue;
    const valid = parsed.data as Record<string, unknown>;
    const changedFields = Object.fromEntries(
      Object.keys(fields[kind])
        .filter((field) => before === null || JSON.stringify(valid[field]) !== JSON.stringify(before[field]))
        .map((field) => [field, valid[field]]),
    );
    if (change) changedFields[secretField] = change.value;
    if (Object.keys(changedFields).length > 0) patch[kind] = changedFields;
  }
  if (Object.keys(fieldErrors).length > 0) return { ok: false, fieldErrors };
  return { ok: true, patch: patch as ConnectorSettingsPatch, changed: Object.keys(patch).length > 0 };
}
