// The tenant-settings form's state: what the admin typed (numbers as text), checked with the API's
// own zod schemas, and turned into the patch of the sections that changed.
import { ZBusinessHours, WEEKDAYS, type BusinessHours, type BusinessWindow, type Weekday } from '../../shared/business-hours';
import { ZAiSettings, ZSettingsUpdate, type PublicTenantSettings, type SettingsUpdate } from '../../shared/settings';
import { addMissing, issuesByPath, type FieldErrors } from './field-errors';

/** What happens to the stored AI key on save: it is write-only, so the form never holds it. */
export type AiKeyAction = 'keep' | 'replace' | 'remove';

/** The form's values; number fields stay text until validated, so a typo is shown, not lost. */
export interface SettingsDraft {
  replyCadence: { enabled: boolean; minDelaySeconds: string; maxDelaySeconds: string };
  businessHours: { timeZone: string; weekly: Record<Weekday, BusinessWindow[]>; closures: string[] };
  afterHoursReleaseMinutes: string;
  releaseWarningMinutes: string;
  autoTakeoverOnEmail: boolean;
  hipaaMode: boolean;
  slaResponseMinutes: string;
  reEscalationCoalesceSeconds: string;
  /** '' means "the tenant's first team" (null in the API). */
  escalationTeamId: string;
  blockedPatterns: string[];
  ai: { provider: 'built_in' | 'openai_compatible'; url: string; model: string; hasApiKey: boolean; keyAction: AiKeyAction; newKey: string };
}

/** The form's starting point for stored settings. */
export function draftFrom(settings: PublicTenantSettings): SettingsDraft {
  const weekly = Object.fromEntries(WEEKDAYS.map((day) => [day, settings.businessHours.weekly[day].map((window) => ({ ...window }))])) as Record<Weekday, BusinessWindow[]>;
  return {
    replyCadence: {
      enabled: settings.replyCadence.enabled,
      minDelaySeconds: String(settings.replyCadence.minDelaySeconds),
      maxDelaySeconds: String(settings.replyCadence.maxDelaySeconds),
    },
    businessHours: { timeZone: settings.businessHours.timeZone, weekly, closures: [...settings.businessHours.closures] },
    afterHoursReleaseMinutes: String(settings.afterHoursReleaseMinutes),
    releaseWarningMinutes: String(settings.releaseWarningMinutes),
    autoTakeoverOnEmail: settings.autoTakeoverOnEmail,
    hipaaMode: settings.hipaaMode,
    slaResponseMinutes: String(settings.slaResponseMinutes),
    reEscalationCoalesceSeconds: String(settings.reEscalationCoalesceSeconds),
    escalationTeamId: settings.escalationTeamId ?? '',
    blockedPatterns: [...settings.guardrails.blockedPatterns],
    ai: { provider: settings.ai.provider, url: settings.ai.url ?? '', model: settings.ai.model ?? '', hasApiKey: settings.ai.hasApiKey, keyAction: 'keep', newKey: '' },
  };
}

/** Text → number for zod: blank is "missing" (zod says it is required), anything else is `Number()` (NaN and 1.5 fail as not whole). */
function numberOrMissing(text: string): number | undefined {
  return text.trim() === '' ? undefined : Number(text.trim());
}

const blankToNull = (text: string) => (text.trim() === '' ? null : text.trim());

/** Every section of the draft as the API takes it (not yet validated). */
function candidateOf(draft: SettingsDraft) {
  return {
    replyCadence: {
      enabled: draft.replyCadence.enabled,
      minDelaySeconds: numberOrMissing(draft.replyCadence.minDelaySeconds),
      maxDelaySeconds: numberOrMissing(draft.replyCadence.maxDelaySeconds),
    },
    businessHours: draft.businessHours,
    afterHoursReleaseMinutes: numberOrMissing(draft.afterHoursReleaseMinutes),
    releaseWarningMinutes: numberOrMissing(draft.releaseWarningMinutes),
    autoTakeoverOnEmail: draft.autoTakeoverOnEmail,
    hipaaMode: draft.hipaaMode,
    slaResponseMinutes: numberOrMissing(draft.slaResponseMinutes),
    reEscalationCoalesceSeconds: numberOrMissing(draft.reEscalationCoalesceSeconds),
    escalationTeamId: blankToNull(draft.escalationTeamId),
    guardrails: { blockedPatterns: draft.blockedPatterns },
    ai: { provider: draft.ai.provider, url: blankToNull(draft.ai.url), model: blankToNull(draft.ai.model) },
  };
}

