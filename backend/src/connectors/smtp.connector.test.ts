// The SMTP connector's email (recipient, subject, threading, stable Message-ID) and its failures in
// words (sending to a real SMTP server on 127.0.0.1 is test/integration/connector-smtp.test.ts).
import { describe, expect, it } from 'vitest';
import type { OutboundMessage } from './connector.js';
import { createSmtpConnector, describeSmtpFailure, replySubjectOf, senderDomainOf, smtpMailOf, stableMessageId } from './smtp.connector.js';

const message: OutboundMessage = {
  tenantId: 't-1',
  conversationId: 'c-1',
  channel: 'email',
  body: 'Your order ships on Monday.',
  author: 'ai',
  agentId: null,
  idempotencyKey: '0b9d6a52-5f0e-4c3b-9d0a-6a1f2e3d4c5b',
  externalConversation: null,
  recipient: { name: 'Ada Lovelace', phone: null, email: 'ada@customer.test' },
  thread: { subject: 'Where is my order?', lastInboundExternalId: '<CAF1234@mail.customer.test>' },
};

describe('smtpMailOf', () => {
  it('answers in the customer’s thread, text only, with a Message-ID made from the idempotency key', () => {
    expect(smtpMailOf(message, '"Acme Support" <support@acme.test>', 'acme.test')).toEqual({
      from: '"Acme Support" <support@acme.test>',
      to: { name: 'Ada Lovelace', address: 'ada@customer.test' },
      subject: 'Re: Where is my order?',
      text: 'Your order ships on Monday.',
      messageId: '<baton-0b9d6a52-5f0e-4c3b-9d0a-6a1f2e3d4c5b@acme.test>',
      inReplyTo: '<CAF1234@mail.customer.test>',
      references: '<CAF1234@mail.customer.test>',
    });
  });

  it('puts back the angle brackets a stored Message-ID lost', () => {
    const mail = smtpMailOf({ ...message, thread: { subject: null, lastInboundExternalId: 'CAF1234@mail.customer.test' } }, 'support@acme.test', 'acme.test');
    expect(mail).toMatchObject({ inReplyTo: '<CAF1234@mail.customer.test>', references: '<CAF1234@mail.customer.test>' });
  });

  it('starts no thread headers when the customer’s message id is unknown', () => {
    const mail = smtpMailOf({ ...message, recipient: { name: null, phone: null, email: 'ada@customer.test' }, thread: { subject: null, lastInboundExternalId: null } }, 'support@acme.test', 'acme.test');
    expect(mail.to).toBe('ada@customer.test');
    expect(mail).not.toHaveProperty('inReplyTo');
    expect(mail).not.toHaveProperty('references');
  });

  it('gives every attempt at one message the same Message-ID, and another message another', () => {
    const first = smtpMailOf(message, 'support@acme.test', 'acme.test').messageId;
    expect(smtpMailOf(message, 'support@acme.test', 'acme.test').messageId).toBe(first);
    expect(smtpMailOf({ ...message, idempotencyKey: 'reply-2' }, 'support@acme.test', 'acme.test').messageId).not.toBe(first);
  });

  it('refuses a lead without an email address', () => {
    expect(() => smtpMailOf({ ...message, recipient: { name: 'Ada', phone: '+15551230001', email: null } }, 'support@acme.test', 'acme.test')).toThrow(
      'the customer has no email address on file to send the email to',
    );
  });
});

describe('replySubjectOf', () => {
  it.each([
    ['Where is my order?', 'Re: Where is my order?'],
    ['RE: Where is my order?', 'RE: Where is my order?'],
    ['  re: again ', 're: again'],
    ['', 'Re: your message'],
    [null, 'Re: your message'],
  ])('%j → %j', (subject, expected) => {
    expect(replySubjectOf(subject)).toBe(expected);
  });
});

describe('stableMessageId and senderDomainOf', () => {
  it.each([
    ['support@Acme.Test', 'acme.test'],
    ['"Acme, Support" <support@acme.test>', 'acme.test'],
  ])('the domain of %s is %s', (from, domain) => {
    expect(senderDomainOf(from)).toBe(domain);
  });

  it('refuses a sender without a domain', () => {
    expect(() => senderDomainOf('support')).toThrow('the sender "support" is not an email address');
    expect(() => createSmtpConnector({ host: '127.0.0.1', port: 25, secure: false, username: null, password: null, from: 'Acme' })).toThrow('is not an email address');
  });

  it('keeps a msg-id valid whatever the key holds', () => {
    expect(stableMessageId('reply 1<>@x', 'acme.test')).toBe('<baton-reply-1---x@acme.test>');
  });
});

describe('describeSmtpFailure', () => {
  const server = { host: 'smtp.acme.test', port: 587 };
  it.each([
    [{ code: 'EAUTH', response: '535 5.7.8 Authentication credentials invalid', responseCode: 535 }, 'the SMTP server smtp.acme.test:587 refused the login: 535 5.7.8 Authentication credentials invalid; check the username and password'],
    [{ code: 'EMESSAGE', response: '554 5.3.0 Try again later', responseCode: 554 }, 'the SMTP server smtp.acme.test:587 refused the message: 554 5.3.0 Try again later'],
    [{ code: 'EENVELOPE', response: '550 5.1.1 No such user', responseCode: 550 }, 'the SMTP server smtp.acme.test:587 refused the sender or recipient: 550 5.1.1 No such user'],
    [{ code: 'ESOCKET', originalCode: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:587' }, 'the SMTP server smtp.acme.test:587 could not be reached (ECONNREFUSED)'],
    [{ code: 'ETIMEDOUT', message: 'Greeting never received' }, 'the SMTP server smtp.acme.test:587 did not answer within 15000 ms'],
    [{ code: 'ENOAUTH', message: 'Missing credentials for "PLAIN"' }, 'the SMTP server smtp.acme.test:587 asks for a login and none is configured'],
  ])('%j', (error, expected) => {
    expect(describeSmtpFailure(Object.assign(new Error(String(error.code)), error), server, 15_000)).toBe(expected);
  });
});
