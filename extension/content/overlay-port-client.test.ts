// The overlay port client against a fake port: lazy connect, watch/unwatch, pings, reconnect with backoff, stop.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OverlayPortMessage, OverlayPortRequest } from '../messaging';
import { createOverlayPortClient, type OverlayPort, type OverlayPortClientOptions } from './overlay-port-client';

const DEMO_1 = { connector: 'demo', externalId: 'DEMO-1' };
const DEMO_2 = { connector: 'demo', externalId: 'DEMO-2' };

/** A port the test drives: what the client posted, and the background's side (answer / disconnect). */
class FakePort implements OverlayPort {
  posted: OverlayPortRequest[] = [];
  disconnected = false;
  private messageListeners: Array<(message: unknown) => void> = [];
  private disconnectListeners: Array<() => void> = [];
  onMessage = { addListener: (listener: (message: unknown) => void) => void this.messageListeners.push(listener) };
  onDisconnect = { addListener: (listener: () => void) => void this.disconnectListeners.push(listener) };
  postMessage(message: OverlayPortRequest): void {
    if (this.disconnected) throw new Error('Attempting to use a disconnected port object');
    this.posted.push(message);
  }
  disconnect(): void {
    this.disconnected = true;
  }
  /** The background answers. */
  answer(message: unknown): void {
    this.messageListeners.forEach((listener) => listener(message));
  }
  /** The worker stopped: Chrome closes the port and tells the page. */
  closeFromBackground(): void {
    this.disconnected = true;
    this.disconnectListeners.forEach((listener) => listener());
  }
}

function setup(overrides: Partial<OverlayPortClientOptions> = {}) {
  const ports: FakePort[] = [];
  const controller = new AbortController();
  const onMessage = vi.fn();
  const onDisconnected = vi.fn();
  let invalid = false;
  const connect = vi.fn(() => {
    const port = new FakePort();
    ports.push(port);
    return port;
  });
  const client = createOverlayPortClient({
    connect,
    onMessage,
    onDisconnected,
    isInvalid: () => invalid,
    signal: controller.signal,
    ...overrides,
  });
  return { client, ports, connect, controller, onMessage, onDisconnected, invalidate: () => (invalid = true) };
}

const threadMessage: OverlayPortMessage = { type: 'thread', ref: DEMO_1, thread: { kind: 'unknown' } };

