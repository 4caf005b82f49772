// Tenant settings: their shape and defaults (SPEC §2–§5). The backend validates every update.
import { z } from 'zod';

export const ZReplyCadence = z.object({
  enabled: z.boolean(),
  minDelaySeconds: z.number().int().min(0).max(3600),
  maxDelaySeconds: z.number().int().min(0).max(3600),
});

/** The stored settings document; absent keys take the defaults below. */
export const ZTenantSettings = z.object({
  timeZone: z.string().default('America/Chicago'),
  hipaaMode: z.boolean().default(false),
  replyCadence: ZReplyCadence.default({ enabled: false, minDelaySeconds: 30, maxDelaySeconds: 120 }),
  afterHoursReleaseMinutes: z.number().int().min(1).max(24 * 60).default(60),
  releaseWarningMinutes: z.number().int().min(0).max(240).default(15),
  autoTakeoverOnEmail: z.boolean().default(false),
  slaResponseMinutes: z.number().int().min(1).max(7 * 24 * 60).default(30),
  reEscalationCoalesceSeconds: z.number().int().min(0).max(24 * 3600).default(60),
});
export type TenantSettings = z.infer<typeof ZTenantSettings>;

export const DEFAULT_TENANT_SETTINGS: TenantSettings = ZTenantSettings.parse({});
