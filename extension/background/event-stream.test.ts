// The one event stream: resume by last event id, backoff that grows and is capped, a refused
// credential that stops the retries, and one log line per state change.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { BatonEvent } from '../../shared/events';
import type { ConnectionState } from '../messaging';
import { saveBackendConfig } from './backend-config';
import { createBackendConnection, type BackendConnection } from './backend-connection';
import { createEventStream, UNAUTHORIZED_RETRY_MS, type EventStream } from './event-stream';
import { loadStreamCursor, saveStreamCursor } from './stream-cursor';
import { createFakeBackend, fakeEvent, networkError, serverError, type FakeBackend } from './testing/fake-backend';

const URL = 'http://127.0.0.1:8787';

describe('event stream', () => {
  let fake: FakeBackend;
  let backend: BackendConnection;
  let stream: EventStream;
  let states: ConnectionState[];
  let events: BatonEvent[];
  let connectedCount: number;
  const log = { warn: vi.fn(), info: vi.fn() };

  beforeEach(async () => {
    vi.useFakeTimers();
    fakeBrowser.reset();
    log.warn.mockReset();
    log.info.mockReset();
    await saveBackendConfig({ url: URL, credential: 'bk_first' });
    fake = createFakeBackend();
    fake.answer('events.latestId', () => '50');
    backend = createBackendConnection({ createClient: () => fake.client });
    states = [];
    events = [];
    connectedCount = 0;
    stream = createEventStream({
      backend,
      onEvent: (event) => events.push(event),
      onConnected: () => (connectedCount += 1),
      onConnectionChange: (state) => states.push(state),
      random: () => 1, // no jitter: the delays are the exponential steps themselves
      log,
    });
  });

  afterEach(async () => {
    await stream.stop();
    backend.dispose();
    vi.useRealTimers();
  });

  const settle = () => vi.advanceTimersByTimeAsync(0);

  it('starts from events.latestId when nothing is stored, then saves the cursor at most once a second', async () => {
    stream.start();
    await settle();
    const subscription = fake.openSubscription()!;
    expect(subscription.input).toEqual({ lastEventId: '50' });
    subscription.start();
    expect(stream.connection()).toEqual({ state: 'online' });
    expect(connectedCount).toBe(1);

    subscription.emit(fakeEvent({ id: '51' }));
    subscription.emit(fakeEvent({ id: '52' }));
    expect(events.map((event) => event.id)).toEqual(['51', '52']);
    const write = vi.spyOn(fakeBrowser.storage.local, 'set');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(write).toHaveBeenCalledOnce();
    expect(await loadStreamCursor(URL)).toBe('52');
  });

  it('resumes from the stored last event id, and from the last one received after a drop', async () => {
    await saveStreamCursor(URL, '41');
    stream.start();
    await settle();
    const first = fake.openSubscription()!;
    expect(first.input).toEqual({ lastEventId: '41' });
    first.start();
    first.emit(fakeEvent({ id: '42' }));
    first.drop();
    expect(first.closed).toBe(true);
    expect(stream.connection()).toMatchObject({ state: 'offline', message: 'Baton offline — reconnecting' });

    await vi.advanceTimersByTimeAsync(1_000);
    const second = fake.openSubscription()!;
    expect(second).not.toBe(first);
    expect(second.input).toEqual({ lastEventId: '42' });
    second.start();
    expect(connectedCount).toBe(2); // the hub re-reads every watched view on each (re)connect
  });

  it('resumes a restarted worker from the stored cursor (a new stream object)', async () => {
    stream.start();
    await settle();
    fake.openSubscription()!.start();
    fake.openSubscription()!.emit(fakeEvent({ id: '57' }));
    await stream.stop(); // the worker goes away; stop() saves what it has
    fake.answer('events.latestId', () => '60'); // events happened meanwhile

    const restarted = createEventStream({ backend, onEvent: () => undefined, onConnected: () => undefined, onConnectionChange: () => undefined, log });
    restarted.start();
    await settle();
    expect(fake.openSubscription()!.input).toEqual({ lastEventId: '57' });
    await restarted.stop();
  });

  it('ignores a stored cursor past the newest event (the backend database was reset)', async () => {
    await saveStreamCursor(URL, '9000');
    stream.start();
    await settle();
    expect(fake.openSubscription()!.input).toEqual({ lastEventId: '50' });
  });

  it('backs off exponentially up to 30 s while the backend is unreachable, with one warning', async () => {
    fake.setDown(true);
    const startedAt = Date.now();
    stream.start();
    await vi.advanceTimersByTimeAsync(200_000);
    const attempts = fake.calls.filter((call) => call.path === 'events.latestId').map((call) => call.at - startedAt);
    const gaps = attempts.slice(1).map((at, index) => at - attempts[index]!);
    expect(gaps.slice(0, 8)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    expect(log.warn).toHaveBeenCalledOnce();
    expect(log.warn.mock.calls[0]?.[0]).toContain('backend unreachable');
    expect(states.every((state) => state.state === 'offline')).toBe(true);
    expect(stream.connection()).toMatchObject({ state: 'offline', retryAt: expect.any(String) });

    fake.setDown(false);
    await vi.advanceTimersByTimeAsync(30_000);
    fake.openSubscription()!.start();
    expect(stream.connection()).toEqual({ state: 'online' });
    expect(log.info).toHaveBeenCalledWith('[baton] event stream connected');
  });

  it('jitters each delay within the upper half of its step', async () => {
    const jittered = createEventStream({ backend, onEvent: () => undefined, onConnected: () => undefined, onConnectionChange: () => undefined, random: () => 0, log });
    fake.setDown(true);
    jittered.start();
    await vi.advanceTimersByTimeAsync(2_000);
    const attempts = fake.callsTo('events.latestId').length;
    expect(attempts).toBe(3); // at 0, 500 (half of 1 s), 1500 (half of 2 s)
    await jittered.stop();
  });

  it('stops on a refused credential: no retries for 5 minutes, one warning, then one retry', async () => {
    fake.answer('events.latestId', () => {
      throw serverError('UNAUTHORIZED', 'API key revoked');
    });
    stream.start();
    await settle();
    expect(stream.connection()).toEqual({ state: 'unauthorized', message: expect.stringContaining('refused the saved credential') });
    await vi.advanceTimersByTimeAsync(UNAUTHORIZED_RETRY_MS - 1);
    expect(fake.callsTo('events.latestId')).toHaveLength(1);
    expect(fake.subscriptions).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.callsTo('events.latestId')).toHaveLength(2);
    expect(log.warn).toHaveBeenCalledOnce();
  });

  it('treats FORBIDDEN on the stream itself as a refused credential too', async () => {
    stream.start();
    await settle();
    fake.openSubscription()!.fail(serverError('FORBIDDEN', 'This agent is deactivated'));
    expect(stream.connection()).toMatchObject({ state: 'unauthorized' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fake.subscriptions).toHaveLength(1);
  });

  it('retries at once when the configuration changes after a refusal', async () => {
    fake.answer('events.latestId', () => {
      throw serverError('UNAUTHORIZED', 'Unknown API key');
    });
    backend.onChange(() => stream.restart());
    stream.start();
    await settle();
    expect(stream.connection()).toMatchObject({ state: 'unauthorized' });

    fake.answer('events.latestId', () => '70');
    await saveBackendConfig({ url: URL, credential: 'bk_second' });
    await settle();
    fake.openSubscription()!.start();
    expect(stream.connection()).toEqual({ state: 'online' });
    expect(fake.openSubscription()!.input).toEqual({ lastEventId: '70' });
  });

  it('says unconfigured and asks nothing when no backend is saved', async () => {
    await fakeBrowser.storage.local.clear();
    stream.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(stream.connection()).toMatchObject({ state: 'unconfigured' });
    expect(fake.calls).toHaveLength(0);
  });

  it('closes the subscription on stop and does not reconnect', async () => {
    stream.start();
    await settle();
    const subscription = fake.openSubscription()!;
    subscription.start();
    await stream.stop();
    expect(subscription.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(fake.subscriptions).toHaveLength(1);
  });

  it('retries an overdue reconnect when the worker wakes (alarm or ping)', async () => {
    fake.answer('events.latestId', () => {
      throw networkError();
    });
    stream.start();
    await settle();
    expect(fake.callsTo('events.latestId')).toHaveLength(1);
    stream.wake(); // not overdue yet: nothing
    await settle();
    expect(fake.callsTo('events.latestId')).toHaveLength(1);
  });
});
