// Options › tenant settings: cadence, business hours with the live preview, takeovers, escalations,
// privacy and the AI provider. Saves the changed sections naming the version it edits (CONFLICT → reload).
import { useState, type FormEvent } from 'react';
import { sendToBackground } from '../messaging';
import type { SettingsView } from '../protocol/options';
import { AiProviderFields } from './AiProviderFields';
import { BusinessHoursEditor } from './BusinessHoursEditor';
import { serverFieldErrors, type FieldErrors } from './field-errors';
import { Field, NumberField, Section, Toggle } from './fields';
import { GuardrailPatterns } from './GuardrailPatterns';
import { ResumePreviewLine } from './ResumePreviewLine';
import { checkDraft, draftFrom, validAfterHoursMinutes, validBusinessHours, type SettingsDraft } from './settings-draft';

type Notice = { kind: 'ok' | 'problem'; text: string } | null;

/** Paths the form shows next to a field; a server error elsewhere goes into the notice. */
const SHOWN_PREFIXES = ['replyCadence.', 'businessHours.', 'afterHoursReleaseMinutes', 'releaseWarningMinutes', 'slaResponseMinutes', 'reEscalationCoalesceSeconds', 'escalationTeamId', 'guardrails', 'ai.'];

/**
 * The tenant-settings form. Read-only (a disabled fieldset) with the reason when `view.canEdit` is
 * false. `onViewChange` hands the saved (or reloaded) settings to the page, so other sections edit
 * the same version.
 */
