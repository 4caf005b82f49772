// GET /healthz: the database, the event bus and the job engine, each reported on its own.
import type { DataSource } from 'typeorm';
import type { BusStatus, EventBus } from '../realtime/event-bus.js';

export interface HealthReport {
  /** ok: all up; degraded: serving, but Redis or the job engine's notifications are down; down: no database. */
  status: 'ok' | 'degraded' | 'down';
  db: 'ok' | 'down';
  redis: BusStatus;
  jobs: string;
}

/** Reports the job engine's state; the job engine issue plugs in the real one. */
export type JobsHealth = () => string;

const DB_PING_TIMEOUT_MS = 2000;

async function pingDatabase(db: DataSource): Promise<'ok' | 'down'> {
  if (!db.isInitialized) return 'down';
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'down'>((resolve) => (timer = setTimeout(() => resolve('down'), DB_PING_TIMEOUT_MS)));
  try {
    return await Promise.race([db.query('SELECT 1').then(() => 'ok' as const, () => 'down' as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function checkHealth(db: DataSource, bus: EventBus, jobs: JobsHealth): Promise<HealthReport> {
  const [dbStatus, redis, jobsStatus] = [await pingDatabase(db), bus.status(), jobs()];
  const status = dbStatus === 'down' ? 'down' : redis === 'down' || jobsStatus !== 'ok' ? 'degraded' : 'ok';
  return { status, db: dbStatus, redis, jobs: jobsStatus };
}
