// The red escalation banner (SPEC §5.4): team, reason, trigger, time open, cycle — team and cycle absent when redacted.
import { useRef, useState } from 'react';
import { ActionButton } from './ActionButton';
import { triggerLabel } from './banner-wording';
import type { OverlayActions } from './overlay-actions';
import type { ConversationView, EscalationBanner as Escalation } from './overlay-model';
import { ResolveForm } from './ResolveForm';
import { formatEscalationAge } from './time-format';
import { useServerNow, type Clock } from './use-server-now';

/** Props of {@link EscalationBanner}. */
export interface EscalationBannerProps {
  escalation: Escalation;
  view: ConversationView;
  serverOffsetMs: number;
  enabled: boolean;
  actions: OverlayActions;
  clock?: Clock;
}

/** Refreshes "open 12 min" often enough for a minute-granular figure. */
const AGE_TICK_MS = 15_000;

/**
 * The escalation banner with its Resolve Escalation form. In HIPAA mode the API omits team and
 * cycle (`redacted`): nothing of them is rendered, not even hidden.
 */
export function EscalationBanner({ escalation, view, serverOffsetMs, enabled, actions, clock }: EscalationBannerProps) {
  const now = useServerNow(serverOffsetMs, AGE_TICK_MS, clock);
  const [formOpen, setFormOpen] = useState(false);
  const resolveButton = useRef<HTMLButtonElement>(null);
  const team = escalation.redacted ? null : escalation.team;

  const closeForm = () => {
    setFormOpen(false);
    resolveButton.current?.focus();
  };

  return (
    <section className="baton-banner baton-banner--escalation" data-baton="escalation-banner" role="region" aria-label="Escalation">
      <div className="baton-banner-row">
        <p className="baton-facts">
          <strong className="baton-banner-title">
            Escalated
            {team !== null && (
              <>
                {' to '}
                <span data-baton="escalation-team">{team.name}</span>
              </>
            )}
          </strong>
          <span className="baton-fact baton-fact--reason" data-baton="escalation-reason">
            {escalation.reason}
          </span>
          <span className="baton-fact" data-baton="escalation-trigger">
            {triggerLabel(escalation.trigger)}
          </span>
          <span className="baton-fact" data-baton="escalation-age">
            {formatEscalationAge(now - Date.parse(escalation.openedAt))}
          </span>
          {!escalation.redacted && (
            <span className="baton-fact" data-baton="escalation-cycle">
              Cycle {escalation.cycle}
            </span>
          )}
        </p>
        <ActionButton
          ref={resolveButton}
          baton="resolve"
          label="Resolve Escalation"
          ariaExpanded={formOpen}
          disabled={!enabled}
          title={enabled ? undefined : 'Baton is offline'}
          onClick={() => (formOpen ? closeForm() : setFormOpen(true))}
        />
      </div>
      {formOpen && (
        <ResolveForm
          escalationId={escalation.id}
          reasons={view.resolveReasons}
          canResolve={view.viewer.canResolve}
          enabled={enabled}
          actions={actions}
          onClose={closeForm}
        />
      )}
    </section>
  );
}
