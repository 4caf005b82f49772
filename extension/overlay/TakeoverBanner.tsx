// The orange takeover banner (SPEC §2.5): who holds it since when, when the AI resumes (emphasised near the end), Release to AI.
import { useState } from 'react';
import { ActionButton, ActionError } from './ActionButton';
import { takeoverHolderText } from './banner-wording';
import { HandIcon } from './HandIcon';
import type { OverlayActions } from './overlay-actions';
import type { ConversationView } from './overlay-model';
import { formatMinutesSeconds, isInReleaseWarning, msUntilReleaseWarning } from './time-format';
import { useAction } from './use-action';
import { useServerNow, systemClock, type Clock } from './use-server-now';

type Takeover = NonNullable<ConversationView['takeover']>;

/** Props of {@link TakeoverBanner}. */
export interface TakeoverBannerProps {
  takeover: Takeover;
  view: ConversationView;
  serverOffsetMs: number;
  /** One line (`data-compact="true"`), under an escalation banner. */
  compact: boolean;
  enabled: boolean;
  actions: OverlayActions;
  clock?: Clock;
}

/** Longest wait between re-renders before the warning period (re-checked sooner when it is near). */
const MAX_IDLE_TICK_MS = 30_000;

/**
 * The takeover banner. Ticks every second only inside the warning period (`in 4:59`); before that
 * it wakes up just in time to start the countdown.
 */
export function TakeoverBanner({ takeover, view, serverOffsetMs, compact, enabled, actions, clock = systemClock }: TakeoverBannerProps) {
  const untilWarning = msUntilReleaseWarning(takeover.autoReleaseAt, view.releaseWarningMinutes, clock() + serverOffsetMs);
  const tickMs = warningTick(takeover.warningActive, untilWarning);
  const now = useServerNow(serverOffsetMs, tickMs, clock);
  const release = useAction();
  // Released: wait for the background's fresh view (which removes the banner) without re-enabling.
  const [released, setReleased] = useState(false);

  const warning = isInReleaseWarning(takeover, view.releaseWarningMinutes, now);
  const remainingMs = takeover.autoReleaseAt === null ? null : Date.parse(takeover.autoReleaseAt) - now;

  return (
    <section
      className={`baton-banner baton-banner--takeover${compact ? ' baton-banner--compact' : ''}`}
      data-baton="takeover-banner"
      data-compact={compact ? 'true' : 'false'}
      role="region"
      aria-label="Takeover"
    >
      <div className="baton-banner-row">
        <p className="baton-facts">
          {!compact && (
            <strong className="baton-banner-title">
              <HandIcon />
              AI paused
            </strong>
          )}
          <span className="baton-fact" data-baton="takeover-holder">
            {takeoverHolderText(takeover, view)}
          </span>
          {takeover.warning !== null && (
            <span className="baton-fact baton-resumes" data-baton="takeover-resumes" data-emphasised={warning ? 'true' : 'false'}>
              {takeover.warning}
              {warning && remainingMs !== null && (
                <>
                  {' '}
                  <span className="baton-countdown" data-baton="takeover-countdown" role="timer">
                    in {formatMinutesSeconds(remainingMs)}
                  </span>
                </>
              )}
            </span>
          )}
        </p>
        <ActionButton
          baton="release"
          label="Release to AI"
          pending={release.pending}
          disabled={!enabled || released}
          title={enabled ? undefined : 'Baton is offline'}
          onClick={() =>
            void release.run(() => actions.release()).then((result) => {
              if (result?.ok) setReleased(true);
            })
          }
        />
      </div>
      {/* The visible m:ss is a timer (not announced every second); this polite line speaks once a minute. */}
      <span className="baton-sr-only" aria-live="polite">
        {warning && remainingMs !== null ? minutesLeftAnnouncement(remainingMs) : ''}
      </span>
      <ActionError message={release.error} />
    </section>
  );
}

/** Every second in the warning period; before it, just in time for its start (at most every 30 s). */
function warningTick(warningActive: boolean, untilWarning: number | null): number | null {
  if (warningActive) return 1000;
  if (untilWarning === null) return null;
  if (untilWarning <= 0) return 1000;
  return Math.min(MAX_IDLE_TICK_MS, Math.max(1000, Math.ceil(untilWarning / 1000) * 1000));
}

function minutesLeftAnnouncement(remainingMs: number): string {
  if (remainingMs <= 0) return 'AI resumes now';
  const minutes = Math.ceil(remainingMs / 60_000);
  return minutes === 1 ? 'AI resumes in less than a minute' : `AI resumes in ${minutes} minutes`;
}
