// The timeline drawer in the banner stack: the conversation's events and messages (who, what, when in the tenant zone).
import { useEffect, useId, useRef, type KeyboardEvent } from 'react';
import { ActionButton, ActionError } from './ActionButton';
import type { OverlayActions } from './overlay-actions';
import type { OverlayStore } from './overlay-store';
import { formatTimelineTime } from './time-format';
import { loadNewestTimelinePage, loadOlderTimelinePage } from './timeline-loader';
import { timelineFocusTaken, timelineNeedsFirstPage, timelineOpened, timelineRetry, type TimelineState } from './timeline-state';

/** Props of {@link TimelineDrawer}. */
export interface TimelineDrawerProps {
  store: OverlayStore;
  actions: OverlayActions;
  timeline: TimelineState;
  conversationId: string;
  /** The tenant zone of the view (until a page brings its own). */
  timeZone: string;
  /** The server's now, to tell today's entries from older ones. */
  nowMs: number;
}

/** The open drawer: loads the newest page on open and after each change; "Load older" pages back. */
export function TimelineDrawer({ store, actions, timeline, conversationId, timeZone, nowMs }: TimelineDrawerProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  const headingId = useId();

  useEffect(() => {
    if (timelineNeedsFirstPage(timeline, conversationId)) void loadNewestTimelinePage(store, actions, conversationId);
  }, [timeline, conversationId, store, actions]);

  const focusDrawer = timeline.focus === 'drawer';
  useEffect(() => {
    if (!focusDrawer) return;
    heading.current?.focus();
    store.updateTimeline(timelineFocusTaken);
  }, [focusDrawer, store]);

  const close = () => store.updateTimeline((current) => timelineOpened(current, false));
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    close();
  };

  const shown = timeline.conversationId === conversationId ? timeline.entries : [];
  const zone = timeline.timeZone ?? timeZone;
  const loadingFirst = timeline.loading === 'first' && shown.length === 0;
  const loadedEmpty = timeline.loadedRevision !== null && timeline.loading === null && shown.length === 0 && timeline.error === null;

  return (
    <section className="baton-drawer" data-baton="timeline" role="region" aria-labelledby={headingId} onKeyDown={onKeyDown}>
      <div className="baton-drawer-head">
        <h2 className="baton-drawer-title" id={headingId} ref={heading} tabIndex={-1}>
          Timeline
        </h2>
        <ActionButton baton="timeline-close" label="Close" onClick={close} />
      </div>
      {loadingFirst && (
        <p className="baton-muted" role="status">
          Loading…
        </p>
      )}
      {loadedEmpty && <p className="baton-muted">Nothing has happened in this conversation yet.</p>}
      {shown.length > 0 && (
        <ol className="baton-timeline-list">
          {shown.map((entry) => (
            <li key={entry.id} className={`baton-timeline-entry baton-timeline-entry--${entry.kind}`} data-baton="timeline-entry" data-kind={entry.kind}>
              <span className="baton-timeline-actor">{entry.actor.name}</span>
              <span className="baton-timeline-text">{entry.text}</span>
              <time className="baton-timeline-time" dateTime={entry.at}>
                {formatTimelineTime(entry.at, zone, nowMs)}
              </time>
            </li>
          ))}
        </ol>
      )}
      <ActionError message={timeline.error} />
      {timeline.error !== null && (
        <ActionButton baton="timeline-retry" label="Try again" onClick={() => store.updateTimeline(timelineRetry)} />
      )}
      {timeline.nextCursor !== null && shown.length > 0 && (
        <ActionButton
          baton="timeline-more"
          label="Load older"
          pending={timeline.loading === 'older'}
          disabled={timeline.loading !== null}
          onClick={() => void loadOlderTimelinePage(store, actions, conversationId)}
        />
      )}
    </section>
  );
}
