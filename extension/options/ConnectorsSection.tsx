// Options › Connectors (admins only, issue 12 item 4): Request Tracker, Twilio SMS, SMTP email and the
// signed webhook, each with its settings, write-only secret and live status; one Save for all four.
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import type { ConnectorKind, ConnectorStatus, PublicConnectorSettings } from '../../shared/settings';
import { sendToBackground } from '../messaging';
import type { SettingsView } from '../protocol/options';
import { checkConnectors, connectorsDraftFrom, SECRET_FIELD, type ConnectorsDraft, type SecretDraft } from './connectors-draft';
import { serverFieldErrors, type FieldErrors } from './field-errors';
import { Field, InlineError, NumberField, Section, Toggle } from './fields';

type Notice = { kind: 'ok' | 'problem'; text: string } | null;
/** The statuses as last read; `problem`: settings.connectorStatus could not be asked. */
type StatusRead = { state: 'loading' } | { state: 'read'; statuses: ConnectorStatus[] } | { state: 'problem'; message: string };

const CARDS: { kind: ConnectorKind; title: string; intro: string }[] = [
  { kind: 'rt', title: 'Request Tracker', intro: 'Baton polls a queue of Request Tracker 5 (REST2) as its own RT user, and posts replies on the ticket.' },
  { kind: 'twilio', title: 'Twilio SMS', intro: 'Replies to SMS conversations go out through Twilio (or a Twilio-compatible API). For incoming SMS, set the number’s “A message comes in” webhook to https://<your Baton>/webhooks/twilio/<tenant slug> (POST).' },
  { kind: 'smtp', title: 'SMTP email', intro: 'Replies to email conversations go out through this mail server.' },
  { kind: 'webhook', title: 'Signed webhook', intro: 'Other replies are POSTed to this URL, signed with Standard Webhooks headers.' },
];

/** Every field path the cards show an error next to; a server error elsewhere goes into the notice. */
const SHOWN_FIELDS = new Set(
  Object.entries({
    rt: ['url', 'username', 'password', 'queue', 'pollIntervalMs'],
    twilio: ['baseUrl', 'accountSid', 'authToken', 'fromNumber'],
    smtp: ['host', 'port', 'secure', 'username', 'password', 'from'],
    webhook: ['url', 'secret', 'timeoutMs'],
  }).flatMap(([kind, fields]) => fields.map((field) => `connectors.${kind}.${field}`)),
);

/**
 * The section, for admins only: an agent (`view.canEdit` false) sees nothing of it, since the
 * connectors hold the tenant's credentials. `onSaved` hands the saved settings to the page, so the
 * other sections edit the same version.
 */
export function ConnectorsSection(props: { view: SettingsView; onSaved(view: SettingsView): void }) {
  if (!props.view.canEdit) return null;
  return <ConnectorsEditor {...props} />;
}

