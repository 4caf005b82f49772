// Standard Webhooks signing: the specification's own example, and secrets that are refused.
import { describe, expect, it } from 'vitest';
import { parseWebhookSecret, webhookHeaders } from './standard-webhooks.js';

describe('webhookHeaders', () => {
  it("signs the specification's example message like every Standard Webhooks library", () => {
    const key = parseWebhookSecret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    expect(webhookHeaders(key, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });
});

describe('parseWebhookSecret', () => {
  it.each([
    ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'must start with whsec_'],
    ['whsec_not base64!', 'followed by the key in base64'],
    ['whsec_c2hvcnQ=', 'must hold a key of 24 to 64 bytes (this one has 5)'],
  ])('refuses %s', (secret, message) => {
    expect(() => parseWebhookSecret(secret)).toThrow(message);
  });
});
