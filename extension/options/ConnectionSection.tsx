// Options › Connection: the backend URL (locked when IT set it by policy), the credential, Save,
// Test connection (who the credential signs in as) and Sign out. The background validates and stores.
import { useEffect, useState, type FormEvent } from 'react';
import { sendToBackground, type BackendConfigView } from '../messaging';
import type { MeView } from '../protocol/options';
import type { ManagedPolicyView } from '../protocol/policy';
import { Field } from './fields';

type Notice = { kind: 'ok' | 'problem'; text: string } | null;
type Busy = 'save' | 'test' | 'signOut' | null;

/** Who `me` is, in words: `Dana Admin (admin) in acme`. */
export function describeMe(me: MeView): string {
  return `${me.displayName} (${me.role}) in ${me.tenantSlug}`;
}

/**
 * The connection form. `onChanged` runs after a save or sign-out so the page re-reads who is signed in.
 * The notice (`p[role=status]`) appears only after an action: e2e setup waits for it.
 */
export function ConnectionSection(props: { policy: ManagedPolicyView; me: MeView | null; meProblem: string | null; onChanged(): void }) {
  const [saved, setSaved] = useState<BackendConfigView | null>(null);
  const [url, setUrl] = useState('');
  const [credential, setCredential] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<'url' | 'credential', string>>>({});
  const [notice, setNotice] = useState<Notice>(null);
  const [busy, setBusy] = useState<Busy>(null);
  const lockedUrl = props.policy.backendUrl;

  useEffect(() => {
    sendToBackground({ type: 'config.get' }).then(
      (config) => {
        setSaved(config);
        setUrl(config.url);
      },
      (error: unknown) => setNotice({ kind: 'problem', text: messageOf(error) }),
    );
  }, []);

  const shownUrl = lockedUrl ?? url;

  async function run(what: Exclude<Busy, null>, action: () => Promise<void>) {
    setBusy(what);
    setNotice(null);
    try {
      await action();
    } catch (error) {
      setNotice({ kind: 'problem', text: messageOf(error) });
    } finally {
      setBusy(null);
    }
  }

  const save = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run('save', async () => {
      const result = await sendToBackground({ type: 'config.save', url: shownUrl, credential });
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
      props.onChanged();
    });
  };

  const test = () =>
    run('test', async () => {
      const result = await sendToBackground({ type: 'connection.test', url: shownUrl, credential });
      if (!result.ok) {
        setFieldErrors(result.fieldErrors ?? {});
        setNotice({ kind: 'problem', text: `Test failed: ${result.message}` });
        return;
      }
      setFieldErrors({});
      const unsaved = credential.trim() !== '' || shownUrl !== saved?.url ? ' (not saved yet: press Save to use it)' : '';
      setNotice({ kind: 'ok', text: `Connected: signed in as ${describeMe(result.value)}${unsaved}.` });
    });

  const signOut = () =>
    run('signOut', async () => {
      const config = await sendToBackground({ type: 'config.signOut' });
      setSaved(config);
      setCredential('');
      setNotice({ kind: 'ok', text: 'Signed out. This browser no longer holds your credential; paste one to sign in again.' });
      props.onChanged();
    });

  return (
    <section className="options-section" data-section="connection" aria-labelledby="connection-title">
      <h2 id="connection-title">Connection</h2>
      <p className="signed-in" data-state={props.me ? 'signed-in' : 'signed-out'}>
        {props.me ? `Signed in as ${describeMe(props.me)}.` : (props.meProblem ?? 'Not signed in.')}
      </p>
      <form onSubmit={save} noValidate data-form="connection">
        <Field
          label="Backend URL"
          name="url"
          error={fieldErrors.url}
          hint={lockedUrl ? 'Set by your IT department: it cannot be changed here.' : 'For a local backend: http://127.0.0.1:8787'}
        >
          {(control) => (
            <span className="with-badge">
              <input {...control} type="url" value={shownUrl} readOnly={lockedUrl !== null} aria-readonly={lockedUrl !== null} onChange={(event) => setUrl(event.target.value)} />
              {lockedUrl && (
                <span className="badge locked" data-policy="backendUrl">
                  Set by your IT department
                </span>
              )}
            </span>
          )}
        </Field>
        <Field label="API key or token" name="credential" error={fieldErrors.credential} hint={credentialHint(saved)}>
          {(control) => <input {...control} type="password" autoComplete="off" value={credential} onChange={(event) => setCredential(event.target.value)} />}
        </Field>
        <div className="buttons">
          <button type="submit" className="primary" disabled={busy !== null}>
            {busy === 'save' ? 'Saving…' : 'Save'}
          </button>
          <button type="button" data-action="test-connection" disabled={busy !== null} onClick={test}>
            {busy === 'test' ? 'Testing…' : 'Test connection'}
          </button>
          <button type="button" data-action="sign-out" disabled={busy !== null || !saved?.hasCredential} onClick={signOut}>
            {busy === 'signOut' ? 'Signing out…' : 'Sign out'}
          </button>
        </div>
      </form>
      {notice && (
        <p role="status" className={`notice ${notice.kind}`}>
          {notice.text}
        </p>
      )}
    </section>
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
