// The add / edit form of one configured helpdesk: its pages' URLs, where the id comes from, the selectors, "Test on the current tab".
import { useState, type FormEvent } from 'react';
import type { HelpdeskAdapterConfig } from '../../shared/helpdesk-adapters';
import type { AdapterTestReport } from '../protocol/helpdesks';
import { AdapterTestResult } from './AdapterTestResult';
import type { FieldErrors } from './field-errors';
import { Field } from './fields';
import { checkHelpdeskDraft, helpdeskReadable, type HelpdeskDraft } from './helpdesk-draft';

/** How saving or testing ended, as the form shows it. */
export type FormOutcome<T> = { ok: true; value: T } | { ok: false; fieldErrors?: FieldErrors; problem?: string };

export interface HelpdeskFormProps {
  mode: 'add' | 'edit';
  initial: HelpdeskDraft;
  /** Asks for access and saves; called straight from the click (the browser's prompt needs it). */
  onSave(config: HelpdeskAdapterConfig): Promise<FormOutcome<null>>;
  /** Asks for access and runs the selectors in the most recently used tab. */
  onTest(config: HelpdeskAdapterConfig): Promise<FormOutcome<AdapterTestReport>>;
  onCancel(): void;
}

/**
 * The form. Nothing is saved or tested while a field is invalid: each error shows next to its
 * field, and what was typed stays.
 */
export function HelpdeskForm(props: HelpdeskFormProps) {
  const [draft, setDraft] = useState<HelpdeskDraft>(props.initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [report, setReport] = useState<AdapterTestReport | null>(null);
  const [busy, setBusy] = useState<'save' | 'test' | null>(null);
  const set = <K extends keyof HelpdeskDraft>(key: K) => (value: HelpdeskDraft[K]) => setDraft((current) => ({ ...current, [key]: value }));

  /** Checks the form; on success runs `action` at once (still inside the click) and shows its outcome. */
  async function run<T>(kind: 'save' | 'test', action: (config: HelpdeskAdapterConfig) => Promise<FormOutcome<T>>, onValue: (value: T) => void) {
    setProblem(null);
    const checked = checkHelpdeskDraft(draft);
    if (!checked.ok) {
      setErrors(checked.fieldErrors);
      setProblem(kind === 'save' ? 'Nothing was saved: fix the fields marked above.' : 'Nothing was tested: fix the fields marked above.');
      return;
    }
    setErrors({});
    setBusy(kind);
    const pending = action(checked.config);
    try {
      const outcome = await pending;
      if (outcome.ok) {
        onValue(outcome.value);
        return;
      }
      setErrors(outcome.fieldErrors ?? {});
      setProblem(outcome.problem ?? null);
    } finally {
      setBusy(null);
    }
  }

  function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void run('save', props.onSave, () => undefined);
  }

  const error = (path: string) => (errors[path] ? helpdeskReadable(errors[path]) : null);
  /** A text field; `pattern`: a regular expression, typed in a monospace font. */
  const text = (key: keyof HelpdeskDraft, label: string, path: string, hint?: string, kind: 'plain' | 'pattern' = 'plain') => (
    <Field label={label} name={path} hint={hint} error={error(path)}>
      {(control) => (
        <input
          {...control}
          type="text"
          className={kind === 'pattern' ? 'pattern' : undefined}
          autoComplete="off"
          spellCheck={false}
          value={draft[key] as string}
          onChange={(event) => set(key)(event.target.value as never)}
        />
      )}
    </Field>
  );

  return (
    <form className="helpdesk-form" onSubmit={save} noValidate data-helpdesk-form={props.mode}>
      <h3>{props.mode === 'add' ? 'Add a helpdesk' : `Edit ${props.initial.name}`}</h3>
      <div className="row">
        {text('name', 'Name', 'name', 'What agents see, e.g. Acme Desk')}
        {text('origin', 'Origin', 'origin', 'Scheme, host and port only, e.g. https://desk.example.com')}
      </div>
      {text('sampleUrl', 'Sample thread URL', 'sampleUrl', 'Copy the address of one conversation page of the helpdesk.')}
      {text('urlPattern', 'Thread URL pattern', 'urlPattern', 'A regular expression every conversation page address matches, e.g. ^https://desk\\.example\\.com/tickets/\\d+', 'pattern')}
      <fieldset className="id-source">
        <legend>Where the conversation id comes from</legend>
        <label className="choice">
          <input type="radio" name="conversationId.from" value="url" checked={draft.idFrom === 'url'} onChange={() => set('idFrom')('url')} /> The page address
        </label>
        <label className="choice">
          <input type="radio" name="conversationId.from" value="selector" checked={draft.idFrom === 'selector'} onChange={() => set('idFrom')('selector')} /> An element on the page
        </label>
        {draft.idFrom === 'url'
          ? text('idPattern', 'Id pattern', 'conversationId.pattern', 'Its first group (…) captures the id from the address, e.g. /tickets/([^/?#]+)', 'pattern')
          : (
            <div className="row">
              {text('idSelector', 'Id element selector', 'conversationId.selector', 'CSS selector of the element holding the id')}
              {text('idAttribute', 'Id attribute', 'conversationId.attribute', 'Blank: the element’s text')}
            </div>
          )}
      </fieldset>
      <fieldset className="selectors">
        <legend>Where Baton goes on the page (CSS selectors)</legend>
        <div className="row">
          {text('threadHeader', 'Thread header', 'selectors.threadHeader', 'The Take Over button is added at its end.')}
          {text('mount', 'Banner mount', 'selectors.mount', 'Baton’s banners go first inside it.')}
        </div>
        <div className="row">
          {text('composer', 'Composer', 'selectors.composer', 'Optional: the reply box.')}
          {text('sendButton', 'Send button', 'selectors.sendButton', 'Optional: its clicks are recorded as agent replies.')}
        </div>
      </fieldset>
      <div className="row">
        {text('connector', 'Connector', 'connector', 'The name this helpdesk’s conversations arrive with at Baton’s inbound webhook.')}
        <Field label="Agent replies are" name="channel" error={error('channel')}>
          {(control) => (
            <select {...control} value={draft.channel} onChange={(event) => set('channel')(event.target.value === 'sms' ? 'sms' : 'email')}>
              <option value="email">Email</option>
              <option value="sms">SMS</option>
            </select>
          )}
        </Field>
      </div>
      <div className="buttons">
        <button type="submit" className="primary" disabled={busy !== null} data-action="save-helpdesk">
          {busy === 'save' ? 'Saving… (answer the browser’s prompt if it asks)' : props.mode === 'add' ? 'Add helpdesk' : 'Save helpdesk'}
        </button>
        <button type="button" disabled={busy !== null} data-action="test-helpdesk" onClick={() => void run('test', props.onTest, setReport)}>
          {busy === 'test' ? 'Testing…' : 'Test on the current tab'}
        </button>
        <span className="spacer" />
        <button type="button" disabled={busy === 'save'} onClick={props.onCancel}>
          Cancel
        </button>
      </div>
      {problem && (
        <p className="notice problem" role="alert" data-notice="helpdesk-form">
          {problem}
        </p>
      )}
      {report && <AdapterTestResult report={report} />}
    </form>
  );
}
