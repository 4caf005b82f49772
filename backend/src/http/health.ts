// GET /healthz: the database, the event bus, the job engine and the tenants' connectors, each reported on its own.
import type { DataSource } from 'typeorm';
import type { BusStatus, EventBus } from '../realtime/event-bus.js';
import { failingConnectors, type ConnectorHealth } from '../connectors/connector-health.js';

export interface HealthReport {
  /** ok: all up; degraded: serving, but Redis, the job engine's notifications or a tenant's connector are down; down: no database. */
  status: 'ok' | 'degraded' | 'down';
  db: 'ok' | 'down';
  redis: BusStatus;
  jobs: string;
  /** Connectors failing now (issue 12), each naming the connector and the tenant; absent: all work. */
  connectors?: ConnectorHealth[];
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

/** Failing connectors as recorded in the database by whichever process polls them; none when that read fails (`db` says why). */
async function connectorsOf(db: DataSource): Promise<ConnectorHealth[]> {
  try {
    return await failingConnectors(db);
  } catch {
    return [];
  }
}

export async function checkHealth(db: DataSource, bus: EventBus, jobs: JobsHealth): Promise<HealthReport> {
  const [dbStatus, redis, jobsStatus] = [await pingDatabase(db), bus.status(), jobs()];
  const connectors = dbStatus === 'ok' ? await connectorsOf(db) : [];
  const status = dbStatus === 'down' ? 'down' : redis === 'down' || jobsStatus !== 'ok' || connectors.length > 0 ? 'degraded' : 'ok';
  return { status, db: dbStatus, redis, jobs: jobsStatus, ...(connectors.length > 0 ? { connectors } : {}) };
}
