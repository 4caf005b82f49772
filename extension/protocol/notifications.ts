// Notification preferences (issue 10): the popup's mute toggle.
export type NotificationsRequest = { type: 'notifications.getMuted' } | { type: 'notifications.setMuted'; muted: boolean };

export interface NotificationsResponses {
  'notifications.getMuted': { muted: boolean };
  'notifications.setMuted': { muted: boolean };
}
