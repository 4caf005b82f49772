// Prometheus metrics of one backend process (GET /metrics): requests, job lateness, queue size.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  let queueSizeSource: (() => Promise<number>) | null = null;
  collectDefaultMetrics({ register: registry, prefix: 'baton_process_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'baton_http_requests_total',
      help: 'HTTP requests by method, route and status code',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'baton_http_request_duration_seconds',
      help: 'HTTP request duration (SSE streams count until the stream closes)',
      labelNames: ['method', 'route'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    }),
    /** Fed by the job engine: start time minus due time of each job. */
    jobLateness: new Histogram({
      name: 'baton_job_lateness_seconds',
      help: 'How late jobs started compared with their due time',
      labelNames: ['job'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    /** Fed by the job engine: jobs waiting to run. */
    jobQueueSize: new Gauge({
      name: 'baton_job_queue_size',
      help: 'Jobs due and waiting to run (read from the jobs table at each scrape)',
      registers: [registry],
      async collect() {
        if (queueSizeSource) this.set(await queueSizeSource().catch(() => -1));
      },
    }),
    /** The job engine says where the queue size comes from. */
    setJobQueueSizeSource(source: () => Promise<number>) {
      queueSizeSource = source;
    },
    jobFailures: new Counter({
      name: 'baton_job_failures_total',
      help: 'Job runs that failed, by job and reason (payload: did not parse; handler: threw or hung past its lock)',
      labelNames: ['job', 'reason'] as const,
      registers: [registry],
    }),
    /** Jobs whose last attempt failed: e.g. `ai.draft` is a customer message the AI could not draft (issue 11 item 7). */
    jobRetriesExhausted: new Counter({
      name: 'baton_job_retries_exhausted_total',
      help: 'Jobs that failed on their last attempt and will not be retried, by job',
      labelNames: ['job'] as const,
      registers: [registry],
    }),
    eventSubscribers: new Gauge({ name: 'baton_event_subscribers', help: 'Open event-stream subscriptions in this process', registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Collapses ids in a path so label cardinality stays bounded (`/trpc/teams.list,auth.me`). */
export function routeLabel(path: string): string {
  if (path.startsWith('/trpc/')) return '/trpc/' + path.slice(6).split(',').sort().join(',').slice(0, 120);
  if (['/healthz', '/metrics', '/', '/webhooks/inbound', '/webhooks/agent-reply'].includes(path)) return path;
  if (path.startsWith('/webhooks/twilio/')) return '/webhooks/twilio/:tenantSlug';
  return 'other';
}
