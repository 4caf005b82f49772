// One routing rule in the editor: name, enabled, its condition and its actions, with errors in place.
import type { SettingsView } from '../protocol/options';
import { errorsAt, type FieldErrors } from './field-errors';
import { Field, InlineError, Toggle } from './fields';
import { newAction, type ActionDraft, type ActionType, type RuleDraft } from './rules-draft';

interface RuleCardProps {
  draft: RuleDraft;
  index: number;
  count: number;
  teams: SettingsView['teams'];
  errors: FieldErrors;
  onChange(next: RuleDraft): void;
  onRemove(): void;
  onMove(offset: -1 | 1): void;
}

const ACTION_LABELS: Record<ActionType, string> = { escalate: 'Escalate to a team', takeover_hold: 'Hold for the team (AI stays quiet)', tag: 'Tag the lead' };

/** A rule's card; `rules.<index>.…` errors show next to their control. */
export function RuleCard({ draft, index, count, teams, errors, onChange, onRemove, onMove }: RuleCardProps) {
  const path = `rules.${index}`;
  const set = (change: Partial<RuleDraft>) => onChange({ ...draft, ...change });
  const setAction = (actionIndex: number, next: ActionDraft) => set({ actions: draft.actions.map((action, i) => (i === actionIndex ? next : action)) });
  const title = draft.name.trim() || 'New rule';
  return (
    <li className="rule" data-rule={index}>
      <div className="rule-head">
        <span className="position">{index + 1}.</span>
        <strong>{title}</strong>
        <span className="spacer" />
        <button type="button" className="icon" data-action="move-up" aria-label={`Move rule ${index + 1} (${title}) up`} disabled={index === 0} onClick={() => onMove(-1)}>
          ↑
        </button>
        <button type="button" className="icon" data-action="move-down" aria-label={`Move rule ${index + 1} (${title}) down`} disabled={index === count - 1} onClick={() => onMove(1)}>
          ↓
        </button>
        <button type="button" data-action="remove-rule" aria-label={`Remove rule ${index + 1} (${title})`} onClick={onRemove}>
          Remove
        </button>
      </div>
      <InlineError message={errors[path]} />
      <div className="row">
        <Field label="Name" name={`${path}.name`} error={errors[`${path}.name`]}>
          {(control) => <input {...control} value={draft.name} onChange={(event) => set({ name: event.target.value })} />}
        </Field>
        <Toggle label="Enabled" name={`${path}.enabled`} checked={draft.enabled} onChange={(enabled) => set({ enabled })} />
      </div>

      <fieldset className="condition">
        <legend>When a customer message… (every part given must hold)</legend>
        <div className="row">
          <Field label="contains any of these words" name={`${path}.condition.keywords`} error={errorsAt(errors, `${path}.condition.keywords`)[0]} hint="Comma-separated, whole words, any case.">
            {(control) => <input {...control} value={draft.keywords} placeholder="refund, cancel" onChange={(event) => set({ keywords: event.target.value })} />}
          </Field>
          <Field label="matches the regular expression" name={`${path}.condition.pattern`} error={errors[`${path}.condition.pattern`]} hint="Case-insensitive.">
            {(control) => <input {...control} className="pattern" spellCheck={false} value={draft.pattern} placeholder="charge ?back" onChange={(event) => set({ pattern: event.target.value })} />}
          </Field>
        </div>
        <div className="row">
          <Field label="arrives by" name={`${path}.condition.channel`} error={errors[`${path}.condition.channel`]}>
            {(control) => (
              <select {...control} value={draft.channel} onChange={(event) => set({ channel: event.target.value as RuleDraft['channel'] })}>
                <option value="">any channel</option>
                <option value="sms">SMS</option>
                <option value="email">email</option>
              </select>
            )}
          </Field>
          <Field label="lead has all these tags" name={`${path}.condition.leadTags`} error={errorsAt(errors, `${path}.condition.leadTags`)[0]} hint="Comma-separated.">
            {(control) => <input {...control} value={draft.leadTags} placeholder="vip" onChange={(event) => set({ leadTags: event.target.value })} />}
          </Field>
          <Field label="arrives" name={`${path}.condition.businessHours`} error={errors[`${path}.condition.businessHours`]}>
            {(control) => (
              <select {...control} value={draft.businessHours} onChange={(event) => set({ businessHours: event.target.value as RuleDraft['businessHours'] })}>
                <option value="">any time</option>
                <option value="open">within business hours</option>
                <option value="closed">outside business hours</option>
              </select>
            )}
          </Field>
        </div>
        <InlineError message={errors[`${path}.condition`]} />
      </fieldset>

      <fieldset className="actions">
        <legend>Then</legend>
        {draft.actions.map((action, actionIndex) => (
          <ActionRow
            key={action.key}
            action={action}
            path={`${path}.actions.${actionIndex}`}
            teams={teams}
            errors={errors}
            canRemove={draft.actions.length > 1}
            onChange={(next) => setAction(actionIndex, next)}
            onRemove={() => set({ actions: draft.actions.filter((_, i) => i !== actionIndex) })}
          />
        ))}
        <InlineError message={errors[`${path}.actions`]} />
        <button type="button" data-action="add-action" onClick={() => set({ actions: [...draft.actions, newAction('tag')] })}>
          + Add action
        </button>
      </fieldset>
    </li>
  );
}

