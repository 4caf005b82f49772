// Popup: "Baton", the backend it talks to and whether that backend answers (asked of the background).
import { useEffect, useState } from 'react';
import { browser } from 'wxt/browser';
import { sendToBackground, type BackendConfigView, type BackendStatusView } from '../../extension/messaging';

type Loaded =
  | { state: 'loading' }
  | { state: 'failed'; error: string }
  | { state: 'ready'; status: BackendStatusView; config: BackendConfigView };

/** The popup page. */
export function App() {
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });

  useEffect(() => {
    let current = true;
    Promise.all([sendToBackground({ type: 'backend.status' }), sendToBackground({ type: 'config.get' })]).then(
      ([status, config]) => current && setLoaded({ state: 'ready', status, config }),
      (error: unknown) => current && setLoaded({ state: 'failed', error: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      current = false;
    };
  }, []);

  return (
    <main>
      <h1>Baton</h1>
      {loaded.state === 'loading' && <p>Checking the backend…</p>}
      {loaded.state === 'failed' && <p className="problem">{loaded.error}</p>}
      {loaded.state === 'ready' && <BackendSummary status={loaded.status} config={loaded.config} />}
      <button type="button" onClick={() => void browser.runtime.openOptionsPage()}>
        Options
      </button>
    </main>
  );
}

function BackendSummary({ status, config }: { status: BackendStatusView; config: BackendConfigView }) {
  if (!status.configured) return <p className="problem">No backend configured yet: set its URL and your credential in Options.</p>;
  const credential = config.credentialKind === 'api_key' ? `API key ${config.credentialHint ?? 'bk_'}…` : 'token';
  return (
    <>
      <p>
        Backend <code>{status.url}</code> with {credential}
      </p>
      {status.healthy ? (
        <p className="ok">Reachable (HTTP {status.status})</p>
      ) : (
        <p className="problem">{status.reachable ? 'Reachable but not healthy' : 'Not reachable'}: {status.error}</p>
      )}
    </>
  );
}
