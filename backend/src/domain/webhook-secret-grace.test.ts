// Which webhook secrets are accepted around a rotation, and what a rotation keeps.
import { describe, expect, it } from 'vitest';
import { acceptedWebhookSecrets, DEFAULT_WEBHOOK_SECRET_GRACE_SECONDS, rotateWebhookSecret, type WebhookSecrets } from './webhook-secret-grace.js';

const NOW = new Date('2026-12-03T12:00:00.000Z');
const at = (offsetSeconds: number) => new Date(NOW.getTime() + offsetSeconds * 1000);
const neverRotated: WebhookSecrets = { webhookSecret: 's1', previousWebhookSecret: null, previousWebhookSecretUntil: null };

describe('acceptedWebhookSecrets', () => {
  it.each([
    ['never rotated', neverRotated, ['s1']],
    ['previous secret in grace', { webhookSecret: 's2', previousWebhookSecret: 's1', previousWebhookSecretUntil: at(1) }, ['s2', 's1']],
    ['grace ends exactly now', { webhookSecret: 's2', previousWebhookSecret: 's1', previousWebhookSecretUntil: NOW }, ['s2']],
    ['grace over', { webhookSecret: 's2', previousWebhookSecret: 's1', previousWebhookSecretUntil: at(-1) }, ['s2']],
    ['a previous secret without an end (not written by rotate)', { webhookSecret: 's2', previousWebhookSecret: 's1', previousWebhookSecretUntil: null }, ['s2']],
  ] as const)('%s → %j', (_, secrets, accepted) => {
    expect(acceptedWebhookSecrets(secrets as WebhookSecrets, NOW)).toEqual(accepted);
  });
});

describe('rotateWebhookSecret', () => {
  it('keeps the current secret as the previous one for the grace period (24 hours by default)', () => {
    expect(DEFAULT_WEBHOOK_SECRET_GRACE_SECONDS).toBe(86_400);
    expect(rotateWebhookSecret(neverRotated, 's2', NOW, DEFAULT_WEBHOOK_SECRET_GRACE_SECONDS)).toEqual({
      webhookSecret: 's2', previousWebhookSecret: 's1', previousWebhookSecretUntil: new Date('2026-12-04T12:00:00.000Z'),
    });
  });

  it('drops the oldest secret on a second rotation, even inside the first grace', () => {
    const once = rotateWebhookSecret(neverRotated, 's2', NOW, 3600);
    const twice = rotateWebhookSecret(once, 's3', at(60), 3600);
    expect(twice).toEqual({ webhookSecret: 's3', previousWebhookSecret: 's2', previousWebhookSecretUntil: at(3660) });
    expect(acceptedWebhookSecrets(twice, at(61))).toEqual(['s3', 's2']);
  });

  it('keeps no previous secret with a grace of 0', () => {
    expect(rotateWebhookSecret(neverRotated, 's2', NOW, 0)).toEqual({ webhookSecret: 's2', previousWebhookSecret: null, previousWebhookSecretUntil: null });
  });
});