export function SettingsForm(props: { view: SettingsView; onViewChange(view: SettingsView): void }) {
  const { view } = props;
  const [draft, setDraft] = useState<SettingsDraft>(() => draftFrom(view.settings));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [notice, setNotice] = useState<Notice>(null);
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState<'save' | 'reload' | null>(null);
  // Counts answered saves: `data-attempt` on the notice tells a reader (and the e2e tests) which save it answers.
  const [attempt, setAttempt] = useState(0);
  const update = <K extends keyof SettingsDraft>(key: K, value: SettingsDraft[K]) => setDraft((current) => ({ ...current, [key]: value }));
  const readOnly = !view.canEdit;

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setNotice(null);
    setAttempt((current) => current + 1);
    const checked = checkDraft(draft, view.settings);
    if (!checked.ok) {
      setErrors(checked.fieldErrors);
      setNotice({ kind: 'problem', text: 'Nothing was saved: fix the fields marked below.' });
      return;
    }
    setErrors({});
    if (!checked.changed) {
      setNotice({ kind: 'ok', text: 'Nothing to save: no setting changed.' });
      return;
    }
    setBusy('save');
    try {
      const result = await sendToBackground({ type: 'settings.update', expectedVersion: view.version, patch: checked.patch });
      if (result.ok) {
        setConflict(false);
        setDraft(draftFrom(result.value.settings));
        props.onViewChange(result.value);
        setNotice({ kind: 'ok', text: 'Settings saved. Every agent’s extension uses them from now on.' });
        return;
      }
      if (result.code === 'CONFLICT') {
        setConflict(true);
        return;
      }
      const fieldErrors = serverFieldErrors(result);
      setErrors(fieldErrors);
      const unshown = Object.keys(fieldErrors).some((path) => !SHOWN_PREFIXES.some((prefix) => path.startsWith(prefix)));
      setNotice({ kind: 'problem', text: Object.keys(fieldErrors).length && !unshown ? 'Nothing was saved: the server refused the fields marked below.' : `Nothing was saved: ${result.message}` });
    } catch (error) {
      setNotice({ kind: 'problem', text: `Nothing was saved: ${error instanceof Error ? error.message : String(error)}` });
    } finally {
      setBusy(null);
    }
  }

  async function reloadTheirs() {
    setBusy('reload');
    try {
      const result = await sendToBackground({ type: 'settings.get' });
      if (!result.ok) {
        setNotice({ kind: 'problem', text: `Could not reload: ${result.message}` });
        return;
      }
      setConflict(false);
      setErrors({});
      setDraft(draftFrom(result.value.settings));
      props.onViewChange(result.value);
      setNotice({ kind: 'ok', text: 'Loaded the latest settings. Make your changes again and save.' });
    } finally {
      setBusy(null);
    }
  }

  const teamName = view.teams[0]?.name;
  return (
    <form className="settings-form" data-form="settings" data-attempt={attempt} onSubmit={save} noValidate>
      {readOnly && (
        <p className="read-only-reason" data-read-only>
          <strong>Read-only.</strong> {view.readOnlyReason}
        </p>
      )}
      <fieldset disabled={readOnly || busy !== null} data-editable={!readOnly}>
        <Section name="cadence" title="Reply cadence" intro="Hold each AI reply for a random delay so replies do not arrive instantly. Agents see the countdown and can send, edit or cancel.">
          <Toggle label="Hold AI replies before sending" name="replyCadence.enabled" checked={draft.replyCadence.enabled} onChange={(enabled) => update('replyCadence', { ...draft.replyCadence, enabled })} />
          <div className="row">
            <NumberField
              label="Minimum delay"
              name="replyCadence.minDelaySeconds"
              unit="seconds"
              value={draft.replyCadence.minDelaySeconds}
              onChange={(minDelaySeconds) => update('replyCadence', { ...draft.replyCadence, minDelaySeconds })}
              error={errors['replyCadence.minDelaySeconds']}
            />
            <NumberField
              label="Maximum delay"
              name="replyCadence.maxDelaySeconds"
              unit="seconds"
              value={draft.replyCadence.maxDelaySeconds}
              onChange={(maxDelaySeconds) => update('replyCadence', { ...draft.replyCadence, maxDelaySeconds })}
              error={errors['replyCadence.maxDelaySeconds']}
            />
          </div>
          <p className="hint">Whole seconds from 0 to 3600; the minimum may not exceed the maximum.</p>
        </Section>

        <Section name="business-hours" title="Business hours" intro="A takeover during business hours hands back to the AI when the business day ends; after hours, after the release time below.">
          <BusinessHoursEditor value={draft.businessHours} onChange={(businessHours) => update('businessHours', businessHours)} errors={errors} />
          <div className="row">
            <NumberField
              label="After-hours release"
              name="afterHoursReleaseMinutes"
              unit="minutes"
              value={draft.afterHoursReleaseMinutes}
              onChange={(value) => update('afterHoursReleaseMinutes', value)}
              error={errors.afterHoursReleaseMinutes}
              hint="A takeover outside business hours hands back to the AI after this long (1–1440)."
            />
            <NumberField
              label="Warning period"
              name="releaseWarningMinutes"
              unit="minutes"
              value={draft.releaseWarningMinutes}
              onChange={(value) => update('releaseWarningMinutes', value)}
              error={errors.releaseWarningMinutes}
              hint="The banner highlights the hand-back this long before it (0–240; 0: never)."
            />
          </div>
          <ResumePreviewLine hours={validBusinessHours(draft)} afterHoursReleaseMinutes={validAfterHoursMinutes(draft)} />
        </Section>

        <Section name="takeovers" title="Takeovers and escalations">
          <Toggle
            label="Take over automatically when an agent replies by email"
            name="autoTakeoverOnEmail"
            checked={draft.autoTakeoverOnEmail}
            onChange={(value) => update('autoTakeoverOnEmail', value)}
            hint="An agent's manual SMS always takes the conversation over; with this on, a manual email does too."
          />
          <div className="row">
            <NumberField
              label="SLA response time"
              name="slaResponseMinutes"
              unit="minutes"
              value={draft.slaResponseMinutes}
              onChange={(value) => update('slaResponseMinutes', value)}
              error={errors.slaResponseMinutes}
              hint="A customer message that waits longer than this for a reply (from the AI or a person) escalates: an SLA breach."
            />
            <NumberField
              label="Re-escalation window"
              name="reEscalationCoalesceSeconds"
              unit="seconds"
              value={draft.reEscalationCoalesceSeconds}
              onChange={(value) => update('reEscalationCoalesceSeconds', value)}
              error={errors.reEscalationCoalesceSeconds}
              hint="Customer messages on an escalated lead within this window make one notification, not one each."
            />
          </div>
          <Field label="Escalation team" name="escalationTeamId" error={errors.escalationTeamId} hint="Where SLA breaches and guardrail violations go.">
            {(control) => (
              <select {...control} value={draft.escalationTeamId} onChange={(event) => update('escalationTeamId', event.target.value)}>
                <option value="">{teamName ? `The first team (${teamName})` : 'The first team'}</option>
                {view.teams.map((team) => (
                  <option key={team.id} value={team.id}>
                    {team.name}
                  </option>
                ))}
                {draft.escalationTeamId && !view.teams.some((team) => team.id === draft.escalationTeamId) && <option value={draft.escalationTeamId}>Team {draft.escalationTeamId}</option>}
              </select>
            )}
          </Field>
          <GuardrailPatterns value={draft.blockedPatterns} onChange={(value) => update('blockedPatterns', value)} errors={errors} />
        </Section>

        <Section name="privacy" title="Privacy">
          <Toggle
            label="HIPAA mode"
            name="hipaaMode"
            checked={draft.hipaaMode}
            onChange={(value) => update('hipaaMode', value)}
            hint="The escalation's team name and cycle count never reach the browser, and notifications carry no message text or lead name."
          />
        </Section>

        <Section name="ai" title="AI provider">
          <AiProviderFields value={draft.ai} onChange={(ai) => update('ai', ai)} errors={errors} />
        </Section>
      </fieldset>

      {conflict && (
        <div className="conflict" role="alert" data-conflict data-attempt={attempt}>
          <p>
            <strong>Not saved: another admin saved these settings after you opened this page.</strong> Your edits are still in the form; saving them
            now would overwrite the other admin’s changes, so Baton refused.
          </p>
          <button type="button" data-action="reload-settings" disabled={busy !== null} onClick={reloadTheirs}>
            {busy === 'reload' ? 'Reloading…' : 'Reload their changes'}
          </button>
          <span className="hint"> Replaces your unsaved edits with what is saved now; then make your changes again.</span>
        </div>
      )}
      {!readOnly && (
        <div className="save-bar">
          <button type="submit" className="primary" data-action="save-settings" disabled={busy !== null}>
            {busy === 'save' ? 'Saving…' : 'Save settings'}
          </button>
          {!notice && <span className="hint">Saves the sections above. Routing rules and helpdesks below have their own Save.</span>}
          {notice && (
            <p role="status" className={`notice ${notice.kind}`} data-notice="settings" data-attempt={attempt}>
              {notice.text}
            </p>
          )}
        </div>
      )}
    </form>
  );
}
