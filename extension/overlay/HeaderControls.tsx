// `baton-header`: the Take Over button (with the transfer confirmation) and the Timeline toggle, in the thread header.
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { ActionButton, ActionError } from './ActionButton';
import { actionsAvailable, transferQuestion, viewerHolds } from './banner-wording';
import { HandIcon } from './HandIcon';
import type { OverlayActions } from './overlay-actions';
import { knownThread, type KnownThread, type OverlayRootProps } from './overlay-root';
import { useOverlayState } from './overlay-store';
import { timelineFocusTaken, timelineOpened } from './timeline-state';
import { useAction } from './use-action';

/**
 * The header controls of a thread Baton knows. Renders nothing for an unknown or unavailable thread
 * (the banner stack says why).
 *
 * @example createShadowRootUi(ctx, { name: 'baton-header', css: overlayCss, onMount: (el) => render(<HeaderControls store={store} actions={actions} />) })
 */
export function HeaderControls({ store, actions }: OverlayRootProps) {
  const state = useOverlayState(store);
  const toggleButton = useRef<HTMLButtonElement>(null);
  const focusToggle = state.timeline.focus === 'toggle';
  useEffect(() => {
    if (!focusToggle) return;
    toggleButton.current?.focus(); // the drawer (another shadow root) was closed: focus comes back here
    store.updateTimeline(timelineFocusTaken);
  }, [focusToggle, store]);
  const known = knownThread(state.thread);
  if (known === null) return null;
  const enabled = actionsAvailable(state.connection, state.thread);
  return (
    <div className="baton-root baton-header">
      {/* keyed by conversation: a half-open confirmation never carries over to another thread */}
      <TakeOverControl key={known.view.id} known={known} actions={actions} enabled={enabled} />
      <ActionButton
        ref={toggleButton}
        baton="timeline-toggle"
        label="Timeline"
        ariaExpanded={state.timeline.open}
        // Offline the timeline cannot load: disabled like every action (an open drawer can still be closed).
        disabled={!enabled && !state.timeline.open}
        onClick={() => store.updateTimeline((timeline) => timelineOpened(timeline))}
      />
    </div>
  );
}

interface TakeOverControlProps {
  known: KnownThread;
  actions: OverlayActions;
  enabled: boolean;
}

/** Take Over, hidden while the viewer holds the conversation; a transfer from another agent asks first. */
function TakeOverControl({ known: { view }, actions, enabled }: TakeOverControlProps) {
  const takeOver = useAction();
  const [confirming, setConfirming] = useState(false);
  const takeOverButton = useRef<HTMLButtonElement>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const questionId = useId();
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);
  if (viewerHolds(view)) return null;

  const holder = view.takeover?.holder ?? null; // null: nobody, or a routing rule's hold (no confirmation needed)
  const offlineTitle = enabled ? undefined : 'Baton is offline';

  const start = (expectedHolderId: string | null) => {
    void takeOver.run(() => actions.takeOver(expectedHolderId)).then((result) => {
      setConfirming(false);
      if (result && !result.ok) takeOverButton.current?.focus();
    });
  };
  const cancel = () => {
    setConfirming(false);
    takeOverButton.current?.focus();
  };
  const onConfirmKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      cancel();
    }
  };

  return (
    <>
      <ActionButton
        ref={takeOverButton}
        baton="take-over"
        label="Take Over"
        variant="primary"
        icon={<HandIcon />}
        pending={takeOver.pending && !confirming}
        disabled={!enabled}
        ariaExpanded={holder !== null ? confirming : undefined}
        title={offlineTitle}
        onClick={() => {
          takeOver.clearError();
          if (holder === null) start(null);
          else setConfirming(true);
        }}
      />
      {confirming && holder !== null && (
        <div className="baton-confirm" data-baton="transfer-confirm" role="group" aria-labelledby={questionId} onKeyDown={onConfirmKeyDown}>
          <span id={questionId}>{transferQuestion(holder.name)}</span>
          <ActionButton
            baton="transfer-confirm-yes"
            label="Yes, take over"
            variant="primary"
            pending={takeOver.pending}
            disabled={!enabled}
            title={offlineTitle}
            ref={confirmButton}
            onClick={() => start(holder.agentId)}
          />
          <ActionButton baton="transfer-cancel" label="Cancel" disabled={takeOver.pending} onClick={cancel} />
        </div>
      )}
      <ActionError message={takeOver.error} />
    </>
  );
}