function ConnectorsEditor(props: { view: SettingsView; onSaved(view: SettingsView): void }) {
  const stored = props.view.settings.connectors;
  const [draft, setDraft] = useState<ConnectorsDraft>(() => connectorsDraftFrom(stored));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [notice, setNotice] = useState<Notice>(null);
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState<'save' | 'reload' | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [status, setStatus] = useState<StatusRead>({ state: 'loading' });

  async function readStatus() {
    const result = await sendToBackground({ type: 'settings.connectorStatus' }).catch((error: unknown) => ({ ok: false as const, message: String(error) }));
    setStatus(result.ok ? { state: 'read', statuses: result.value } : { state: 'problem', message: result.message });
  }
  useEffect(() => void readStatus(), []);

  const edit = <K extends ConnectorKind>(kind: K, change: Partial<ConnectorsDraft[K]>) => setDraft((current) => ({ ...current, [kind]: { ...current[kind], ...change } }));
  /** Switching off a connector not saved yet forgets what was typed; a saved one is removed on Save. */
  const switchOff = (kind: ConnectorKind) => setDraft((current) => ({ ...current, [kind]: stored[kind] ? { ...current[kind], enabled: false } : connectorsDraftFrom(stored)[kind] }));

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setNotice(null);
    setAttempt((current) => current + 1);
    const checked = checkConnectors(draft, stored);
    if (!checked.ok) {
      setErrors(checked.fieldErrors);
      setNotice({ kind: 'problem', text: 'Nothing was saved: fix the fields marked above.' });
      return;
    }
    setErrors({});
    if (!checked.changed) {
      setNotice({ kind: 'ok', text: 'Nothing to save: no connector changed.' });
      return;
    }
    setBusy('save');
    try {
      const result = await sendToBackground({ type: 'settings.update', expectedVersion: props.view.version, patch: { connectors: checked.patch } });
      if (result.ok) {
        setConflict(false);
        setDraft(connectorsDraftFrom(result.value.settings.connectors));
        props.onSaved(result.value);
        setNotice({ kind: 'ok', text: 'Connectors saved. Baton uses them for the next message.' });
        void readStatus();
        return;
      }
      if (result.code === 'CONFLICT') {
        setConflict(true);
        return;
      }
      const fieldErrors = serverFieldErrors(result);
      setErrors(fieldErrors);
      const unshown = Object.keys(fieldErrors).some((path) => !SHOWN_FIELDS.has(path));
      setNotice({ kind: 'problem', text: Object.keys(fieldErrors).length && !unshown ? 'Nothing was saved: the server refused the fields marked above.' : `Nothing was saved: ${result.message}` });
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
      setDraft(connectorsDraftFrom(result.value.settings.connectors));
      props.onSaved(result.value);
      setNotice({ kind: 'ok', text: 'Loaded the latest connectors. Make your changes again and save.' });
      void readStatus();
    } finally {
      setBusy(null);
    }
  }

  return (
    <form className="connectors-form" data-form="connectors" data-attempt={attempt} onSubmit={save} noValidate>
      <Section name="connectors" title="Connectors" intro="Where Baton reads conversations from and sends replies to, for the whole tenant. Passwords, tokens and secrets are write-only: once saved they are never shown again.">
        {status.state === 'problem' && (
          <p className="notice problem" data-notice="connector-status">
            Could not read the connectors’ status: {status.message}
          </p>
        )}
        <fieldset disabled={busy !== null}>
          {CARDS.map(({ kind, title, intro }) => (
            <ConnectorCard
              key={kind}
              kind={kind}
              title={title}
              intro={intro}
              enabled={draft[kind].enabled}
              saved={stored[kind] !== null}
              status={statusOf(status, stored, kind)}
              onEnable={() => edit(kind, { enabled: true })}
              onSwitchOff={() => switchOff(kind)}
            >
              <ConnectorFields kind={kind} draft={draft} edit={edit} errors={errors} />
            </ConnectorCard>
          ))}
        </fieldset>
        {conflict && (
          <div className="conflict" role="alert" data-conflict data-attempt={attempt}>
            <p>
              <strong>Not saved: another admin saved the settings after you opened this page.</strong> Your edits are still in the form; saving them now
              would overwrite the other admin’s changes, so Baton refused.
            </p>
            <button type="button" data-action="reload-connectors" disabled={busy !== null} onClick={reloadTheirs}>
              {busy === 'reload' ? 'Reloading…' : 'Reload their changes'}
            </button>
          </div>
        )}
        <div className="save-bar">
          <button type="submit" className="primary" data-action="save-connectors" disabled={busy !== null}>
            {busy === 'save' ? 'Saving…' : 'Save connectors'}
          </button>
          {notice && (
            <p role="status" className={`notice ${notice.kind}`} data-notice="connectors" data-attempt={attempt}>
              {notice.text}
            </p>
          )}
        </div>
      </Section>
    </form>
  );
}

/** The status line of a card: null while not configured (nothing to report). */
type CardStatus = { state: 'loading' } | { state: 'unknown' } | ConnectorStatus | null;

function statusOf(read: StatusRead, stored: PublicConnectorSettings, kind: ConnectorKind): CardStatus {
  if (stored[kind] === null) return null;
  if (read.state === 'loading') return { state: 'loading' };
  if (read.state === 'problem') return { state: 'unknown' };
  return read.statuses.find((status) => status.connector === kind) ?? { state: 'unknown' };
}

