// Reporting the agent's composer sends: once per key, only for threads Baton knows, transient failures retried with the same key.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ActionResult, BackgroundRequest } from '../messaging';
import type { SendToBackground } from '../overlay/background-overlay-actions';
import { createAgentSendReporter, type AgentSendReporterOptions } from './agent-send-reporter';

const SEND = { channel: 'sms', body: 'On my way', idempotencyKey: 'demo:draft-1' } as const;
type RecordResult = ActionResult<{ status: 'accepted' | 'duplicate'; autoTakeover: boolean }>;

const accepted: RecordResult = { ok: true, value: { status: 'accepted', autoTakeover: true } };
const failure = (code: string): RecordResult => ({ ok: false, code, message: `${code} happened`, field: null, fieldErrors: null });

function setup(answers: Array<RecordResult | Error>, overrides: Partial<AgentSendReporterOptions> = {}) {
  const requests: BackgroundRequest[] = [];
  const send = vi.fn(async (request: BackgroundRequest) => {
    requests.push(request);
    const answer = answers.shift() ?? accepted;
    if (answer instanceof Error) throw answer;
    return answer;
  }) as unknown as SendToBackground;
  const warn = vi.fn();
  const controller = new AbortController();
  const report = createAgentSendReporter({
    conversationIdForSend: async () => 'conv-1',
    send,
    signal: controller.signal,
    warn,
    ...overrides,
  });
  return { report, requests, warn, controller };
}

describe('createAgentSendReporter', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('records the send once for the conversation shown, with its idempotency key', async () => {
    const { report, requests } = setup([accepted]);
    await expect(report(SEND)).resolves.toBe('accepted');
    expect(requests).toEqual([{ type: 'message.recordAgentReply', conversationId: 'conv-1', send: SEND }]);
  });

  it('takes "duplicate" (the connector reported it first) as done', async () => {
    const { report, requests } = setup([{ ok: true, value: { status: 'duplicate', autoTakeover: false } }]);
    await expect(report(SEND)).resolves.toBe('duplicate');
    expect(requests).toHaveLength(1);
  });

  it('reports nothing for a thread Baton does not handle', async () => {
    const { report, requests } = setup([], { conversationIdForSend: async () => null });
    await expect(report(SEND)).resolves.toBe('not-handled');
    expect(requests).toHaveLength(0);
  });

  it.each([
    ['the backend offline', failure('OFFLINE')],
    ['a server error', failure('INTERNAL_SERVER_ERROR')],
    ['the worker not answering', new Error('The Baton background did not answer')],
  ])('retries after %s with backoff and the same key', async (_case, firstAnswer) => {
    const { report, requests } = setup([firstAnswer, failure('OFFLINE'), accepted]);
    const outcome = report(SEND);
    await vi.advanceTimersByTimeAsync(999);
    expect(requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(3_000);
    await expect(outcome).resolves.toBe('accepted');
    expect(requests.map((request) => request.type === 'message.recordAgentReply' && request.send.idempotencyKey)).toEqual([
      'demo:draft-1',
      'demo:draft-1',
      'demo:draft-1',
    ]);
  });

  it('gives up after a few retries, with one warning', async () => {
    const { report, requests, warn } = setup([failure('OFFLINE'), failure('OFFLINE'), failure('OFFLINE'), failure('OFFLINE')]);
    const outcome = report(SEND);
    await vi.advanceTimersByTimeAsync(60_000);
    await expect(outcome).resolves.toBe('failed');
    expect(requests).toHaveLength(4);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it.each([['FORBIDDEN'], ['BAD_REQUEST'], ['NOT_FOUND'], ['UNAUTHORIZED'], ['UNCONFIGURED']])(
    'does not retry a %s answer',
    async (code) => {
      const { report, requests, warn } = setup([failure(code)]);
      await expect(report(SEND)).resolves.toBe('failed');
      expect(requests).toHaveLength(1);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining(code));
    },
  );

  it('stops retrying when the content script is torn down', async () => {
    const { report, requests, controller } = setup([failure('OFFLINE')]);
    const outcome = report(SEND);
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    await expect(outcome).resolves.toBe('failed');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(requests).toHaveLength(1);
  });
});
