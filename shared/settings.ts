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

/** What settings.get returns: the AI key replaced by whether one is set. */
export type PublicTenantSettings = Omit<TenantSettings, 'ai'> & { ai: Omit<AiSettings, 'apiKey'> & { hasApiKey: boolean } };

export function publicSettings(settings: TenantSettings): PublicTenantSettings {
  const { apiKey, ...ai } = settings.ai;
  return { ...settings, ai: { ...ai, hasApiKey: apiKey !== null } };
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
