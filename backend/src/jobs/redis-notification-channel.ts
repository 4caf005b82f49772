// Agenda's notification channel over Redis pub/sub: a job saved by one process is picked up at once
// by the others (Agenda would otherwise wait for its next poll).
import { BaseNotificationChannel, type JobNotification } from 'agenda';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

const CHANNEL = 'baton:jobs';

export class RedisNotificationChannel extends BaseNotificationChannel {
  private publisher: Redis | null = null;
  private subscriber: Redis | null = null;

  constructor(
    private readonly url: string,
    private readonly log: Logger,
  ) {
    super({ channelName: CHANNEL });
  }

  async connect(): Promise<void> {
    this.setState('connecting');
    const options = { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: (attempt: number) => Math.min(attempt * 250, 2000) };
    this.publisher = new Redis(this.url, options);
    this.subscriber = new Redis(this.url, { ...options, enableOfflineQueue: true });
    this.subscriber.on('message', (_channel: string, message: string) => void this.onMessage(message));
    for (const connection of [this.publisher, this.subscriber]) {
      const lost = () => this.publisher && this.setState('reconnecting'); // not after disconnect()
      connection.on('error', lost);
      connection.on('close', lost);
      connection.on('ready', () => this.publisher?.status === 'ready' && this.subscriber?.status === 'ready' && this.setState('connected'));
    }
    await Promise.all([this.publisher.connect(), this.subscriber.connect()]);
    await this.subscriber.subscribe(CHANNEL);
    this.setState('connected');
  }

  async disconnect(): Promise<void> {
    const connections = [this.publisher, this.subscriber];
    this.publisher = this.subscriber = null;
    await Promise.allSettled(connections.map((connection) => connection?.quit()));
    this.setState('disconnected');
  }

  /** Never throws: a lost notification only delays a job until the next poll. */
  async publish(notification: JobNotification): Promise<void> {
    try {
      await this.publisher?.publish(CHANNEL, JSON.stringify(notification));
    } catch (error) {
      this.log.debug({ err: error }, 'job notification not published (Redis unavailable); the next poll finds the job');
    }
  }

  /** Lets this process wake its own processor (e.g. after a job finished, to refill its queue). */
  async notifyLocally(notification: JobNotification): Promise<void> {
    await this.notifyHandlers(notification);
  }

  private async onMessage(message: string): Promise<void> {
    try {
      const parsed = JSON.parse(message) as JobNotification & { nextRunAt: string | null; timestamp: string };
      await this.notifyHandlers({
        ...parsed,
        nextRunAt: parsed.nextRunAt ? new Date(parsed.nextRunAt) : null,
        timestamp: new Date(parsed.timestamp),
      });
    } catch (error) {
      this.log.warn({ err: error }, 'malformed job notification ignored');
    }
  }
}
