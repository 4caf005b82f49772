// The Twilio connector's request and its refusals in words (sending against a Twilio-shaped
// server on 127.0.0.1 is test/integration/connector-twilio.test.ts).
import { describe, expect, it } from 'vitest';
import type { OutboundMessage } from './connector.js';
import { createTwilioConnector, describeTwilioRefusal, twilioFormOf, twilioMessagesUrl } from './twilio.connector.js';

const message: OutboundMessage = {
  tenantId: 't-1',
  conversationId: 'c-1',
  channel: 'sms',
  body: 'We open at 9 & close at 5.',
  author: 'ai',
  agentId: null,
  idempotencyKey: 'reply-1',
  externalConversation: { connector: 'twilio', externalId: '+15551230001' },
  recipient: { name: 'Ada', phone: '+15551230001', email: null },
  thread: { subject: null, lastInboundExternalId: null },
};
const TOKEN = 'f3c1d2e4a5b6c7d8e9f0a1b2c3d4e5f6';

describe('twilioMessagesUrl', () => {
  it.each([
    ['https://api.twilio.com', 'https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json'],
    ['http://127.0.0.1:4010/', 'http://127.0.0.1:4010/2010-04-01/Accounts/AC123/Messages.json'],
  ])('%s', (baseUrl, expected) => {
    expect(twilioMessagesUrl(baseUrl, 'AC123')).toBe(expected);
  });
});

describe('twilioFormOf', () => {
  it("sends the body to the lead's phone from the configured number", () => {
    expect(Object.fromEntries(twilioFormOf(message, '+15557770000'))).toEqual({ To: '+15551230001', From: '+15557770000', Body: 'We open at 9 & close at 5.' });
  });

  it('lets a Messaging Service pick the sender', () => {
    const serviceSid = `MG${'a'.repeat(32)}`;
    expect(Object.fromEntries(twilioFormOf(message, serviceSid))).toEqual({ To: '+15551230001', MessagingServiceSid: serviceSid, Body: 'We open at 9 & close at 5.' });
  });

  it('refuses a lead without a phone number, before any request', async () => {
    const noPhone = { ...message, recipient: { name: 'Ada', phone: null, email: 'ada@example.test' } };
    expect(() => twilioFormOf(noPhone, '+15557770000')).toThrow('the customer has no phone number on file to send the SMS to');
    // Nothing listens on port 9: a request would fail differently.
    const connector = createTwilioConnector({ baseUrl: 'http://127.0.0.1:9', accountSid: 'AC1', authToken: TOKEN, fromNumber: '+15557770000' });
    await expect(connector.deliver(noPhone)).rejects.toThrow('no phone number');
  });
});

describe('describeTwilioRefusal', () => {
  it.each([
    [401, '{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}', 'Twilio answered 401: Authenticate (Twilio error 20003); check the account SID and auth token'],
    [400, `{"code":21211,"message":"The 'To' number +1555 is not a valid phone number.","status":400}`, "Twilio answered 400: The 'To' number +1555 is not a valid phone number. (Twilio error 21211)"],
    [503, '<html>Service Unavailable</html>', 'Twilio answered 503: <html>Service Unavailable</html>'],
    [500, '', 'Twilio answered 500'],
    [401, `{"message":"bad credentials AC1:${TOKEN}"}`, 'Twilio answered 401: bad credentials AC1:[auth token]; check the account SID and auth token'],
  ])('%i %s', (status, body, expected) => {
    const text = describeTwilioRefusal(status, body, TOKEN);
    expect(text).toBe(expected);
    expect(text).not.toContain(TOKEN);
  });
});