/** One connector: its title, status, and either its fields with Remove, or "Set up". */
function ConnectorCard(props: {
  kind: ConnectorKind;
  title: string;
  intro: string;
  enabled: boolean;
  saved: boolean;
  status: CardStatus;
  onEnable(): void;
  onSwitchOff(): void;
  children: ReactNode;
}) {
  const removing = props.saved && !props.enabled;
  return (
    <div className="connector-card" data-connector={props.kind} data-state={removing ? 'removing' : props.enabled ? 'enabled' : 'off'}>
      <div className="connector-head">
        <h3>{props.title}</h3>
        <StatusLine status={props.status} />
      </div>
      <p className="hint">{props.intro}</p>
      {props.enabled && (
        <>
          {props.children}
          <div className="buttons">
            <button type="button" data-action="remove-connector" onClick={props.onSwitchOff}>
              {props.saved ? `Remove ${props.title}` : 'Cancel'}
            </button>
          </div>
        </>
      )}
      {removing && (
        <p className="removing">
          {props.title} will be removed when you save, with its secret.{' '}
          <button type="button" data-action="keep-connector" onClick={props.onEnable}>
            Keep it
          </button>
        </p>
      )}
      {!props.enabled && !props.saved && (
        <p className="empty">
          Not configured.{' '}
          <button type="button" data-action="enable-connector" onClick={props.onEnable}>
            Set up {props.title}
          </button>
        </p>
      )}
    </div>
  );
}

const when = (iso: string) => new Date(iso).toLocaleString();

/** OK / failing since … with the last error / starting / outbound only; the error is plain text. */
function StatusLine({ status }: { status: CardStatus }) {
  if (status === null) return null;
  if (status.state === 'loading') return <span className="connector-status" data-status="loading">Checking…</span>;
  if (status.state === 'unknown') return <span className="connector-status" data-status="unknown">Status unknown</span>;
  if (status.state === 'ok') {
    return (
      <span className="connector-status" data-status="ok">
        <span className="badge ok">OK</span>
        {status.lastSuccessAt && <span className="hint"> last reached {when(status.lastSuccessAt)}</span>}
      </span>
    );
  }
  if (status.state === 'failing') {
    return (
      <span className="connector-status" data-status="failing" role="alert">
        <span className="badge failing">Failing{status.failingSince ? ` since ${when(status.failingSince)}` : ''}</span>
        {status.lastError && <span className="last-error">{status.lastError}</span>}
      </span>
    );
  }
  if (status.state === 'starting') return <span className="connector-status" data-status="starting">Starting: not reached yet</span>;
  return (
    <span className="connector-status" data-status="configured">
      Configured (outbound only: a failed delivery shows on the reply)
    </span>
  );
}

/** A message that starts with the API's field name (`authToken is required`) starts with the label instead. */
function labelled(message: string | undefined, field: string, label: string): string | undefined {
  return message?.startsWith(`${field} `) ? `${label}${message.slice(field.length)}` : message;
}

type Edit = <K extends ConnectorKind>(kind: K, change: Partial<ConnectorsDraft[K]>) => void;

