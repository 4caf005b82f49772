// The settings form's check: the API's bounds and messages before saving, and a patch of only what changed.
import { describe, expect, it } from 'vitest';
import { DEFAULT_TENANT_SETTINGS, publicSettings, type PublicTenantSettings } from '../../shared/settings';
import { checkDraft, draftFrom, validBusinessHours, type SettingsDraft } from './settings-draft';

const stored: PublicTenantSettings = publicSettings(DEFAULT_TENANT_SETTINGS);
const edit = (change: (draft: SettingsDraft) => void, from: PublicTenantSettings = stored) => {
  const draft = draftFrom(from);
  change(draft);
  return checkDraft(draft, from);
};

describe('checkDraft', () => {
  it('an untouched draft changes nothing', () => {
    expect(checkDraft(draftFrom(stored), stored)).toEqual({ ok: true, patch: {}, changed: false });
  });

  it('sends only the sections that changed, with numbers', () => {
    const result = edit((draft) => {
      draft.replyCadence = { enabled: true, minDelaySeconds: ' 20 ', maxDelaySeconds: '40' };
      draft.hipaaMode = true;
    });
    expect(result).toEqual({ ok: true, changed: true, patch: { replyCadence: { enabled: true, minDelaySeconds: 20, maxDelaySeconds: 40 }, hipaaMode: true } });
  });

  it.each([
    ['min > max', { minDelaySeconds: '90', maxDelaySeconds: '30' }, 'replyCadence.minDelaySeconds', 'minDelaySeconds must be at most maxDelaySeconds (30)'],
    ['above 3600', { minDelaySeconds: '0', maxDelaySeconds: '3601' }, 'replyCadence.maxDelaySeconds', 'maxDelaySeconds must be at most 3600'],
    ['not whole', { minDelaySeconds: '1.5', maxDelaySeconds: '30' }, 'replyCadence.minDelaySeconds', 'minDelaySeconds must be a whole number of seconds'],
    ['not a number', { minDelaySeconds: 'ten', maxDelaySeconds: '30' }, 'replyCadence.minDelaySeconds', 'minDelaySeconds must be a whole number of seconds'],
    ['blank', { minDelaySeconds: '', maxDelaySeconds: '30' }, 'replyCadence.minDelaySeconds', 'minDelaySeconds is required'],
  ])('cadence %s is an inline error on its field', (_name, values, path, message) => {
    const result = edit((draft) => void (draft.replyCadence = { enabled: true, ...values }));
    expect(result).toEqual({ ok: false, fieldErrors: { [path]: message } });
  });

  it('names the overlapping window and a bad closure by path', () => {
    const result = edit((draft) => {
      draft.businessHours.weekly.mon = [{ open: '09:00', close: '12:00' }, { open: '11:00', close: '17:00' }];
      draft.businessHours.closures = ['2026-02-30'];
    });
    expect(result).toMatchObject({ ok: false, fieldErrors: { 'businessHours.weekly.mon.1': 'Mon 11:00–17:00 overlaps Mon 09:00–12:00', 'businessHours.closures.0': 'Closure must be a calendar date, YYYY-MM-DD' } });
  });

  it('accepts split shifts and a window ending at 24:00, and previews them', () => {
    const result = edit((draft) => void (draft.businessHours.weekly.sat = [{ open: '08:00', close: '12:00' }, { open: '13:00', close: '24:00' }]));
    expect(result).toMatchObject({ ok: true, patch: { businessHours: { weekly: { sat: [{ open: '08:00', close: '12:00' }, { open: '13:00', close: '24:00' }] } } } });
    const draft = draftFrom(stored);
    draft.businessHours.timeZone = 'Mars/Olympus';
    expect(validBusinessHours(draft)).toBeNull();
  });

  it('rejects a guardrail pattern that is not a valid regular expression', () => {
    const result = edit((draft) => void (draft.blockedPatterns = ['refund', '(unclosed']));
    expect(result).toMatchObject({ ok: false, fieldErrors: { 'guardrails.blockedPatterns.1': expect.stringContaining('not a valid regular expression') } });
  });

  it('an OpenAI-compatible provider needs a URL and a model', () => {
    expect(edit((draft) => void (draft.ai.provider = 'openai_compatible'))).toEqual({
      ok: false,
      fieldErrors: { 'ai.url': 'url is required for an OpenAI-compatible endpoint', 'ai.model': 'model is required for an OpenAI-compatible endpoint' },
    });
  });

  it('the AI key is write-only: kept unless replaced or removed', () => {
    const withKey: PublicTenantSettings = { ...stored, ai: { provider: 'openai_compatible', url: 'https://api.example.com/v1', model: 'gpt-x', hasApiKey: true } };
    expect(edit((draft) => void (draft.ai.model = 'gpt-y'), withKey)).toEqual({ ok: true, changed: true, patch: { ai: { provider: 'openai_compatible', url: 'https://api.example.com/v1', model: 'gpt-y' } } });
    expect(edit((draft) => void Object.assign(draft.ai, { keyAction: 'replace', newKey: 'sk-new' }), withKey)).toMatchObject({ ok: true, patch: { ai: { apiKey: 'sk-new' } } });
    expect(edit((draft) => void (draft.ai.keyAction = 'remove'), withKey)).toMatchObject({ ok: true, patch: { ai: { apiKey: null } } });
    expect(edit((draft) => void (draft.ai.keyAction = 'replace'), withKey)).toEqual({ ok: false, fieldErrors: { 'ai.apiKey': 'Paste the new key, or keep the current one' } });
  });

  it('the escalation team: blank means the first team (null)', () => {
    const team = '3f0c7a2e-5b8d-4c1e-9a6f-2d4b8e1c7a90';
    expect(edit((draft) => void (draft.escalationTeamId = team))).toEqual({ ok: true, changed: true, patch: { escalationTeamId: team } });
    expect(edit((draft) => void (draft.escalationTeamId = ''), { ...stored, escalationTeamId: team })).toEqual({ ok: true, changed: true, patch: { escalationTeamId: null } });
  });

  it.each([
    ['afterHoursReleaseMinutes', '0', 'afterHoursReleaseMinutes must be at least 1'],
    ['releaseWarningMinutes', '241', 'releaseWarningMinutes must be at most 240'],
    ['slaResponseMinutes', '', 'slaResponseMinutes is required'],
    ['reEscalationCoalesceSeconds', '-1', 'reEscalationCoalesceSeconds must be at least 0'],
  ] as const)('%s = "%s" → %s', (field, value, message) => {
    expect(edit((draft) => void (draft[field] = value))).toEqual({ ok: false, fieldErrors: { [field]: message } });
  });
});
