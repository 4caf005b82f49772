// The options page: the connection first; once signed in, the tenant settings, routing rules and
// configured helpdesks (read-only, with the reason, for non-admins), and the connectors (admins only).
import { useCallback, useEffect, useState } from 'react';
import { sendToBackground } from '../messaging';
import type { MeView, SettingsView } from '../protocol/options';
import type { ManagedPolicyView } from '../protocol/policy';
import { ConnectionSection } from './ConnectionSection';
import { ConnectorsSection } from './ConnectorsSection';
import { HelpdesksSection } from './HelpdesksSection';
import { RoutingRulesSection } from './RoutingRulesSection';
import { SettingsForm } from './SettingsForm';

const NO_POLICY: ManagedPolicyView = { backendUrl: null, allowedHelpdeskOrigins: null };

/** What the page knows about who is signed in and the tenant's settings. */
type Session =
  | { state: 'loading' }
  | { state: 'signed-out'; problem: string }
  | { state: 'signed-in'; me: MeView; settings: SettingsView | null; settingsProblem: string | null };

/** The options page. */
export function OptionsPage() {
  const [policy, setPolicy] = useState<ManagedPolicyView>(NO_POLICY);
  const [session, setSession] = useState<Session>({ state: 'loading' });
  // A new key remounts the settings sections after sign-in / sign-out, so no stale draft survives.
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    // No policy handler (or a failure) means no policy: the agent chooses the backend.
    sendToBackground({ type: 'policy.get' }).then(setPolicy, () => setPolicy(NO_POLICY));
  }, []);

  const load = useCallback(async () => {
    const me = await sendToBackground({ type: 'me.get' }).catch((error: unknown) => ({ ok: false as const, message: String(error) }));
    if (!me.ok) {
      setSession({ state: 'signed-out', problem: me.message });
      return;
    }
    const settings = await sendToBackground({ type: 'settings.get' }).catch((error: unknown) => ({ ok: false as const, message: String(error) }));
    setSession({ state: 'signed-in', me: me.value, settings: settings.ok ? settings.value : null, settingsProblem: settings.ok ? null : settings.message });
    setGeneration((current) => current + 1);
  }, []);

  useEffect(() => void load(), [load]);

  const setSettings = (settings: SettingsView) => setSession((current) => (current.state === 'signed-in' ? { ...current, settings } : current));
  const signedIn = session.state === 'signed-in' ? session : null;

  return (
    <main>
      <header className="page-head">
        <h1>Baton options</h1>
        <p className="intro">Connect this browser to your Baton backend. Admins also set how the AI and takeovers behave for the whole team here.</p>
      </header>
      <ConnectionSection policy={policy} me={signedIn?.me ?? null} meProblem={session.state === 'signed-out' ? session.problem : null} onChanged={() => void load()} />
      {signedIn?.settingsProblem && (
        <p className="notice problem" data-notice="settings-load">
          Could not load the tenant settings: {signedIn.settingsProblem}
        </p>
      )}
      {signedIn?.settings && (
        <div key={generation} className="tenant">
          <h2 className="tenant-title">Settings for {signedIn.me.tenantSlug}</h2>
          <SettingsForm view={signedIn.settings} onViewChange={setSettings} />
          <RoutingRulesSection teams={signedIn.settings.teams} />
          <HelpdesksSection view={signedIn.settings} onSaved={setSettings} />
          <ConnectorsSection view={signedIn.settings} onSaved={setSettings} />
        </div>
      )}
    </main>
  );
}
