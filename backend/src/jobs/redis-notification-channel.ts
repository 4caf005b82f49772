// Agenda's notification channel over Redis pub/sub: a job saved by one process is picked up at once
// by the others (Agenda would otherwise wait for its next poll), and a job's events (start, fail,
// retry, success, complete, progress) reach every process, where Agenda emits them with remote = true.
import { randomUUID } from 'node:crypto';
import { BaseNotificationChannel, type JobNotification, type JobStateNotification } from 'agenda';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

const CHANNEL = 'baton:jobs';
const STATE_CHANNEL = 'baton:jobs:state';
/** The Date fields of a state notification (JSON carries them as text). */
const STATE_DATES = ['timestamp', 'retryAt', 'lastRunAt', 'lastFinishedAt'] as const;

/** The job events one channel published in one tick: one message instead of three per job. */
interface StateBatch {
  /** The publishing channel, which skips its own batches (Agenda already emitted those events here). */
  from: string;
  events: JobStateNotification[];
}

export class RedisNotificationChannel extends BaseNotificationChannel {
  private publisher: Redis | null = null;
  private subscriber: Redis | null = null;
  private readonly channelId = randomUUID();
  private pendingEvents: JobStateNotification[] = [];
  private eventsFlush: Promise<void> | null = null;
  /** Received event batches are handled one after another: handlers await, and two batches must not interleave. */
  private stateMessages: Promise<void> = Promise.resolve();

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
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== STATE_CHANNEL) return void this.onMessage(message);
      this.stateMessages = this.stateMessages.then(() => this.onStateMessage(message));
    });
    for (const connection of [this.publisher, this.subscriber]) {
      const lost = () => this.publisher && this.setState('reconnecting'); // not after disconnect()
      connection.on('error', lost);
      connection.on('close', lost);
      connection.on('ready', () => this.publisher?.status === 'ready' && this.subscriber?.status === 'ready' && this.setState('connected'));
    }
    await Promise.all([this.publisher.connect(), this.subscriber.connect()]);
    await this.subscriber.subscribe(CHANNEL, STATE_CHANNEL);
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

  /**
   * Publishes a job event with the others of this tick, in order. Never throws (Agenda publishes
   * events fire-and-forget): a lost event is only not heard by the other processes.
   */
  async publishState(notification: JobStateNotification): Promise<void> {
    this.pendingEvents.push(notification);
    this.eventsFlush ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flushEvents());
    await this.eventsFlush;
  }

  private async flushEvents(): Promise<void> {
    const batch: StateBatch = { from: this.channelId, events: this.pendingEvents.splice(0) };
    this.eventsFlush = null;
    try {
      await this.publisher?.publish(STATE_CHANNEL, JSON.stringify(batch));
    } catch (error) {
      this.log.debug({ err: error, events: batch.events.length }, 'job events not published (Redis unavailable)');
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

  private async onStateMessage(message: string): Promise<void> {
    try {
      const batch = JSON.parse(message) as { from?: unknown; events?: unknown };
      if (!Array.isArray(batch.events)) throw new Error('a job event batch has no events array');
      if (batch.from === this.channelId) return;
      for (const event of batch.events as Record<string, unknown>[]) {
        for (const field of STATE_DATES) if (typeof event[field] === 'string') event[field] = new Date(event[field]);
        await this.notifyStateHandlers(event as unknown as JobStateNotification);
      }
    } catch (error) {
      this.log.warn({ err: error }, 'malformed job events ignored');
    }
  }
}
