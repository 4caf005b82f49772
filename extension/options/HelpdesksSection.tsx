// Options › Helpdesks: the tenant's configured helpdesks with their state in this browser; admins add, edit, test and remove them.
import { useEffect, useRef, useState } from 'react';
import type { HelpdeskAdapterConfig } from '../../shared/helpdesk-adapters';
import { sendToBackground } from '../messaging';
import type { HelpdeskRegistrationView } from '../protocol/helpdesks';
import type { SettingsView } from '../protocol/options';
import type { ManagedPolicyView } from '../protocol/policy';
import { serverFieldErrors } from './field-errors';
import { Section } from './fields';
import { giveBackHelpdeskAccess, requestHelpdeskAccess, stillHasAccess } from './helpdesk-access';
import { draftFrom, emptyDraft, formErrorsFromServer } from './helpdesk-draft';
import { HelpdeskForm, type FormOutcome } from './HelpdeskForm';
import { HelpdeskRow } from './HelpdeskRow';
import './helpdesks.css';

type Notice = { kind: 'ok' | 'problem'; text: string } | null;
type Editing = { mode: 'add' } | { mode: 'edit'; adapter: HelpdeskAdapterConfig } | null;

const NO_POLICY: ManagedPolicyView = { backendUrl: null, allowedHelpdeskOrigins: null };

/**
 * The section. Adding asks the browser for access to the helpdesk's origin first, from the click;
 * declined, nothing is saved and the page says why. Removing saves the list without it, then gives
 * the access back. "Test on the current tab" asks for access too: cancelling the form gives it back
 * (unless a configured helpdesk uses that origin). Agents see the list read-only, with "Grant access"
 * where this browser lacks it.
 */
