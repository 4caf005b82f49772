// Webhook-secret rotation with a grace period (issue 14 item 4): after a rotation the previous secret
// still signs valid webhooks until its grace ends, so connectors can switch over without losing messages.

/** How long the previous secret stays valid after a rotation unless BATON_WEBHOOK_SECRET_GRACE_SECONDS says otherwise. */
export const DEFAULT_WEBHOOK_SECRET_GRACE_SECONDS = 24 * 3600;

export interface WebhookSecrets {
  webhookSecret: string;
  /** The secret before the last rotation; null: never rotated, or its grace was dropped by a later rotation. */
  previousWebhookSecret: string | null;
  /** Until when the previous secret is accepted; null when there is none. */
  previousWebhookSecretUntil: Date | null;
}

/**
 * The secrets a webhook signed at `now` may use: the current one, and the previous one while its grace lasts.
 * @example acceptedWebhookSecrets(tenant, clock.now()) // ['whsec_new…', 'whsec_old…']
 */
export function acceptedWebhookSecrets(secrets: WebhookSecrets, now: Date): string[] {
  const { webhookSecret, previousWebhookSecret, previousWebhookSecretUntil } = secrets;
  const inGrace = previousWebhookSecret !== null && previousWebhookSecretUntil !== null && now.getTime() < previousWebhookSecretUntil.getTime();
  return inGrace ? [webhookSecret, previousWebhookSecret] : [webhookSecret];
}

/**
 * The secrets after rotating to `nextSecret` at `now`: the current one becomes the previous one for
 * `graceSeconds`; the one before it (if any) is dropped. A grace of 0 keeps no previous secret.
 */
export function rotateWebhookSecret(current: WebhookSecrets, nextSecret: string, now: Date, graceSeconds: number): WebhookSecrets {
  if (graceSeconds <= 0) return { webhookSecret: nextSecret, previousWebhookSecret: null, previousWebhookSecretUntil: null };
  return { webhookSecret: nextSecret, previousWebhookSecret: current.webhookSecret, previousWebhookSecretUntil: new Date(now.getTime() + graceSeconds * 1000) };
}
