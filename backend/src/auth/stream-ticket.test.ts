import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readStreamTicket, signStreamTicket, STREAM_TICKET_TTL_MS, type StreamTicketClaims } from './stream-ticket.js';

const key = randomBytes(32);
const claims: StreamTicketClaims = { tenantId: 't1', via: 'api_key', apiKeyId: 'k1', agentId: 'a1', groups: [] };
const issuedAt = new Date('2026-12-03T12:00:00Z');
const later = (ms: number) => new Date(issuedAt.getTime() + ms);

describe('stream tickets', () => {
  it('carry the claims they were issued with until they expire 60 s later', () => {
    const { ticket, expiresAt } = signStreamTicket(key, claims, issuedAt);
    expect(ticket).toMatch(/^st_[\w-]+\.[\w-]+$/);
    expect(expiresAt).toEqual(later(STREAM_TICKET_TTL_MS));
    expect(STREAM_TICKET_TTL_MS).toBe(60_000);
    expect(readStreamTicket(key, ticket, later(59_999))).toEqual(claims);
    expect(() => readStreamTicket(key, ticket, later(60_000))).toThrow(/expired at 2026-12-03T12:01:00.000Z/);
  });

  it('are unique even for the same claims at the same instant', () => {
    expect(signStreamTicket(key, claims, issuedAt).ticket).not.toBe(signStreamTicket(key, claims, issuedAt).ticket);
  });

  it.each([
    ['another installation’s key', (ticket: string) => ticket, randomBytes(32), /signature is wrong/],
    ['changed claims', (ticket: string) => {
      const [payload, signature] = ticket.slice(3).split('.');
      const changed = { ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), apiKeyId: 'k2' };
      return `st_${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${signature}`;
    }, key, /signature is wrong/],
    ['a truncated signature', (ticket: string) => ticket.slice(0, -4), key, /signature is wrong/],
    ['no signature', (ticket: string) => ticket.split('.')[0]!, key, /not a stream ticket/],
    ['an API key', () => 'bk_abcdef', key, /not a stream ticket/],
  ])('are refused with %s', (_case, alter, verifyingKey, reason) => {
    const { ticket } = signStreamTicket(key, claims, issuedAt);
    expect(() => readStreamTicket(verifyingKey, alter(ticket), later(1000))).toThrow(reason);
  });
});
