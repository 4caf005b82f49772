// The /healthz probe, with an injected fetch standing in for the network.
import { describe, expect, it, vi } from 'vitest';
import { checkBackendHealth } from './backend-status';

describe('checkBackendHealth', () => {
  it('is healthy when /healthz answers 200', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(async () => Response.json({ status: 'ok' }));
    const health = await checkBackendHealth('http://127.0.0.1:8787/', { fetch });
    expect(health).toEqual({ reachable: true, healthy: true, status: 200, error: null });
    expect(fetch).toHaveBeenCalledOnce();
    expect(fetch.mock.calls[0]?.[0]).toBe('http://127.0.0.1:8787/healthz');
  });

  it('is reachable but not healthy on a non-2xx answer, and says which', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(async () => Response.json({ status: 'degraded' }, { status: 503 }));
    const health = await checkBackendHealth('http://127.0.0.1:8787', { fetch });
    expect(health).toMatchObject({ reachable: true, healthy: false, status: 503 });
    expect(health.error).toBe('The backend answered HTTP 503 at http://127.0.0.1:8787/healthz');
  });

  it('is not reachable when the request fails, and never throws', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(async () => {
      throw new TypeError('Failed to fetch');
    });
    const health = await checkBackendHealth('http://127.0.0.1:9', { fetch });
    expect(health).toEqual({
      reachable: false,
      healthy: false,
      status: null,
      error: 'Could not reach http://127.0.0.1:9/healthz: Failed to fetch',
    });
  });

  it('gives up when the backend does not answer in time', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(
      (_url, init) =>
        new Promise((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        }),
    );
    const health = await checkBackendHealth('http://10.255.255.1', { fetch, timeoutMs: 20 });
    expect(health).toMatchObject({ reachable: false, healthy: false, status: null });
  });
});
