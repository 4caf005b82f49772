// Options › Routing rules: an ordered list (add, remove, move up/down) of conditions and actions,
// checked with the API's schema, saved whole naming the version it edits (CONFLICT → keep the edits,
// offer to reload); the server's field errors (a bad pattern) show in place.
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
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState<'save' | 'reload' | null>(null);
  // Counts answered saves: `data-attempt` on the notice and the conflict tells a reader (and the e2e tests) which save they answer.
  const [attempt, setAttempt] = useState(0);
  const defaultTeam = props.teams[0]?.id ?? '';

  /** Shows `next` as saved now: the editor starts again from it. */
  function showSaved(next: RulesView) {
    setView(next);
    setDrafts(ruleDraftsFrom(next.rules));
    setErrors({});
    setConflict(false);
  }

  useEffect(() => {
    void sendToBackground({ type: 'rules.list' }).then(
      (result) => {
        if (!result.ok) return setNotice({ kind: 'problem', text: `Could not load the rules: ${result.message}` });
        showSaved(result.value);
      },
      (error: unknown) => setNotice({ kind: 'problem', text: `Could not load the rules: ${String(error)}` }),
    );
  }, []);

  async function save() {
    if (view === null) return;
    setNotice(null);
    setAttempt((current) => current + 1);
    const checked = checkRules(drafts);
    if (!checked.ok) {
      setErrors(checked.fieldErrors);
      setNotice({ kind: 'problem', text: 'Nothing was saved: fix the rules marked below.' });
      return;
    }
    setBusy('save');
    try {
      const result = await sendToBackground({ type: 'rules.save', expectedVersion: view.version, rules: checked.rules });
      if (result.ok) {
        showSaved(result.value);
        setNotice({ kind: 'ok', text: `Rules saved (${result.value.rules.length}). New customer messages are checked against them in this order.` });
        return;
      }
      if (result.code === 'CONFLICT') {
        // The edits stay in the editor; the admin decides whether to reload the other admin's rules.
        setErrors({});
        setConflict(true);
        return;
      }
      setErrors(serverFieldErrors(result));
      setNotice({ kind: 'problem', text: `Nothing was saved: ${result.fieldErrors ? 'the server refused the fields marked below.' : result.message}` });
    } catch (error) {
      setNotice({ kind: 'problem', text: `Nothing was saved: ${error instanceof Error ? error.message : String(error)}` });
    } finally {
      setBusy(null);
    }
  }

  async function reloadTheirs() {
    setBusy('reload');
    try {
      const result = await sendToBackground({ type: 'rules.list' });
      if (!result.ok) {
        setNotice({ kind: 'problem', text: `Could not reload: ${result.message}` });
        return;
      }
      showSaved(result.value);
      setNotice({ kind: 'ok', text: 'Loaded the latest rules. Make your changes again and save.' });
    } catch (error) {
      setNotice({ kind: 'problem', text: `Could not reload: ${error instanceof Error ? error.message : String(error)}` });
    } finally {
      setBusy(null);
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
      <fieldset disabled={readOnly || busy !== null || view === null} data-form="rules" data-attempt={attempt}>
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
              {busy === 'save' ? 'Saving…' : 'Save rules'}
            </button>
          </div>
        )}
      </fieldset>
      {conflict && (
        <div className="conflict" role="alert" data-rules-conflict data-attempt={attempt}>
          <p>
            <strong>Not saved: another admin saved the routing rules after you opened this page.</strong> Your edits are still in the list above; saving
            them now would overwrite the other admin’s changes, so Baton refused.
          </p>
          <button type="button" data-action="reload-rules" disabled={busy !== null} onClick={reloadTheirs}>
            {busy === 'reload' ? 'Reloading…' : 'Reload their changes'}
          </button>
          <span className="hint"> Replaces your unsaved edits with the rules saved now; then make your changes again.</span>
        </div>
      )}
      {notice && (
        <p role="status" className={`notice ${notice.kind}`} data-notice="rules" data-attempt={attempt}>
          {notice.text}
        </p>
      )}
    </Section>
  );
}
