// The toolbar popup: connection, this tab's thread with its toggle, my takeovers, my teams' escalations, the mute switch.
import { useCallback, useEffect, useRef, useState } from 'react';
import { systemClock, useServerNow, type Clock } from '../overlay/use-server-now';
import type { PopupState } from '../protocol/popup';
import { ConnectionStatus } from './ConnectionStatus';
import { CurrentTab } from './CurrentTab';
import { EscalationList } from './EscalationList';
import { MuteToggle } from './MuteToggle';
import type { PopupClient } from './popup-client';
import { TakeoverList } from './TakeoverList';
import { useOpenConversation } from './use-open-conversation';

/** How often an open popup re-reads its state (lists and this tab follow changes made elsewhere). */
export const POPUP_REFRESH_MS = 3_000;

/** Props of {@link PopupApp}. */
export interface PopupAppProps {
  client: PopupClient;
  /** The tab the popup is about (its window's active tab); null: none. */
  tabId: number | null;
  refreshMs?: number;
  clock?: Clock;
}

type Loaded = { state: 'loading' } | { state: 'failed'; error: string } | { state: 'ready'; popup: PopupState };

/**
 * The popup page. Reads `popup.state` on open, every {@link POPUP_REFRESH_MS} and after each action;
 * an answer older than one already shown is dropped. Time left ticks every second on the server clock.
 */
export function PopupApp({ client, tabId, refreshMs = POPUP_REFRESH_MS, clock = systemClock }: PopupAppProps) {
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const sequence = useRef(0);
  const shown = useRef(0);

  const reload = useCallback(async () => {
    const asked = ++sequence.current;
    try {
      const popup = await client.state(tabId);
      if (asked < shown.current) return;
      shown.current = asked;
      setLoaded({ state: 'ready', popup });
    } catch (error) {
      if (asked < shown.current) return;
      shown.current = asked;
      setLoaded((previous) => (previous.state === 'ready' ? previous : { state: 'failed', error: error instanceof Error ? error.message : String(error) }));
    }
  }, [client, tabId]);

  useEffect(() => {
    void reload();
    const interval = setInterval(() => void reload(), refreshMs);
    return () => clearInterval(interval);
  }, [reload, refreshMs]);

  const opener = useOpenConversation(client.openConversation);
  const serverNowMs = useServerNow(loaded.state === 'ready' ? loaded.popup.serverOffsetMs : 0, 1_000, clock);

  return (
    <main className="popup" aria-busy={loaded.state === 'loading' ? true : undefined}>
      <header className="popup-header">
        <h1>Baton</h1>
        {loaded.state === 'ready' && <ConnectionStatus connection={loaded.popup.connection} onOpenOptions={client.openOptions} />}
      </header>
      {loaded.state === 'loading' && <p className="popup-quiet" data-popup="loading">Loading…</p>}
      {loaded.state === 'failed' && (
        <p className="popup-error" role="alert" data-popup="failed">
          Baton’s background did not answer: {loaded.error}
        </p>
      )}
      {loaded.state === 'ready' && <PopupBody popup={loaded.popup} client={client} serverNowMs={serverNowMs} opener={opener} reload={reload} />}
      <footer className="popup-footer">
        {loaded.state === 'ready' && <MuteToggle muted={loaded.popup.notificationsMuted} setMuted={client.setMuted} />}
        <button type="button" className="popup-link" data-popup="options" onClick={client.openOptions}>
          Options
        </button>
      </footer>
    </main>
  );
}

function PopupBody({ popup, client, serverNowMs, opener, reload }: { popup: PopupState; client: PopupClient; serverNowMs: number; opener: ReturnType<typeof useOpenConversation>; reload: () => Promise<void> }) {
  const { state } = popup.connection;
  // Not set up / credential refused: the header says so and offers Options; nothing else can work.
  if (state === 'unconfigured' || state === 'unauthorized') return null;
  const onChanged = () => void reload();
  return (
    <>
      <CurrentTab currentTab={popup.currentTab} canAct={state === 'online'} takeOver={client.takeOver} release={client.release} onChanged={onChanged} />
      {state === 'offline' ? (
        <p className="popup-quiet popup-section" data-popup="lists-offline">
          Your takeovers and your teams’ escalations show again when Baton reconnects.
        </p>
      ) : (
        <>
          <TakeoverList result={popup.myTakeovers} serverNowMs={serverNowMs} canAct release={client.release} opener={opener} onChanged={onChanged} />
          <EscalationList result={popup.myEscalations} serverNowMs={serverNowMs} opener={opener} />
        </>
      )}
    </>
  );
}