/** The fields of one connector, each named by its API path (`connectors.rt.url`) for its errors. */
function ConnectorFields({ kind, draft, edit, errors }: { kind: ConnectorKind; draft: ConnectorsDraft; edit: Edit; errors: FieldErrors }) {
  const error = (field: string, label: string) => labelled(errors[`connectors.${kind}.${field}`], field, label);
  const text = (field: string, label: string, value: string, onChange: (value: string) => void, hint?: string) => (
    <Field label={label} name={`connectors.${kind}.${field}`} error={error(field, label)} hint={hint}>
      {(control) => <input {...control} type="text" autoComplete="off" value={value} onChange={(event) => onChange(event.target.value)} />}
    </Field>
  );
  const secret = (label: string, value: SecretDraft, onChange: (value: SecretDraft) => void, options: { removable?: boolean; hint?: string } = {}) => (
    <SecretField label={label} name={`connectors.${kind}.${SECRET_FIELD[kind]}`} value={value} onChange={onChange} error={error(SECRET_FIELD[kind], label)} {...options} />
  );
  switch (kind) {
    case 'rt': {
      const rt = draft.rt;
      return (
        <>
          {text('url', 'RT URL', rt.url, (url) => edit('rt', { url }), 'With RT’s web path, e.g. https://rt.example.com/rt')}
          <div className="row">
            {text('username', 'Username', rt.username, (username) => edit('rt', { username }), 'Baton’s own RT user.')}
            {secret('Password', rt.password, (password) => edit('rt', { password }))}
          </div>
          <div className="row">
            {text('queue', 'Queue', rt.queue, (queue) => edit('rt', { queue }))}
            <NumberField label="Poll every" name="connectors.rt.pollIntervalMs" unit="ms" value={rt.pollIntervalMs} onChange={(pollIntervalMs) => edit('rt', { pollIntervalMs })} error={error('pollIntervalMs', 'Poll interval')} hint="500 to 600000." />
          </div>
        </>
      );
    }
    case 'twilio': {
      const twilio = draft.twilio;
      return (
        <>
          {text('baseUrl', 'API base URL', twilio.baseUrl, (baseUrl) => edit('twilio', { baseUrl }), 'https://api.twilio.com, or a Twilio-compatible provider.')}
          <div className="row">
            {text('accountSid', 'Account SID', twilio.accountSid, (accountSid) => edit('twilio', { accountSid }))}
            {secret('Auth token', twilio.authToken, (authToken) => edit('twilio', { authToken }), { hint: 'Also checks the signature of incoming SMS.' })}
          </div>
          {text('fromNumber', 'From', twilio.fromNumber, (fromNumber) => edit('twilio', { fromNumber }), 'An E.164 number (+15550100) or a Messaging Service SID (MG…).')}
        </>
      );
    }
    case 'smtp': {
      const smtp = draft.smtp;
      return (
        <>
          <div className="row">
            {text('host', 'Host', smtp.host, (host) => edit('smtp', { host }))}
            <NumberField label="Port" name="connectors.smtp.port" unit="" value={smtp.port} onChange={(port) => edit('smtp', { port })} error={error('port', 'Port')} hint="587 (STARTTLS) or 465 (TLS)." />
          </div>
          <Toggle label="TLS from the start (port 465)" name="connectors.smtp.secure" checked={smtp.secure} onChange={(secure) => edit('smtp', { secure })} />
          <div className="row">
            {text('username', 'Username', smtp.username, (username) => edit('smtp', { username }), 'Empty: no authentication.')}
            {secret('Password', smtp.password, (password) => edit('smtp', { password }), { removable: true })}
          </div>
          {text('from', 'From', smtp.from, (from) => edit('smtp', { from }), 'e.g. Support <support@example.com>')}
        </>
      );
    }
    case 'webhook': {
      const webhook = draft.webhook;
      return (
        <>
          {text('url', 'URL', webhook.url, (url) => edit('webhook', { url }))}
          <div className="row">
            {secret('Signing secret', webhook.secret, (value) => edit('webhook', { secret: value }), { hint: 'whsec_ followed by a base64 key of 24 to 64 bytes.' })}
            <NumberField label="Timeout" name="connectors.webhook.timeoutMs" unit="ms" value={webhook.timeoutMs} onChange={(timeoutMs) => edit('webhook', { timeoutMs })} error={error('timeoutMs', 'Timeout')} hint="100 to 30000." />
          </div>
        </>
      );
    }
  }
}

/**
 * A write-only secret: always an empty password box (a saved one reads "saved — leave empty to
 * keep"); `removable` offers Remove where the API allows none (the SMTP password).
 */
function SecretField(props: { label: string; name: string; value: SecretDraft; onChange(value: SecretDraft): void; error: string | undefined; removable?: boolean; hint?: string }) {
  const { value, onChange } = props;
  if (value.remove) {
    return (
      <div className="field secret" data-secret-state="removing">
        <span className="label">{props.label}</span>
        <p>
          Removed when you save.{' '}
          <button type="button" data-action="keep-secret" onClick={() => onChange({ ...value, remove: false })}>
            Keep it
          </button>
        </p>
        <InlineError message={props.error} />
      </div>
    );
  }
  const hint = value.isSet ? `Saved and never shown. Type a new one to replace it.${props.hint ? ` ${props.hint}` : ''}` : props.hint;
  return (
    <Field label={props.label} name={props.name} error={props.error} hint={hint} className="secret">
      {(control) => (
        <span className="with-badge" data-secret-state={value.isSet ? 'saved' : 'none'}>
          <input
            {...control}
            type="password"
            autoComplete="new-password"
            placeholder={value.isSet ? 'saved — leave empty to keep' : ''}
            value={value.newValue}
            onChange={(event) => onChange({ ...value, newValue: event.target.value })}
          />
          {props.removable && value.isSet && (
            <button type="button" data-action="remove-secret" onClick={() => onChange({ ...value, newValue: '', remove: true })}>
              Remove
            </button>
          )}
        </span>
      )}
    </Field>
  );
}
