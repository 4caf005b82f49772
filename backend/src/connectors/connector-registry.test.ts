// Which connector carries a message: the conversation's RT ticket first, then the channel's connector, the tenant's webhook, the default.
import { describe, expect, it } from 'vitest';
import type { Connector } from './connector.js';
import { chooseConnector, type TenantConnectors } from './connector-registry.js';

const named = (name: string): Connector => ({ name, timeoutMs: 1000, deliver: async () => undefined });
const fallback = named('outbox');
const all: TenantConnectors = { rt: named('rt'), twilio: named('twilio'), smtp: named('smtp'), webhook: named('webhook') };
const none: TenantConnectors = { rt: null, twilio: null, smtp: null, webhook: null };

describe('chooseConnector', () => {
  it.each([
    ['an RT ticket, any channel', all, 'rt', 'sms', 'rt'],
    ['an RT ticket when the tenant removed RT', { ...all, rt: null }, 'rt', 'email', 'smtp'],
    ['SMS with Twilio', all, 'sms-gateway', 'sms', 'twilio'],
    ['email with SMTP', all, null, 'email', 'smtp'],
    ['SMS without Twilio: the tenant webhook', { ...none, smtp: named('smtp'), webhook: named('webhook') }, null, 'sms', 'webhook'],
    ['email without SMTP or webhook: the process default', { ...none, twilio: named('twilio') }, null, 'email', 'outbox'],
    ['nothing configured', none, 'rt', 'sms', 'outbox'],
  ] as const)('%s', (_case, built, ref, channel, expected) => {
    expect(chooseConnector(built, fallback, ref, channel).name).toBe(expected);
  });
});