/** What the API stores for the AI section, to tell whether it changed. */
const storedAi = (settings: PublicTenantSettings) => ({ provider: settings.ai.provider, url: settings.ai.url, model: settings.ai.model });
const storedSections = (settings: PublicTenantSettings) => ({
  replyCadence: settings.replyCadence,
  businessHours: settings.businessHours,
  afterHoursReleaseMinutes: settings.afterHoursReleaseMinutes,
  releaseWarningMinutes: settings.releaseWarningMinutes,
  autoTakeoverOnEmail: settings.autoTakeoverOnEmail,
  hipaaMode: settings.hipaaMode,
  slaResponseMinutes: settings.slaResponseMinutes,
  reEscalationCoalesceSeconds: settings.reEscalationCoalesceSeconds,
  escalationTeamId: settings.escalationTeamId,
  guardrails: settings.guardrails,
  ai: storedAi(settings),
});

const TOP_LEVEL_NUMBERS = ['afterHoursReleaseMinutes', 'releaseWarningMinutes', 'slaResponseMinutes', 'reEscalationCoalesceSeconds'] as const;

/** The outcome of checking a draft: the patch of changed sections, or the errors by field path. */
export type DraftCheck = { ok: true; patch: SettingsUpdate; changed: boolean } | { ok: false; fieldErrors: FieldErrors };

/**
 * Validates the draft with the API's schemas (same bounds, same messages, keyed like the server's
 * field errors: `replyCadence.minDelaySeconds`, `businessHours.weekly.mon.1`) and builds the patch
 * of the sections that differ from `stored`. The AI key is sent only when replaced or removed.
 *
 * @example checkDraft({ ...draft, replyCadence: { enabled: true, minDelaySeconds: '90', maxDelaySeconds: '30' } }, stored)
 * // → { ok: false, fieldErrors: { 'replyCadence.minDelaySeconds': 'minDelaySeconds must be at most maxDelaySeconds (30)' } }
 */
export function checkDraft(draft: SettingsDraft, stored: PublicTenantSettings): DraftCheck {
  const candidate = candidateOf(draft);
  const fieldErrors: FieldErrors = {};
  const parsed = ZSettingsUpdate.safeParse(candidate);
  if (!parsed.success) Object.assign(fieldErrors, issuesByPath(parsed.error.issues));
  // The update schema leaves "url and model are required for an OpenAI-compatible endpoint" to the server's whole-document check.
  // The update schema takes a missing field as "unchanged"; in the form a blank number is a mistake.
  for (const field of TOP_LEVEL_NUMBERS) if (draft[field].trim() === '') fieldErrors[field] ??= `${field} is required`;
  const ai = ZAiSettings.safeParse({ ...candidate.ai, apiKey: null });
  if (!ai.success) addMissing(fieldErrors, issuesByPath(ai.error.issues, 'ai'));
  if (draft.ai.keyAction === 'replace' && draft.ai.provider === 'openai_compatible' && draft.ai.newKey.trim() === '') {
    fieldErrors['ai.apiKey'] = 'Paste the new key, or keep the current one';
  }
  if (!parsed.success || Object.keys(fieldErrors).length > 0) return { ok: false, fieldErrors };

  const patch: SettingsUpdate = {};
  const before = storedSections(stored) as Record<string, unknown>;
  for (const [key, value] of Object.entries(parsed.data) as [keyof SettingsUpdate, unknown][]) {
    if (key === 'ai' || value === undefined) continue;
    if (JSON.stringify(comparable(key, value)) !== JSON.stringify(comparable(key, before[key]))) (patch as Record<string, unknown>)[key] = value;
  }
  const aiChanged = JSON.stringify(candidate.ai) !== JSON.stringify(storedAi(stored));
  const keyChange = draft.ai.provider === 'openai_compatible' ? draft.ai.keyAction : 'keep';
  if (aiChanged || keyChange !== 'keep') {
    patch.ai = {
      ...candidate.ai,
      ...(keyChange === 'replace' && draft.ai.newKey.trim() !== '' ? { apiKey: draft.ai.newKey.trim() } : {}),
      ...(keyChange === 'remove' ? { apiKey: null } : {}),
    };
  }
  return { ok: true, patch, changed: Object.keys(patch).length > 0 };
}

/** Business hours compare after defaults are filled in (a stored document may lack empty days). */
function comparable(key: string, value: unknown): unknown {
  if (key !== 'businessHours') return value;
  const parsed = ZBusinessHours.safeParse(value);
  return parsed.success ? parsed.data : value;
}

/** The draft's business hours when they are valid (for the live preview), else null. */
export function validBusinessHours(draft: SettingsDraft): BusinessHours | null {
  const parsed = ZBusinessHours.safeParse(draft.businessHours);
  return parsed.success ? parsed.data : null;
}

/** The draft's after-hours release minutes when valid, else null. */
export function validAfterHoursMinutes(draft: SettingsDraft): number | null {
  const parsed = ZSettingsUpdate.shape.afterHoursReleaseMinutes.safeParse(numberOrMissing(draft.afterHoursReleaseMinutes));
  return parsed.success && parsed.data !== undefined ? parsed.data : null;
}
