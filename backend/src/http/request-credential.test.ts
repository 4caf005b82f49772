import { describe, expect, it } from 'vitest';
import { CREDENTIAL_IN_URL_REFUSAL, requestCredential, TICKET_OUTSIDE_STREAM_REFUSAL } from './request-credential.js';

describe('requestCredential', () => {
  it.each([
    ['a header on a query', 'Bearer bk_x', 'query', null, { authorization: 'Bearer bk_x', streamTicket: null, refusal: null }],
    ['a header on a stream', 'Bearer bk_x', 'subscription', null, { authorization: 'Bearer bk_x', streamTicket: null, refusal: null }],
    ['nothing', undefined, 'query', null, { authorization: null, streamTicket: null, refusal: null }],
    ['a ticket on a stream', undefined, 'subscription', { ticket: 'st_t' }, { authorization: null, streamTicket: 'st_t', refusal: null }],
    ['a ticket on a stream with a header too', 'Bearer bk_x', 'subscription', { ticket: 'st_t' }, { authorization: null, streamTicket: 'st_t', refusal: null }],
    ['a ticket on a query', undefined, 'query', { ticket: 'st_t' }, { authorization: null, streamTicket: null, refusal: TICKET_OUTSIDE_STREAM_REFUSAL }],
    ['a key in the URL of a stream', undefined, 'subscription', { authorization: 'Bearer bk_x' }, { authorization: null, streamTicket: null, refusal: CREDENTIAL_IN_URL_REFUSAL }],
    ['a token in the URL of a stream', undefined, 'subscription', { token: 'eyJ' }, { authorization: null, streamTicket: null, refusal: CREDENTIAL_IN_URL_REFUSAL }],
    ['a key in the URL beside a ticket', undefined, 'subscription', { ticket: 'st_t', token: 'bk_x' }, { authorization: null, streamTicket: null, refusal: CREDENTIAL_IN_URL_REFUSAL }],
  ] as const)('%s', (_case, header, type, connectionParams, expected) => {
    expect(requestCredential(header, { type, connectionParams })).toEqual(expected);
  });
});
