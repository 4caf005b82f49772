// Health probe of the configured backend: `GET <url>/healthz` (ARCHITECTURE.md, API surface).

/** What one probe found. */
export interface BackendHealth {
  /** The backend answered with an HTTP response (any status). */
  reachable: boolean;
  /** The answer was a 2xx. */
  healthy: boolean;
  /** HTTP status of the answer; null when there was none. */
  status: number | null;
  /** Why it is not healthy, written for the agent; null on a 2xx. */
  error: string | null;
}

/** Dependencies of {@link checkBackendHealth}; tests pass a fake `fetch`. */
export interface HealthCheckOptions {
  fetch?: typeof fetch;
  /** Give up after this long (default 5 s) so the popup never spins forever. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5_000;

/**
 * Asks the backend at `baseUrl` for `/healthz`. Never throws: a network failure or timeout is
 * `{ reachable: false }`, a non-2xx answer is `{ reachable: true, healthy: false }`.
 *
 * @example
 * const health = await checkBackendHealth('http://127.0.0.1:8787');
 * if (health.healthy) console.info('backend is up');
 */
export async function checkBackendHealth(baseUrl: string, options: HealthCheckOptions = {}): Promise<BackendHealth> {
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  const url = `${baseUrl.replace(/\/+$/, '')}/healthz`;
  try {
    const response = await fetchFn(url, {
      method: 'GET',
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    const error = response.ok ? null : `The backend answered HTTP ${response.status} at ${url}`;
    return { reachable: true, healthy: response.ok, status: response.status, error };
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return { reachable: false, healthy: false, status: null, error: `Could not reach ${url}: ${reason}` };
  }
}