export function HelpdesksSection(props: { view: SettingsView; onSaved(view: SettingsView): void }) {
  const { view } = props;
  const adapters = view.settings.helpdeskAdapters;
  const [states, setStates] = useState<HelpdeskRegistrationView[] | null>(null);
  const [policy, setPolicy] = useState<ManagedPolicyView>(NO_POLICY);
  const [editing, setEditing] = useState<Editing>(null);
  const [notice, setNotice] = useState<Notice>(null);
  /** Origins the open form's tests asked access for; given back when the form is left without saving them. */
  const testedOrigins = useRef(new Set<string>());

  /** Re-reads the tenant's adapters in the background and (un)registers to match; the states come back. */
  async function sync(): Promise<void> {
    const result = await sendToBackground({ type: 'helpdesks.sync' }).catch((error: unknown) => ({ ok: false as const, message: String(error) }));
    if (result.ok) setStates(result.value);
    else setNotice({ kind: 'problem', text: `Could not check this browser’s helpdesk access: ${result.message}` });
  }

  useEffect(() => {
    sendToBackground({ type: 'policy.get' }).then(setPolicy, () => setPolicy(NO_POLICY));
    void sync();
  }, [view.version]);

  const allowedByPolicy = (origin: string) => policy.allowedHelpdeskOrigins === null || policy.allowedHelpdeskOrigins.includes(origin);
  const policyRefusal = (origin: string) =>
    `Your IT department’s policy allows helpdesks only at ${policy.allowedHelpdeskOrigins?.join(', ') || 'no origin at all'}; ${origin} is not one of them.`;
  const usedElsewhere = (origin: string, exceptId: string) => adapters.some((adapter) => adapter.origin === origin && adapter.id !== exceptId);

  /**
   * Gives back the access the form's tests asked for, except for `kept` (just saved) and origins a
   * configured helpdesk uses; the browser itself keeps its manifest hosts (127.0.0.1, localhost).
   */
  async function giveBackTestedAccess(kept: string | null, configured: HelpdeskAdapterConfig[]): Promise<void> {
    const origins = [...testedOrigins.current];
    testedOrigins.current.clear();
    for (const origin of origins) {
      if (origin === kept || configured.some((adapter) => adapter.origin === origin)) continue;
      await giveBackHelpdeskAccess(origin);
    }
  }

  async function cancel(): Promise<void> {
    setEditing(null);
    await giveBackTestedAccess(null, adapters);
  }

  /** Saves `list`; the failure as the form shows it (errors of the entry at `index` go to its fields). */
  async function saveList(list: HelpdeskAdapterConfig[], index: number): Promise<FormOutcome<SettingsView>> {
    const result = await sendToBackground({ type: 'settings.update', expectedVersion: view.version, patch: { helpdeskAdapters: list } });
    if (result.ok) return { ok: true, value: result.value };
    if (result.code === 'CONFLICT') return { ok: false, problem: `Nothing was saved: another admin changed the settings meanwhile (${result.message}). Reload the page to see their changes.` };
    const fieldErrors = formErrorsFromServer(serverFieldErrors(result), index);
    return { ok: false, fieldErrors, problem: `Nothing was saved: ${result.message}` };
  }

  // Called straight from the click: the permission request must be the first thing awaited.
  async function save(config: HelpdeskAdapterConfig): Promise<FormOutcome<null>> {
    if (!allowedByPolicy(config.origin)) return { ok: false, fieldErrors: { origin: policyRefusal(config.origin) }, problem: 'Nothing was saved: the policy does not allow this origin.' };
    const access = await requestHelpdeskAccess(config.origin);
    if (access.kind !== 'granted') {
      const why = access.kind === 'declined' ? 'the browser’s permission prompt was declined' : `the browser refused: ${access.reason}`;
      return {
        ok: false,
        fieldErrors: { origin: `Access to ${config.origin} was not granted` },
        problem: `${config.name} was not added: access to ${config.origin} was not granted (${why}). Baton needs it to show its banners on that helpdesk’s pages.`,
      };
    }
    const previous = editing?.mode === 'edit' ? editing.adapter : null;
    const index = previous ? adapters.findIndex((adapter) => adapter.id === previous.id) : adapters.length;
    const list = previous ? adapters.map((adapter) => (adapter.id === previous.id ? config : adapter)) : [...adapters, config];
    const saved = await saveList(list, index);
    if (!saved.ok) {
      if (!usedElsewhere(config.origin, config.id) && previous?.origin !== config.origin) await giveBackHelpdeskAccess(config.origin);
      return saved;
    }
    if (previous && previous.origin !== config.origin && !usedElsewhere(previous.origin, previous.id)) await giveBackHelpdeskAccess(previous.origin);
    await giveBackTestedAccess(config.origin, saved.value.settings.helpdeskAdapters);
    props.onSaved(saved.value);
    setEditing(null);
    setNotice({ kind: 'ok', text: `${config.name} saved. Baton’s banners show on its pages (${config.origin}) in every agent’s browser that grants access.` });
    await sync();
    return { ok: true, value: null };
  }

  async function test(config: HelpdeskAdapterConfig) {
    if (!allowedByPolicy(config.origin)) return { ok: false as const, fieldErrors: { origin: policyRefusal(config.origin) } };
    const access = await requestHelpdeskAccess(config.origin);
    if (access.kind === 'granted') testedOrigins.current.add(config.origin);
    if (access.kind !== 'granted') return { ok: false as const, problem: `Nothing was tested: Baton needs access to ${config.origin} to look into its tab, and it was not granted.` };
    const result = await sendToBackground({ type: 'helpdesks.testOnTab', config });
    if (result.ok) return { ok: true as const, value: result.value };
    return { ok: false as const, fieldErrors: result.fieldErrors ?? {}, problem: result.message };
  }

  async function remove(adapter: HelpdeskAdapterConfig): Promise<void> {
    setNotice(null);
    const saved = await saveList(
      adapters.filter((candidate) => candidate.id !== adapter.id),
      -1,
    );
    if (!saved.ok) {
      setNotice({ kind: 'problem', text: saved.problem ?? 'Nothing was removed.' });
      return;
    }
    let accessNote = '';
    if (!usedElsewhere(adapter.origin, adapter.id)) {
      await giveBackHelpdeskAccess(adapter.origin);
      accessNote = (await stillHasAccess(adapter.origin))
        ? ` This browser keeps access to ${adapter.origin}: Baton needs it for its own backend and demo.`
        : ` Baton gave its access to ${adapter.origin} back.`;
    }
    props.onSaved(saved.value);
    if (editing?.mode === 'edit' && editing.adapter.id === adapter.id) setEditing(null);
    setNotice({ kind: 'ok', text: `${adapter.name} removed: its banners are gone from ${adapter.origin} pages.${accessNote}` });
    await sync();
  }

  async function grant(adapter: HelpdeskAdapterConfig): Promise<void> {
    setNotice(null);
    const access = await requestHelpdeskAccess(adapter.origin);
    if (access.kind === 'granted') {
      await sync();
      setNotice({ kind: 'ok', text: `Access to ${adapter.origin} granted: reload its tabs to see Baton’s banners.` });
    } else {
      setNotice({ kind: 'problem', text: `Access to ${adapter.origin} was not granted, so Baton’s banners will not show on ${adapter.name} in this browser.` });
    }
  }

  const stateOf = (adapter: HelpdeskAdapterConfig) => states?.find((state) => state.adapterId === adapter.id) ?? null;

  return (
    <Section
      name="helpdesks"
      title="Helpdesks"
      intro="Baton shows its banners and Take Over button on the pages of these helpdesks. Each browser asks once for access to a helpdesk’s address; Baton asks for nothing else."
    >
      {policy.allowedHelpdeskOrigins !== null && (
        <p className="hint" data-policy="allowed-origins">
          <span className="badge locked">Set by your IT department</span> Helpdesks are allowed only at: {policy.allowedHelpdeskOrigins.join(', ') || 'none'}.
        </p>
      )}
      {adapters.length === 0 ? (
        <p className="empty">No helpdesk is configured yet{view.canEdit ? '' : ': an admin adds them here'}.</p>
      ) : (
        <ul className="helpdesk-list">
          {adapters.map((adapter) => (
            <HelpdeskRow
              key={adapter.id}
              adapter={adapter}
              state={stateOf(adapter)}
              canEdit={view.canEdit}
              busyElsewhere={editing !== null}
              onGrant={() => grant(adapter)}
              onEdit={() => {
                setNotice(null);
                setEditing({ mode: 'edit', adapter });
              }}
              onRemove={() => remove(adapter)}
            />
          ))}
        </ul>
      )}
      {notice && (
        <p className={`notice ${notice.kind}`} role={notice.kind === 'problem' ? 'alert' : 'status'} data-notice="helpdesks">
          {notice.text}
        </p>
      )}
      {!view.canEdit && view.readOnlyReason && <p className="read-only-reason">{view.readOnlyReason}</p>}
      {view.canEdit && editing === null && (
        <div className="buttons">
          <button
            type="button"
            data-action="add-helpdesk"
            onClick={() => {
              setNotice(null);
              setEditing({ mode: 'add' });
            }}
          >
            Add a helpdesk
          </button>
        </div>
      )}
      {view.canEdit && editing !== null && (
        <HelpdeskForm
          key={editing.mode === 'edit' ? editing.adapter.id : 'new'}
          mode={editing.mode}
          initial={editing.mode === 'edit' ? draftFrom(editing.adapter) : emptyDraft()}
          onSave={save}
          onTest={test}
          onCancel={() => void cancel()}
        />
      )}
    </Section>
  );
}
