// Tenant settings: their shape and defaults (SPEC §2–§5). The backend validates every update.
import { z } from 'zod';
import { DEFAULT_BUSINESS_HOURS, ZBusinessHours } from './business-hours.js';
import { DEFAULT_REPLY_CADENCE, ZReplyCadence } from './reply-cadence.js';
import { ZHelpdeskAdapters } from './helpdesk-adapters.js';
import { ZGuardrails } from './routing-rules.js';

const wholeNumber = (field: string, min: number, max: number) =>
  z
    .number({ error: `${field} must be a whole number` })
    .int({ error: `${field} must be a whole number` })
    .min(min, { error: `${field} must be at least ${min}` })
    .max(max, { error: `${field} must be at most ${max}` });

const ZAiProvider = z.enum(['built_in', 'openai_compatible'], { error: 'provider must be "built_in" or "openai_compatible"' });
const ZAiUrl = z.url({ protocol: /^https?$/, error: 'url must be an http(s) URL, e.g. https://api.openai.com/v1' }).max(500).nullable();
const ZAiModel = z.string().trim().min(1, { error: 'model is required' }).max(100).nullable();
const ZAiKey = z.string().min(1, { error: 'apiKey must not be empty (send null to remove it)' }).max(500).nullable();

/** AI drafting (SPEC §7): the built-in responder, or an OpenAI-compatible chat-completions endpoint. */
export const ZAiSettings = z
  .object({
    provider: ZAiProvider.default('built_in'),
    url: ZAiUrl.default(null),
    model: ZAiModel.default(null),
    /** Stored server-side; never returned (settings.get says only whether one is set). */
    apiKey: ZAiKey.default(null),
  })
  .superRefine((ai, ctx) => {
    if (ai.provider !== 'openai_compatible') return;
    if (!ai.url) ctx.addIssue({ code: 'custom', path: ['url'], message: 'url is required for an OpenAI-compatible endpoint' });
    if (!ai.model) ctx.addIssue({ code: 'custom', path: ['model'], message: 'model is required for an OpenAI-compatible endpoint' });
  });
export type AiSettings = z.infer<typeof ZAiSettings>;

// ── Connectors (issue 12 item 4): configured per tenant; secrets are write-only like `ai.apiKey`. ──

const ZHttpUrl = (field: string, example: string) =>
  z.url({ protocol: /^https?$/, error: `${field} must be an http(s) URL, e.g. ${example}` }).max(500, { error: `${field} must be at most 500 characters` });
const ZRequiredText = (field: string, max: number) =>
  z.string({ error: `${field} is required` }).trim().min(1, { error: `${field} is required` }).max(max, { error: `${field} must be at most ${max} characters` });
const ZSecret = (field: string) =>
  z.string({ error: `${field} is required` }).min(1, { error: `${field} must not be empty` }).max(500, { error: `${field} must be at most 500 characters` });

/** Bytes a base64 text decodes to (the extension has no Buffer). */
const base64Bytes = (encoded: string) => Math.floor((encoded.length * 3) / 4) - (encoded.endsWith('==') ? 2 : encoded.endsWith('=') ? 1 : 0);

/** A Standard Webhooks `whsec_<base64>` secret of 24 to 64 bytes (the backend's standard-webhooks.ts signs with it). */
const ZWebhookSecret = ZSecret('secret').refine(
  (secret) => /^whsec_[A-Za-z0-9+/]+={0,2}$/.test(secret) && base64Bytes(secret.slice('whsec_'.length)) >= 24 && base64Bytes(secret.slice('whsec_'.length)) <= 64,
  { error: 'secret must be whsec_ followed by a key of 24 to 64 bytes in base64' },
);

