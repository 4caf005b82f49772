// Starts the real background wiring on a fake backend, fake ports and fake timers (tests only).
import { afterEach, beforeEach, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { BatonEvent } from '../../../shared/events';
import type { ConversationRef, ConversationView } from '../../overlay/overlay-model';
import { saveBackendConfig } from '../backend-config';
import { startBackground, type RunningBackground } from '../start-background';
import { createFakeBackend, serverError, type FakeBackend, type FakeSubscription } from './fake-backend';
import { createFakePort, type FakePort } from './fake-port';

export const TEST_BACKEND_URL = 'http://127.0.0.1:8787';
/** The fake clock's time when each test of {@link useTestBackground} starts. */
export const TEST_NOW = '2026-01-05T14:00:00.000Z';

/** Options of {@link startTestBackground}. */
export interface StartTestBackgroundOptions {
  /** False: nothing saved, as before the agent opened the options page. Default true. */
  configured?: boolean;
}

/** A started background plus the doubles around it. */
export interface TestBackground {
  background: RunningBackground;
  fake: FakeBackend;
  /** Views `byExternalRef` answers, by external id (absent: NOT_FOUND). */
  views: Map<string, ConversationView>;
  log: { warn: ReturnType<typeof vi.fn>; info: ReturnType<typeof vi.fn>; debug: ReturnType<typeof vi.fn> };
  /** Connects a port that watches `ref` (no watch when `ref` is null). */
  connect(ref: ConversationRef | null): FakePort;
  /** The open stream subscription, after letting pending work run. */
  openStream(): Promise<FakeSubscription>;
  /** Emits events on the open stream. */
  emit(...events: BatonEvent[]): void;
  /** Lets queued promises and due timers run. */
  settle(ms?: number): Promise<void>;
}

/**
 * Saves a configuration and starts the background with fake timers already on (the caller turns
 * them on with `vi.useFakeTimers()` and resets the fake browser first).
 */
export async function startTestBackground(options: StartTestBackgroundOptions = {}): Promise<TestBackground> {
  if (options.configured !== false) await saveBackendConfig({ url: TEST_BACKEND_URL, credential: 'bk_test_credential' });
  const fake = createFakeBackend();
  const views = new Map<string, ConversationView>();
  fake.answer('events.latestId', () => '100');
  // The notification center checks at start (notifications.ts): nothing unread, nothing open, unless a test answers otherwise.
  fake.answer('notifications.list', () => []);
  fake.answer('escalations.listOpen', () => []);
  fake.answer('auth.me', () => ({ agentId: 'agent-test' }));
  fake.answer('conversations.byExternalRef', ({ externalId }: ConversationRef) => {
    const view = views.get(externalId);
    if (!view) throw serverError('NOT_FOUND', 'No conversation for this ticket yet', { field: 'externalId' });
    return { ...view, serverNow: new Date(Date.now()).toISOString() };
  });
  const log = { warn: vi.fn(), info: vi.fn(), debug: vi.fn() };
  const background = startBackground({ createClient: () => fake.client, listenForPorts: () => undefined, random: () => 1, log });
  const settle = (ms = 0) => vi.advanceTimersByTimeAsync(ms).then(() => undefined);
  return {
    background,
    fake,
    views,
    log,
    connect(ref) {
      const port = createFakePort();
      background.acceptPort(port);
      if (ref) port.send({ type: 'watch', ref });
      return port;
    },
    async openStream() {
      await settle();
      const subscription = fake.openSubscription();
      if (!subscription) throw new Error('no open event stream');
      return subscription;
    },
    emit(...events) {
      const subscription = fake.openSubscription();
      if (!subscription) throw new Error('no open event stream');
      for (const event of events) subscription.emit(event);
    },
    settle,
  };
}

/** What {@link useTestBackground} gives a describe block: the running test's background. */
export interface TestBackgroundPerTest extends TestBackground {
  /** Stops this test's background and starts another on a reset fake browser (e.g. `{ configured: false }`). */
  restart(options?: StartTestBackgroundOptions): Promise<void>;
}

/**
 * Registers `beforeEach`/`afterEach` for the enclosing describe block: fake timers at {@link TEST_NOW},
 * a reset fake browser and a fresh background whose `byExternalRef` answers `views` (by external id);
 * stopped after each test. The returned object reads the running test's background, so use it only
 * inside tests and hooks.
 *
 * @example
 * const t = useTestBackground({ views: { 'DEMO-1': fakeView({ id: 'conv-a' }) } });
 * it('…', async () => { const tab = t.connect(ref); await t.settle(); });
 */
export function useTestBackground(options: { views?: Record<string, ConversationView> } = {}): TestBackgroundPerTest {
  let current: TestBackground | undefined;
  const running = (): TestBackground => {
    if (!current) throw new Error('the test background starts in beforeEach: use it inside a test');
    return current;
  };
  const start = async (startOptions?: StartTestBackgroundOptions) => {
    fakeBrowser.reset();
    current = await startTestBackground(startOptions);
    for (const [externalId, view] of Object.entries(options.views ?? {})) current.views.set(externalId, view);
  };

  beforeEach(async () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date(TEST_NOW));
    await start();
  });

  afterEach(async () => {
    await current?.background.stop();
    current = undefined;
    vi.useRealTimers();
  });

  return {
    get background() {
      return running().background;
    },
    get fake() {
      return running().fake;
    },
    get views() {
      return running().views;
    },
    get log() {
      return running().log;
    },
    connect: (ref) => running().connect(ref),
    openStream: () => running().openStream(),
    emit: (...events) => running().emit(...events),
    settle: (ms) => running().settle(ms),
    async restart(startOptions) {
      await running().background.stop();
      await start(startOptions);
    },
  };
}
