// Tenant settings: their shape and defaults (SPEC §2–§5). The backend validates every update.
import { z } from 'zod';
import { DEFAULT_BUSINESS_HOURS, ZBusinessHours } from './business-hours.js';
import { DEFAULT_REPLY_CADENCE, ZReplyCadence } from './reply-cadence.js';

const wholeNumber = (field: string, min: number, max: number) =>
  z
    .number({ error: `${field} must be a whole number` })
    .int({ error: `${field} must be a whole number` })
    .min(min, { error: `${field} must be at least ${min}` })
    .max(max, { error: `${field} must be at most ${max}` });

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
});
export type SettingsUpdate = z.infer<typeof ZSettingsUpdate>;

export const DEFAULT_TENANT_SETTINGS: TenantSettings = ZTenantSettings.parse({});
