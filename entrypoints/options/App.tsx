// Options: the form that sets the backend URL and credential; the background validates and stores them.
import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { sendToBackground, type BackendConfigField, type BackendConfigView } from '../../extension/messaging';

type FieldErrors = Partial<Record<BackendConfigField, string>>;
type Notice = { kind: 'ok' | 'problem'; text: string } | null;

/** The options page. */
export function App() {
  const [saved, setSaved] = useState<BackendConfigView | null>(null);
  const [url, setUrl] = useState('');
  const [credential, setCredential] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [notice, setNotice] = useState<Notice>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    sendToBackground({ type: 'config.get' }).then(
      (config) => {
        setSaved(config);
        setUrl(config.url);
      },
      (error: unknown) => setNotice({ kind: 'problem', text: messageOf(error) }),
    );
  }, []);

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setNotice(null);
    try {
      const result = await sendToBackground({ type: 'config.save', url, credential });
      if (!result.ok) {
        setFieldErrors(result.fieldErrors);
        return;
      }
      setFieldErrors({});
      setSaved(result.config);
      setUrl(result.config.url);
      setCredential('');
      const status = await sendToBackground({ type: 'backend.status' });
      const healthy = status.configured && status.healthy;
      const detail = status.configured && status.error ? ` ${status.error}` : '';
      setNotice({ kind: healthy ? 'ok' : 'problem', text: healthy ? 'Saved. The backend is reachable.' : `Saved, but the backend is not healthy.${detail}` });
    } catch (error) {
      setNotice({ kind: 'problem', text: messageOf(error) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <main>
      <h1>Baton</h1>
      <form onSubmit={save} noValidate>
        <Field label="Backend URL" name="url" error={fieldErrors.url} hint="For a local backend: http://127.0.0.1:8787">
          {(props) => <input {...props} type="url" value={url} onChange={(e) => setUrl(e.target.value)} />}
        </Field>
        <Field label="Credential" name="credential" error={fieldErrors.credential} hint={credentialHint(saved)}>
          {(props) => (
            <input {...props} type="password" autoComplete="off" value={credential} onChange={(e) => setCredential(e.target.value)} />
          )}
        </Field>
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
      </form>
      {notice && (
        <p role="status" className={notice.kind}>
          {notice.text}
        </p>
      )}
    </main>
  );
}

interface InputProps {
  id: string;
  name: string;
  'aria-invalid': boolean;
  'aria-describedby': string;
}

/** A labelled input with its hint, and its error underneath when the background rejected it. */
function Field(props: { label: string; name: BackendConfigField; error?: string; hint: string; children: (input: InputProps) => ReactNode }) {
  const id = useId();
  const describedBy = props.error ? `${id}-error` : `${id}-hint`;
  return (
    <div>
      <label htmlFor={id}>{props.label}</label>
      {props.children({ id, name: props.name, 'aria-invalid': Boolean(props.error), 'aria-describedby': describedBy })}
      {props.error ? (
        <p id={`${id}-error`} className="field-error">
          {props.error}
        </p>
      ) : (
        <p id={`${id}-hint`} className="hint">
          {props.hint}
        </p>
      )}
    </div>
  );
}

function credentialHint(saved: BackendConfigView | null): string {
  if (!saved?.hasCredential) return 'An API key (bk_…) or a token from your Baton admin.';
  const what = saved.credentialKind === 'api_key' ? `API key ${saved.credentialHint ?? 'bk_'}…` : 'A token';
  return `${what} is saved. Leave blank to keep it, or paste a new one.`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