/** Request Tracker 5 over REST2 (`connector: "rt"`): Baton's own RT user, the queue it serves, how often it polls. */
const rtFields = {
  /** RT's base URL including its web path, e.g. `https://rt.example.com/rt` (REST2 is below it). */
  url: ZHttpUrl('url', 'https://rt.example.com/rt'),
  username: ZRequiredText('username', 200),
  /** Secret: stored server-side, never returned. */
  password: ZSecret('password'),
  queue: ZRequiredText('queue', 200),
  pollIntervalMs: wholeNumber('pollIntervalMs', 500, 600_000),
};
export const ZRtSettings = z.object({ ...rtFields, queue: rtFields.queue.default('General'), pollIntervalMs: rtFields.pollIntervalMs.default(2000) });
export type RtSettings = z.infer<typeof ZRtSettings>;

/** Twilio-compatible SMS over REST. */
const twilioFields = {
  baseUrl: ZHttpUrl('baseUrl', 'https://api.twilio.com'),
  accountSid: ZRequiredText('accountSid', 64),
  /** Secret. */
  authToken: ZSecret('authToken'),
  /** An E.164 number, or a Messaging Service SID (`MG` and 32 hex digits) that picks one. */
  fromNumber: z
    .string({ error: 'fromNumber is required' })
    .trim()
    .regex(/^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$/, { error: 'fromNumber must be an E.164 number (e.g. +15550100) or a Messaging Service SID (MG…)' }),
};
export const ZTwilioSettings = z.object({ ...twilioFields, baseUrl: twilioFields.baseUrl.default('https://api.twilio.com') });
export type TwilioSettings = z.infer<typeof ZTwilioSettings>;

