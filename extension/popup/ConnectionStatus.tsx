// The popup's connection pill (online / offline / credential refused / not set up), with the way to Options when that is the fix.
import type { ConnectionState } from '../messaging';
import { connectionLabel } from './popup-wording';

/** Props of {@link ConnectionStatus}. */
export interface ConnectionStatusProps {
  connection: ConnectionState;
  onOpenOptions(): void;
}

/**
 * The connection in a word (`Connected`, `Offline — retrying`, `Credential refused`, `Not set up`),
 * and for the last two the reason and an "Open Options" button.
 *
 * @example <ConnectionStatus connection={{ state: 'online' }} onOpenOptions={client.openOptions} />
 */
export function ConnectionStatus({ connection, onOpenOptions }: ConnectionStatusProps) {
  const { text, needsOptions } = connectionLabel(connection);
  return (
    <div className="popup-connection" data-popup="connection" data-state={connection.state}>
      <span className={`popup-pill popup-pill--${connection.state}`} role="status">
        <span className="popup-dot" aria-hidden="true" />
        {text}
      </span>
      {connection.state !== 'online' && (
        <p className="popup-connection-message" data-popup="connection-message">
          {connection.message}
        </p>
      )}
      {needsOptions && (
        <button type="button" className="popup-button popup-button--primary" data-popup="open-options" onClick={onOpenOptions}>
          Open Options
        </button>
      )}
    </div>
  );
}