describe('createOverlayPortClient', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(new Date('2026-01-05T10:00:00Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('connects on the first watch only, and watches each thread on the same port', () => {
    const { client, ports, connect } = setup();
    expect(connect).not.toHaveBeenCalled();
    client.watch(DEMO_1);
    client.watch(DEMO_2);
    expect(connect).toHaveBeenCalledTimes(1);
    expect(ports[0]!.posted).toEqual([
      { type: 'watch', ref: DEMO_1 },
      { type: 'watch', ref: DEMO_2 },
    ]);
  });

  it('passes the background messages on, and drops what is not a port message', () => {
    const { client, ports, onMessage } = setup();
    client.watch(DEMO_1);
    ports[0]!.answer(threadMessage);
    ports[0]!.answer({ type: 'connection', connection: { state: 'online' } });
    ports[0]!.answer('garbage');
    ports[0]!.answer({ type: 'unknown-kind' });
    expect(onMessage.mock.calls).toEqual([[threadMessage], [{ type: 'connection', connection: { state: 'online' } }]]);
  });

  it('pings every 20 s while a thread is watched, and stops after unwatch', () => {
    const { client, ports } = setup();
    client.watch(DEMO_1);
    vi.advanceTimersByTime(60_000);
    expect(ports[0]!.posted.filter((message) => message.type === 'ping')).toHaveLength(3);
    client.unwatch();
    vi.advanceTimersByTime(60_000);
    expect(ports[0]!.posted.slice(-1)).toEqual([{ type: 'unwatch' }]);
    expect(ports[0]!.posted.filter((message) => message.type === 'ping')).toHaveLength(3);
  });

  it('reconnects after the worker stopped, re-sends watch, and reports offline until then', () => {
    const { client, ports, onDisconnected } = setup();
    client.watch(DEMO_1);
    ports[0]!.closeFromBackground();
    expect(onDisconnected).toHaveBeenCalledWith(new Date('2026-01-05T10:00:00.250Z'));
    expect(ports).toHaveLength(1);
    vi.advanceTimersByTime(250);
    expect(ports).toHaveLength(2);
    expect(ports[1]!.posted).toEqual([{ type: 'watch', ref: DEMO_1 }]);
    vi.advanceTimersByTime(20_000);
    expect(ports[1]!.posted.at(-1)).toEqual({ type: 'ping' });
  });

  it('sends the page address with each watch as it was when asked, and re-sends that one after a reconnect', () => {
    let address = 'https://desk.example.com/tickets/1';
    const { client, ports } = setup({ pageUrl: () => address });
    client.watch(DEMO_1);
    address = 'https://desk.example.com/tickets/2'; // the single-page helpdesk moved on
    ports[0]!.closeFromBackground();
    vi.advanceTimersByTime(250);
    expect(ports[0]!.posted[0]).toEqual({ type: 'watch', ref: DEMO_1, pageUrl: 'https://desk.example.com/tickets/1' });
    expect(ports[1]!.posted[0]).toEqual({ type: 'watch', ref: DEMO_1, pageUrl: 'https://desk.example.com/tickets/1' });
    client.watch(DEMO_2);
    expect(ports[1]!.posted.at(-1)).toEqual({ type: 'watch', ref: DEMO_2, pageUrl: 'https://desk.example.com/tickets/2' });
  });

  it('re-sends the thread watched last when it changed while disconnected', () => {
    const { client, ports } = setup();
    client.watch(DEMO_1);
    ports[0]!.closeFromBackground();
    client.watch(DEMO_2);
    vi.advanceTimersByTime(250);
    expect(ports[1]!.posted).toEqual([{ type: 'watch', ref: DEMO_2 }]);
  });

  it('backs off while the background keeps closing the port, and starts short again once it answers', () => {
    const { client, ports, onDisconnected } = setup();
    client.watch(DEMO_1);
    const delays: number[] = [];
    for (let attempt = 0; attempt < 8; attempt += 1) {
      ports.at(-1)!.closeFromBackground();
      const retryAt = onDisconnected.mock.calls.at(-1)![0] as Date;
      const delay = retryAt.getTime() - Date.now();
      delays.push(delay);
      vi.advanceTimersByTime(delay);
    }
    expect(delays).toEqual([250, 500, 1_000, 2_000, 5_000, 10_000, 30_000, 30_000]);
    ports.at(-1)!.answer(threadMessage);
    ports.at(-1)!.closeFromBackground();
    expect((onDisconnected.mock.calls.at(-1)![0] as Date).getTime() - Date.now()).toBe(250);
  });

  it('retries later when connecting throws (worker being replaced)', () => {
    let fail = true;
    const ports: FakePort[] = [];
    const { client, onDisconnected } = setup({
      connect: () => {
        if (fail) throw new Error('Could not establish connection');
        const port = new FakePort();
        ports.push(port);
        return port;
      },
    });
    client.watch(DEMO_1);
    expect(onDisconnected).toHaveBeenCalledTimes(1);
    fail = false;
    vi.advanceTimersByTime(250);
    expect(ports[0]!.posted).toEqual([{ type: 'watch', ref: DEMO_1 }]);
  });

  it('does not reconnect when no thread is watched (the worker may sleep)', () => {
    const { client, ports, onDisconnected } = setup();
    client.watch(DEMO_1);
    client.unwatch();
    ports[0]!.closeFromBackground();
    vi.advanceTimersByTime(60_000);
    expect(ports).toHaveLength(1);
    expect(onDisconnected).not.toHaveBeenCalled();
    client.watch(DEMO_2);
    expect(ports).toHaveLength(2);
  });

  it('gives up once the extension context is invalid (extension reloaded)', () => {
    const { client, ports, connect, invalidate, onDisconnected } = setup();
    client.watch(DEMO_1);
    invalidate();
    ports[0]!.closeFromBackground();
    vi.advanceTimersByTime(60_000);
    expect(connect).toHaveBeenCalledTimes(1);
    expect(onDisconnected).not.toHaveBeenCalled();
    expect(ports[0]!.posted.filter((message) => message.type === 'ping')).toHaveLength(0);
  });

  it('closes the port and stops all timers when the signal aborts', () => {
    const { client, ports, controller, connect } = setup();
    client.watch(DEMO_1);
    controller.abort();
    expect(ports[0]!.disconnected).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(ports[0]!.posted).toEqual([{ type: 'watch', ref: DEMO_1 }]);
    client.watch(DEMO_2);
    expect(connect).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});
