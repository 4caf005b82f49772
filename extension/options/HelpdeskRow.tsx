// One configured helpdesk in the options list: its address, its state in this browser, and what may be done with it.
import { useState } from 'react';
import type { HelpdeskAdapterConfig } from '../../shared/helpdesk-adapters';
import type { HelpdeskRegistrationView } from '../protocol/helpdesks';

export interface HelpdeskRowProps {
  adapter: HelpdeskAdapterConfig;
  /** Its state in this browser; null while unknown. */
  state: HelpdeskRegistrationView | null;
  canEdit: boolean;
  /** The add/edit form is open: no second edit meanwhile. */
  busyElsewhere: boolean;
  onGrant(): Promise<void>;
  onEdit(): void;
  onRemove(): Promise<void>;
}

/** The row; removing asks once more (it removes the helpdesk for every agent of the tenant). */
export function HelpdeskRow({ adapter, state, canEdit, busyElsewhere, onGrant, onEdit, onRemove }: HelpdeskRowProps) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState<'grant' | 'remove' | null>(null);
  const during = (kind: 'grant' | 'remove', action: () => Promise<void>) => () => {
    setBusy(kind);
    // Started inside the click: "Grant access" asks the browser, which needs the gesture.
    void action().finally(() => {
      setBusy(null);
      setConfirming(false);
    });
  };

  return (
    <li className="helpdesk" data-helpdesk={adapter.id} data-origin={adapter.origin}>
      <div className="helpdesk-head">
        <strong className="helpdesk-name">{adapter.name}</strong>
        <span className="helpdesk-origin">{adapter.origin}</span>
        <span className="hint">conversations from connector “{adapter.connector}”</span>
      </div>
      <div className="helpdesk-state">
        {state === null ? (
          <span className="state unknown">Checking this browser…</span>
        ) : (
          <>
            <span className={`state ${state.granted ? 'on' : 'off'}`} data-state="access" data-value={String(state.granted)}>
              {state.granted ? 'Access granted in this browser' : 'No access in this browser'}
            </span>
            <span className={`state ${state.registered ? 'on' : 'off'}`} data-state="banners" data-value={String(state.registered)}>
              {state.registered ? 'Banners active' : 'Banners not active'}
            </span>
            {!state.allowedByPolicy && (
              <span className="state blocked" data-state="policy">
                Not allowed by your IT policy
              </span>
            )}
          </>
        )}
      </div>
      <div className="buttons">
        {state && !state.granted && state.allowedByPolicy && (
          <button type="button" className="primary" data-action="grant" disabled={busy !== null} onClick={during('grant', onGrant)}>
            {busy === 'grant' ? 'Waiting for the browser…' : 'Grant access'}
          </button>
        )}
        {canEdit && !confirming && (
          <>
            <button type="button" data-action="edit" disabled={busy !== null || busyElsewhere} onClick={onEdit}>
              Edit
            </button>
            <button type="button" data-action="remove" disabled={busy !== null} onClick={() => setConfirming(true)}>
              Remove…
            </button>
          </>
        )}
        {canEdit && confirming && (
          <span className="confirm" role="group" aria-label={`Remove ${adapter.name}`}>
            <span>Remove {adapter.name} for every agent?</span>
            <button type="button" className="danger" data-action="confirm-remove" disabled={busy !== null} onClick={during('remove', onRemove)}>
              {busy === 'remove' ? 'Removing…' : 'Remove'}
            </button>
            <button type="button" disabled={busy !== null} onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </span>
        )}
      </div>
    </li>
  );
}
