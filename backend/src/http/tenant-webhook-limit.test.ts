// The per-tenant webhook refusal on a real Koa server: 429, Retry-After in whole seconds, a JSON error.
import Koa from 'koa';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { createLogger } from '../logger.js';
import { createMemoryBucketStore } from '../platform/rate-limit/bucket-store.js';
import { createRateLimits } from '../platform/rate-limit/rate-limits.js';
import { admitTenantWebhook } from './tenant-webhook-limit.js';

const limits = createRateLimits(createMemoryBucketStore(systemClock), { mutation: { ratePerSecond: 1, burst: 1 }, webhook: { ratePerSecond: 0.25, burst: 2 } }, createLogger('silent'));
let server: http.Server;
let url: string;

beforeAll(async () => {
  const app = new Koa();
  app.use(async (ctx) => {
    if (!(await admitTenantWebhook(ctx, limits, ctx.get('x-tenant')))) return;
    ctx.status = 202;
    ctx.body = { status: 'accepted' };
  });
  server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

const post = async (tenant: string) => {
  const response = await fetch(url, { method: 'POST', headers: { 'x-tenant': tenant } });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
};

describe('admitTenantWebhook', () => {
  it('admits the burst, then answers 429 with Retry-After (whole seconds) and a JSON error; each tenant has its own budget', async () => {
    expect((await post('acme')).status).toBe(202);
    expect((await post('acme')).status).toBe(202);
    expect(await post('acme')).toEqual({
      status: 429,
      retryAfter: '4',
      body: { error: 'Too many webhook requests for this tenant: at most 0.25 a second (bursts of 2). Nothing was stored; retry after 4 s.' },
    });
    expect((await post('globex')).status).toBe(202);
  });
});
