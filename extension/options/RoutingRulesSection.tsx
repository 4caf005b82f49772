// Options › Routing rules: an ordered list (add, remove, move up/down) of conditions and actions,
// checked with the API's schema, saved whole; the server's field errors (a bad pattern) show in place.
import { useEffect, useState } from 'react';
import { sendToBackground } from '../messaging';
import type { RulesView, SettingsView } from '../protocol/options';
import { serverFieldErrors, type FieldErrors } from './field-errors';
import { Section } from './fields';
import { RuleCard } from './RuleCard';
import { checkRules, moveRule, newRule, ruleDraftsFrom, type RuleDraft } from './rules-draft';

type Notice = { kind: 'ok' | 'problem'; text: string } | null;

/** Loads the rules, edits them, saves them whole; read-only for non-admins, with the reason. */
export function RoutingRulesSection(props: { teams: SettingsView['teams'] }) {
  const [view, setView] = useState<RulesView | null>(null);
  const [drafts, setDrafts] = useState<RuleDraft[]>([]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [notice, setNotice] = useState<Notice>(null);
  const [busy, setBusy] = useState(false);
  const defaultTeam = props.teams[0]?.id ?? '';

  useEffect(() => {
    void sendToBackground({ type: 'rules.list' }).then(
      (result) => {
        if (!result.ok) return setNotice({ kind: 'problem', text: `Could not load the rules: ${result.message}` });
        setView(result.value);
        setDrafts(ruleDraftsFrom(result.value.rules));
      },
      (error: unknown) => setNotice({ kind: 'problem', text: `Could not load the rules: ${String(error)}` }),
    );
  }, []);

  async function save() {
    setNotice(null);
    const checked = checkRules(drafts);
    if (!checked.ok) {
      setErrors(checked.fieldErrors);
      setNotice({ kind: 'problem', text: 'Nothing was saved: fix the rules marked below.' });
      return;
    }
    setBusy(true);
    try {
      const result = await sendToBackground({ type: 'rules.save', rules: checked.rules });
      if (!result.ok) {
        setErrors(serverFieldErrors(result));
        setNotice({ kind: 'problem', text: `Nothing was saved: ${result.fieldErrors ? 'the server refused the fields marked below.' : result.message}` });
        return;
      }
      setErrors({});
      setView(result.value);
      setDrafts(ruleDraftsFrom(result.value.rules));
      setNotice({ kind: 'ok', text: `Rules saved (${result.value.rules.length}). New customer messages are checked against them in this order.` });
    } finally {
      setBusy(false);
    }
  }

  const readOnly = view !== null && !view.canEdit;
  const replace = (index: number, next: RuleDraft) => setDrafts((current) => current.map((draft, i) => (i === index ? next : draft)));
  return (
    <Section name="rules" title="Routing rules" intro="Checked in order on every customer message; every rule that matches acts (escalate, hold for the team, tag).">
      {readOnly && view?.readOnlyReason && (
        <p className="read-only-reason" data-read-only>
          <strong>Read-only.</strong> {view.readOnlyReason}
        </p>
      )}
      {view === null && !notice && <p className="empty">Loading rules…</p>}
      <fieldset disabled={readOnly || busy || view === null} data-form="rules">
        {view !== null && drafts.length === 0 && <p className="empty">No routing rules.</p>}
        <ol className="rules">
          {drafts.map((draft, index) => (
            <RuleCard
              key={draft.key}
              draft={draft}
              index={index}
              count={drafts.length}
              teams={props.teams}
              errors={errors}
              onChange={(next) => replace(index, next)}
              onRemove={() => setDrafts((current) => current.filter((_, i) => i !== index))}
              onMove={(offset) => setDrafts((current) => moveRule(current, index, offset))}
            />
          ))}
        </ol>
        {!readOnly && (
          <div className="buttons">
            <button type="button" data-action="add-rule" onClick={() => setDrafts((current) => [...current, newRule(defaultTeam)])}>
              + Add rule
            </button>
            <button type="button" className="primary" data-action="save-rules" onClick={save}>
              {busy ? 'Saving…' : 'Save rules'}
            </button>
          </div>
        )}
      </fieldset>
      {notice && (
        <p role="status" className={`notice ${notice.kind}`} data-notice="rules">
          {notice.text}
        </p>
      )}
    </Section>
  );
}
