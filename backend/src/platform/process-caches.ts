// What this process caches of committed rows, and the signal that a commit made it stale: the
// outbox performs `credentialsChanged` after the commit (fast path or relay), in the performing process.

export class ProcessCaches {
  private readonly credentialListeners = new Set<() => void>();

  /** `forget` drops cached credentials (e.g. the authenticator's resolved principals). */
  onCredentialsChanged(forget: () => void): void {
    this.credentialListeners.add(forget);
  }

  /** An agent or an API key changed: other processes notice within their cache lifetime. */
  credentialsChanged(): void {
    for (const forget of this.credentialListeners) forget();
  }
}
