// What a content script needs to mount the overlay: the three roots, their store and actions, the stylesheet.
export { BannerStack } from './BannerStack';
export { HeaderControls } from './HeaderControls';
export { ScheduledReplyBanner } from './ScheduledReplyBanner';
export { overlayCss } from './overlay-css';
export { createOverlayStore, useOverlayState, type OverlayState, type OverlayStore } from './overlay-store';
export { settleAction, actionFailure, type OverlayActions, type ActionFailure } from './overlay-actions';
export { createBackgroundOverlayActions, type SendToBackground } from './background-overlay-actions';
export type { OverlayRootProps } from './overlay-root';
export type { Clock } from './use-server-now';