function ActionRow(props: { action: ActionDraft; path: string; teams: SettingsView['teams']; errors: FieldErrors; canRemove: boolean; onChange(next: ActionDraft): void; onRemove(): void }) {
  const { action, path, teams, errors } = props;
  const set = (change: Partial<ActionDraft>) => props.onChange({ ...action, ...change });
  return (
    <div className="action" data-action-type={action.type}>
      <div className="row">
        <Field label="Action" name={`${path}.type`} error={errors[`${path}.type`] ?? errors[path]}>
          {(control) => (
            <select {...control} value={action.type} onChange={(event) => set({ type: event.target.value as ActionType, teamId: action.teamId || (teams[0]?.id ?? '') })}>
              {(Object.keys(ACTION_LABELS) as ActionType[]).map((type) => (
                <option key={type} value={type}>
                  {ACTION_LABELS[type]}
                </option>
              ))}
            </select>
          )}
        </Field>
        {action.type === 'escalate' && (
          <>
            <Field label="Team" name={`${path}.teamId`} error={errors[`${path}.teamId`]}>
              {(control) => (
                <select {...control} value={action.teamId} onChange={(event) => set({ teamId: event.target.value })}>
                  {!teams.some((team) => team.id === action.teamId) && <option value={action.teamId}>{action.teamId ? `Team ${action.teamId}` : 'Choose a team'}</option>}
                  {teams.map((team) => (
                    <option key={team.id} value={team.id}>
                      {team.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Reason (shown on the banner)" name={`${path}.reason`} error={errors[`${path}.reason`]}>
              {(control) => <input {...control} value={action.reason} onChange={(event) => set({ reason: event.target.value })} />}
            </Field>
          </>
        )}
        {action.type === 'tag' && (
          <Field label="Tag" name={`${path}.tag`} error={errors[`${path}.tag`]}>
            {(control) => <input {...control} value={action.tag} onChange={(event) => set({ tag: event.target.value })} />}
          </Field>
        )}
        {props.canRemove && (
          <button type="button" className="icon remove-action" aria-label="Remove this action" onClick={props.onRemove}>
            ✕
          </button>
        )}
      </div>
      {action.type === 'escalate' && (
        <div className="row">
          <Field label="Reason code (optional)" name={`${path}.reasonCode`} error={errors[`${path}.reasonCode`]} hint="e.g. billing; critical skips the cooldown.">
            {(control) => <input {...control} value={action.reasonCode} onChange={(event) => set({ reasonCode: event.target.value })} />}
          </Field>
          <Toggle label="Escalate even during the lead's cooldown" name={`${path}.bypassCooldown`} checked={action.bypassCooldown} onChange={(bypassCooldown) => set({ bypassCooldown })} />
        </div>
      )}
    </div>
  );
}