/** SMTP email (nodemailer). `username`/`password` null: no authentication. */
const smtpFields = {
  host: ZRequiredText('host', 253),
  port: wholeNumber('port', 1, 65_535),
  secure: z.boolean({ error: 'secure must be true or false' }),
  username: z.string().trim().min(1, { error: 'username must not be empty (send null for none)' }).max(200).nullable(),
  /** Secret. */
  password: z.string().min(1, { error: 'password must not be empty (send null for none)' }).max(500).nullable(),
  /** `support@example.com` or `Support <support@example.com>`. */
  from: ZRequiredText('from', 320).regex(/^(?:[^<>]*<\s*)?[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+\s*>?$/, { error: 'from must be an email address, e.g. Support <support@example.com>' }),
};
export const ZSmtpSettings = z.object({ ...smtpFields, secure: smtpFields.secure.default(false), username: smtpFields.username.default(null), password: smtpFields.password.default(null) });
export type SmtpSettings = z.infer<typeof ZSmtpSettings>;

/** A signed outbound webhook (Standard Webhooks headers). */
const webhookFields = {
  url: ZHttpUrl('url', 'https://helpdesk.example/baton/outbound'),
  /** Secret. */
  secret: ZWebhookSecret,
  timeoutMs: wholeNumber('timeoutMs', 100, 30_000),
};
export const ZWebhookConnectorSettings = z.object({ ...webhookFields, timeoutMs: webhookFields.timeoutMs.default(10_000) });
export type WebhookConnectorSettings = z.infer<typeof ZWebhookConnectorSettings>;

/** The tenant's connectors; null: not configured (outbound falls back to the process default, SPEC §7). */
export const ZConnectorSettings = z.object({
  rt: ZRtSettings.nullable().default(null),
  twilio: ZTwilioSettings.nullable().default(null),
  smtp: ZSmtpSettings.nullable().default(null),
  webhook: ZWebhookConnectorSettings.nullable().default(null),
});
export type ConnectorSettings = z.infer<typeof ZConnectorSettings>;
export const CONNECTOR_KINDS = ['rt', 'twilio', 'smtp', 'webhook'] as const;
export type ConnectorKind = (typeof CONNECTOR_KINDS)[number];
const NO_CONNECTORS: ConnectorSettings = { rt: null, twilio: null, smtp: null, webhook: null };

/**
 * A connector's patch: the given fields replace the stored ones; a secret left out keeps the stored
 * one. `null` for the whole connector removes it. Validated whole after merging (settings.service),
 * so a new connector missing a field is refused naming it. No defaults here: a patch never resets a field.
 */
export const ZConnectorSettingsPatch = z.object({
  rt: z.object(rtFields).partial().nullable().optional(),
  twilio: z.object(twilioFields).partial().nullable().optional(),
  smtp: z.object(smtpFields).partial().nullable().optional(),
  webhook: z.object(webhookFields).partial().nullable().optional(),
});
export type ConnectorSettingsPatch = z.infer<typeof ZConnectorSettingsPatch>;

/** What settings.get shows of the connectors: every field but the secrets, and whether each secret is set. */
export interface PublicConnectorSettings {
  rt: (Omit<RtSettings, 'password'> & { hasPassword: boolean }) | null;
  twilio: (Omit<TwilioSettings, 'authToken'> & { hasAuthToken: boolean }) | null;
  smtp: (Omit<SmtpSettings, 'password'> & { hasPassword: boolean }) | null;
  webhook: (Omit<WebhookConnectorSettings, 'secret'> & { hasSecret: boolean }) | null;
}

export function publicConnectorSettings(connectors: ConnectorSettings): PublicConnectorSettings {
  const { rt, twilio, smtp, webhook } = connectors;
  return {
    rt: rt && (({ password, ...rest }) => ({ ...rest, hasPassword: password !== '' }))(rt),
    twilio: twilio && (({ authToken, ...rest }) => ({ ...rest, hasAuthToken: authToken !== '' }))(twilio),
    smtp: smtp && (({ password, ...rest }) => ({ ...rest, hasPassword: password !== null }))(smtp),
    webhook: webhook && (({ secret, ...rest }) => ({ ...rest, hasSecret: secret !== '' }))(webhook),
  };
}

/** The stored settings document; absent keys take the defaults. */
export const ZTenantSettings = z.object({
  /** Weekly windows, closures and the tenant's IANA time zone (SPEC §2.4). */
  businessHours: ZBusinessHours.default(DEFAULT_BUSINESS_HOURS),
  replyCadence: ZReplyCadence.default({ ...DEFAULT_REPLY_CADENCE }),
  afterHoursReleaseMinutes: wholeNumber('afterHoursReleaseMinutes', 1, 24 * 60).default(60),
  releaseWarningMinutes: wholeNumber('releaseWarningMinutes', 0, 240).default(15),
  autoTakeoverOnEmail: z.boolean({ error: 'autoTakeoverOnEmail must be true or false' }).default(false),
  hipaaMode: z.boolean({ error: 'hipaaMode must be true or false' }).default(false),
  slaResponseMinutes: wholeNumber('slaResponseMinutes', 1, 7 * 24 * 60).default(30),
  reEscalationCoalesceSeconds: wholeNumber('reEscalationCoalesceSeconds', 0, 24 * 3600).default(60),
  /** The team SLA breaches and guardrail violations escalate to; null: the tenant's first team. */
  escalationTeamId: z.uuid({ error: 'escalationTeamId must be a team id (UUID)' }).nullable().default(null),
  /** Patterns no AI draft may match: a matching draft is not sent and escalates (SPEC §5.2). */
  guardrails: ZGuardrails.default({ blockedPatterns: [] }),
  ai: ZAiSettings.default({ provider: 'built_in', url: null, model: null, apiKey: null }),
  /** Generic helpdesk adapters (issue 10): admins describe helpdesk pages; every agent's extension receives them. */
  helpdeskAdapters: ZHelpdeskAdapters.default([]),
  /** Outbound and inbound connectors (issue 12); every one null by default. */
  connectors: ZConnectorSettings.default({ ...NO_CONNECTORS }),
});
export type TenantSettings = z.infer<typeof ZTenantSettings>;

/** A settings update: any subset of fields; each given field replaces the stored one whole. */
export const ZSettingsUpdate = z.object({
  businessHours: ZBusinessHours.optional(),
  replyCadence: ZReplyCadence.optional(),
  afterHoursReleaseMinutes: ZTenantSettings.shape.afterHoursReleaseMinutes.unwrap().optional(),
  releaseWarningMinutes: ZTenantSettings.shape.releaseWarningMinutes.unwrap().optional(),
  autoTakeoverOnEmail: z.boolean().optional(),
  hipaaMode: z.boolean().optional(),
  slaResponseMinutes: ZTenantSettings.shape.slaResponseMinutes.unwrap().optional(),
  reEscalationCoalesceSeconds: ZTenantSettings.shape.reEscalationCoalesceSeconds.unwrap().optional(),
  escalationTeamId: ZTenantSettings.shape.escalationTeamId.unwrap().optional(),
  guardrails: ZGuardrails.optional(),
  /** `apiKey` absent: keep the stored key; null: remove it. */
  ai: z.object({ provider: ZAiProvider, url: ZAiUrl.optional(), model: ZAiModel.optional(), apiKey: ZAiKey.optional() }).optional(),
  /** The whole list replaces the stored one. */
  helpdeskAdapters: ZHelpdeskAdapters.optional(),
  /** Per connector: a patch of its fields (secrets left out are kept), or null to remove it. */
  connectors: ZConnectorSettingsPatch.optional(),
});

/**
 * `settings.update`'s input: a patch plus the version it was made against (`version` from
 * settings.get). When another admin saved meanwhile the update is refused (CONFLICT) and nothing changes.
 * @example { expectedVersion: 3, replyCadence: { enabled: true, minDelaySeconds: 30, maxDelaySeconds: 120 } }
 */
export const ZSettingsUpdateInput = ZSettingsUpdate.extend({
  expectedVersion: z
    .number({ error: 'expectedVersion must be the version from settings.get (a whole number)' })
    .int({ error: 'expectedVersion must be a whole number' })
    .min(0, { error: 'expectedVersion must be at least 0' }),
});
export type SettingsUpdateInput = z.input<typeof ZSettingsUpdateInput>;

/** What settings.get returns: the AI key and the connectors' secrets replaced by whether each is set. */
export type PublicTenantSettings = Omit<TenantSettings, 'ai' | 'connectors'> & {
  ai: Omit<AiSettings, 'apiKey'> & { hasApiKey: boolean };
  connectors: PublicConnectorSettings;
};

export function publicSettings(settings: TenantSettings): PublicTenantSettings {
  const { apiKey, ...ai } = settings.ai;
  return { ...settings, ai: { ...ai, hasApiKey: apiKey !== null }, connectors: publicConnectorSettings(settings.connectors) };
}
export type SettingsUpdate = z.infer<typeof ZSettingsUpdate>;

/** What settings.get answers: the public settings, the stored version (0: never saved) and whether the caller may change them. */
export type VersionedPublicSettings = PublicTenantSettings & {
  /** Pass as `expectedVersion` to settings.update. */
  version: number;
  /** Admins and superusers (and admin API keys). */
  canEdit: boolean;
};

export const DEFAULT_TENANT_SETTINGS: TenantSettings = ZTenantSettings.parse({});

/** settings.connectorStatus: per configured connector, whether it works (polling connectors record it). */
export interface ConnectorStatus {
  connector: ConnectorKind;
  /** `ok`: the last poll reached it; `failing`: see `lastError`; `starting`: not polled yet; `configured`: nothing polls it (outbound only). */
  state: 'ok' | 'failing' | 'starting' | 'configured';
  /** Why it fails, in words (never a secret); null: it does not fail. */
  lastError: string | null;
  /** ISO-8601; null: not failing. */
  failingSince: string | null;
  /** ISO-8601 of the last poll that reached it; null: none yet. */
  lastSuccessAt: string | null;
}
