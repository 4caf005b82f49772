// `baton-banners`: the stack at the top of the thread — connection notice, escalation, cooldown, takeover, timeline drawer.
import { actionsAvailable, connectionNotice } from './banner-wording';
import { EscalationBanner } from './EscalationBanner';
import { knownThread, type OverlayRootProps } from './overlay-root';
import { useOverlayState } from './overlay-store';
import type { ConversationView } from './overlay-model';
import { TakeoverBanner } from './TakeoverBanner';
import { TimelineDrawer } from './TimelineDrawer';
import { systemClock } from './use-server-now';

/**
 * The banner stack of the watched thread (SPEC §5.11): escalation on top, the takeover banner
 * compact beneath it when both show; "Not handled by Baton" for a thread Baton does not know; the
 * offline / unauthorized / unconfigured notice with every action disabled (the last known banners
 * stay visible under it).
 *
 * @example createShadowRootUi(ctx, { name: 'baton-banners', css: overlayCss, onMount: (el) => render(<BannerStack store={store} actions={actions} />) })
 */
export function BannerStack({ store, actions, clock = systemClock }: OverlayRootProps) {
  const { connection, thread, timeline } = useOverlayState(store);
  const notice = connectionNotice(connection, thread);
  const enabled = actionsAvailable(connection, thread);
  const known = knownThread(thread);
  const view = known?.view ?? null;
  const escalation = view?.escalation?.status === 'open' ? view.escalation : null;

  return (
    <div className="baton-root baton-stack">
      {notice !== null && (
        <p className="baton-notice baton-notice--offline" data-baton="offline" role="status">
          {notice}
        </p>
      )}
      {thread?.kind === 'unknown' && (
        <p className="baton-notice baton-notice--quiet" data-baton="not-handled">
          Not handled by Baton
        </p>
      )}
      {known !== null && view !== null && (
        <>
          {escalation !== null && (
            <EscalationBanner
              key={escalation.id}
              escalation={escalation}
              view={view}
              serverOffsetMs={known.serverOffsetMs}
              enabled={enabled}
              actions={actions}
              clock={clock}
            />
          )}
          {view.cooldown !== null && (
            <p className="baton-notice baton-notice--cooldown" data-baton="cooldown">
              {view.cooldown.text}
            </p>
          )}
          {view.takeover !== null && (
            <TakeoverBanner
              key={takeoverKey(view.takeover)}
              takeover={view.takeover}
              view={view}
              serverOffsetMs={known.serverOffsetMs}
              compact={escalation !== null}
              enabled={enabled}
              actions={actions}
              clock={clock}
            />
          )}
          {timeline.open && (
            <TimelineDrawer
              store={store}
              actions={actions}
              timeline={timeline}
              conversationId={view.id}
              timeZone={view.timeZone}
              nowMs={clock() + known.serverOffsetMs}
            />
          )}
        </>
      )}
    </div>
  );
}

/** A new takeover (another holder or start) gets a fresh banner: no "released" state carries over. */
function takeoverKey(takeover: NonNullable<ConversationView['takeover']>): string {
  return `${takeover.holder?.agentId ?? 'rule'}@${takeover.since ?? ''}`;
}
