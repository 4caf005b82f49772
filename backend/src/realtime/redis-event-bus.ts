// Event fan-out across backend processes through Redis pub/sub (one channel per tenant).
import { Redis } from 'ioredis';
import { ZBatonEvent, type BatonEvent } from '../../../shared/events.js';
import type { Logger } from '../logger.js';
import { ListenerRegistry, type BusListener, type BusStatus, type BusSubscription, type EventBus } from './event-bus.js';

const channelOf = (tenantId: string) => `baton:events:${tenantId}`;
const CHANNEL_PREFIX = 'baton:events:';

/**
 * Publishes on one connection and subscribes on another (a subscriber connection can do nothing
 * else). While Redis is down, publishing is skipped with a log line — events stay in the events
 * table — and when the subscriber reconnects every listener is told to resync from the table.
 */
export class RedisEventBus implements EventBus {
  private readonly listeners = new ListenerRegistry();
  /** Per subscribed tenant: settles when Redis has confirmed the channel's SUBSCRIBE. */
  private readonly channelsConfirmed = new Map<string, Promise<void>>();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private wasDown = false;
  private closing = false;

  private constructor(url: string, private readonly log: Logger) {
    const options = {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      // Fail fast while disconnected instead of queueing commands without bound.
      enableOfflineQueue: false,
      connectTimeout: 3000,
      retryStrategy: (attempt: number) => Math.min(attempt * 250, 2000),
    };
    this.publisher = new Redis(url, options);
    this.subscriber = new Redis(url, { ...options, enableOfflineQueue: true });
    this.subscriber.on('message', (channel: string, message: string) => this.onMessage(channel, message));
    for (const connection of [this.publisher, this.subscriber]) {
      connection.on('error', (error: Error) => this.onConnectionLost(error));
      connection.on('close', () => this.onConnectionLost());
      connection.on('ready', () => this.onReady());
    }
  }

  /** Connects both connections or throws (Redis unreachable at start is a start-up failure). */
  static async connect(url: string, log: Logger): Promise<RedisEventBus> {
    const bus = new RedisEventBus(url, log);
    try {
      await Promise.all([bus.publisher.connect(), bus.subscriber.connect()]);
    } catch (error) {
      bus.publisher.disconnect();
      bus.subscriber.disconnect();
      throw new Error(`Redis at ${redactUrl(url)} is unreachable: ${(error as Error).message}`);
    }
    return bus;
  }

  async publish(tenantId: string, events: BatonEvent[]): Promise<void> {
    if (events.length === 0) return;
    try {
      await this.publisher.publish(channelOf(tenantId), JSON.stringify(events));
    } catch (error) {
      this.log.warn({ err: error, tenantId, eventIds: events.map((event) => event.id) }, 'event publish skipped: Redis unavailable; subscribers will resync from the events table');
    }
  }

  subscribe(tenantId: string, listener: BusListener): BusSubscription {
    if (this.listeners.add(tenantId, listener)) this.channelsConfirmed.set(tenantId, this.subscribeChannel(tenantId));
    return {
      ready: this.channelsConfirmed.get(tenantId) ?? Promise.resolve(),
      unsubscribe: () => {
        if (!this.listeners.remove(tenantId, listener)) return;
        this.channelsConfirmed.delete(tenantId);
        this.subscriber.unsubscribe(channelOf(tenantId)).catch(() => undefined);
      },
    };
  }

  /**
   * Subscribes the tenant's channel; settles when Redis confirms it. While Redis is down the
   * SUBSCRIBE waits in the offline queue and this settles at once: the listener is told to resync
   * from the events table when the connection (and its subscriptions) is back, so nothing is lost.
   */
  private subscribeChannel(tenantId: string): Promise<void> {
    const confirmed = this.subscriber.subscribe(channelOf(tenantId)).then(
      () => undefined,
      (error: Error) => this.log.warn({ err: error, tenantId }, 'Redis subscribe failed; will resync on reconnect'),
    );
    return this.subscriber.status === 'ready' ? confirmed : Promise.resolve();
  }

  status(): BusStatus {
    return this.publisher.status === 'ready' && this.subscriber.status === 'ready' ? 'ok' : 'down';
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([this.publisher.quit(), this.subscriber.quit()]);
  }

  private onMessage(channel: string, message: string): void {
    if (!channel.startsWith(CHANNEL_PREFIX)) return;
    const tenantId = channel.slice(CHANNEL_PREFIX.length);
    const parsed = ZBatonEvent.array().safeParse(safeJson(message));
    if (!parsed.success) {
      this.log.error({ channel, issues: parsed.error.issues.slice(0, 3) }, 'malformed event message on Redis ignored');
      return;
    }
    this.listeners.deliver(tenantId, parsed.data);
  }

  private onConnectionLost(error?: Error): void {
    if (this.wasDown || this.closing) return;
    this.wasDown = true;
    this.log.error({ err: error }, 'Redis connection lost: events are kept in the database; live fan-out paused, retrying');
  }

  private onReady(): void {
    if (!this.wasDown || this.status() !== 'ok') return;
    this.wasDown = false;
    // ioredis re-sent the SUBSCRIBEs before 'ready'; a PING answered on the same connection comes
    // after their confirmations, so the resync reads the table only once events flow again.
    void this.subscriber
      .ping()
      .catch((error: Error) => this.log.warn({ err: error }, 'Redis ping after reconnect failed; resyncing anyway'))
      .finally(() => {
        this.log.info('Redis connection restored: subscribers resync from the events table');
        this.listeners.resyncAll();
      });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Hides a password in a URL before it reaches a log line or an error message. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable url>';
  }
}
