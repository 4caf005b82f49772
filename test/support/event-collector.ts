// Collects events from an `events.onChange` subscription and waits for expected ones.
import type { BatonEvent } from '../../shared/events.js';
import type { TestClient } from './trpc-client.js';

export interface EventCollector {
  events: BatonEvent[];
  started: Promise<void>;
  waitFor(predicate: (events: BatonEvent[]) => boolean, timeoutMs?: number): Promise<BatonEvent[]>;
  stop(): void;
}

export function collectEvents(client: TestClient, input: { lastEventId?: string | null; conversationId?: string }): EventCollector {
  const events: BatonEvent[] = [];
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const subscription = client.events.onChange.subscribe(input, {
    onStarted: () => markStarted(),
    onData: (tracked) => events.push(tracked.data),
    onError: (error) => events.push({ id: '-1', type: 'tenant.created', conversationId: null, leadId: null, actor: `error: ${error.message}`, before: null, after: null, at: '' }),
  });
  return {
    events,
    started,
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(events)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for events; got: ${JSON.stringify(events.map((event) => [event.id, event.type, event.after]))}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return events;
    },
    stop: () => subscription.unsubscribe(),
  };
}
