// The popup's "Mute notifications" switch: stored by the background; a failure puts the switch back and says why.
import { useEffect, useState } from 'react';

/** Props of {@link MuteToggle}. */
export interface MuteToggleProps {
  muted: boolean;
  setMuted(muted: boolean): Promise<{ muted: boolean }>;
}

/** A labelled checkbox (role switch) that mutes Baton's browser notifications. */
export function MuteToggle({ muted, setMuted }: MuteToggleProps) {
  const [shown, setShown] = useState(muted);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Follow the stored value when a re-read brings a different one (not merely because a set finished).
  useEffect(() => setShown(muted), [muted]);

  const onChange = async (next: boolean) => {
    setShown(next);
    setPending(true);
    setError(null);
    try {
      setShown((await setMuted(next)).muted);
    } catch (failure) {
      setShown(!next);
      setError(`Could not change notifications: ${failure instanceof Error ? failure.message : String(failure)}`);
    } finally {
      setPending(false);
    }
  };

  return (
    <div className="popup-mute">
      <label>
        <input type="checkbox" role="switch" data-popup="mute" checked={shown} disabled={pending} onChange={(event) => void onChange(event.currentTarget.checked)} />
        Mute notifications
      </label>
      {error && (
        <p className="popup-error" role="alert" data-popup="mute-error">
          {error}
        </p>
      )}
    </div>
  );
}
