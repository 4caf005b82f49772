import { describe, expect, it } from 'vitest';
import { streamEndingFor } from './stream-ending.js';

const keyStream = { apiKeyId: 'k1', agentId: 'a1' };
const integrationKeyStream = { apiKeyId: 'k2', agentId: null };
const tokenStream = { apiKeyId: null, agentId: 'a1' };
const agentUpdated = (before: Record<string, unknown>, after: Record<string, unknown>) => ({ type: 'agent.updated' as const, before, after });

describe('streamEndingFor', () => {
  it.each([
    ['its key revoked', { type: 'api_key.revoked' as const, before: null, after: { id: 'k1' } }, keyStream, 'revoked'],
    ['another key revoked', { type: 'api_key.revoked' as const, before: null, after: { id: 'k9' } }, keyStream, null],
    ['a key revoked, stream of a token', { type: 'api_key.revoked' as const, before: null, after: { id: 'k1' } }, tokenStream, null],
    ['its agent deactivated (key stream)', agentUpdated({ id: 'a1', active: true, role: 'agent' }, { id: 'a1', active: false, role: 'agent' }), keyStream, 'revoked'],
    ['its agent deactivated (token stream)', agentUpdated({ id: 'a1', active: true, role: 'agent' }, { id: 'a1', active: false, role: 'agent' }), tokenStream, 'revoked'],
    ['another agent deactivated', agentUpdated({ id: 'a2', active: true }, { id: 'a2', active: false }), tokenStream, null],
    ['an agent deactivated, integration key stream', agentUpdated({ id: 'a1', active: true }, { id: 'a1', active: false }), integrationKeyStream, null],
    ['its agent demoted', agentUpdated({ id: 'a1', active: true, role: 'admin' }, { id: 'a1', active: true, role: 'agent' }), tokenStream, 'rights-changed'],
    ['its agent renamed', agentUpdated({ id: 'a1', name: 'A', role: 'agent', active: true }, { id: 'a1', name: 'B', role: 'agent', active: true }), tokenStream, null],
    ['its agent linked to the identity provider', agentUpdated({ id: 'a1', linkedToIdentityProvider: false }, { id: 'a1', linkedToIdentityProvider: true }), tokenStream, null],
    ['an unrelated event', { type: 'conversation.created' as const, before: null, after: { id: 'a1', active: false } }, tokenStream, null],
  ] as const)('%s', (_case, event, principal, expected) => {
    expect(streamEndingFor(event, principal)?.kind ?? null).toBe(expected);
  });
});
