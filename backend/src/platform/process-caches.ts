// What this process caches of committed rows, and the signal that a commit made it stale: the
// outbox performs `credentialsChanged` after the commit (fast path or relay), in the performing process;
// `eventsCommitted` tells caches of this process's own commits at once (the bus tells the others).

/** What a cache needs of a committed event. */
export interface CommittedEvent {
  type: string;
  after: unknown;
}

export class ProcessCaches {
  private readonly credentialListeners = new Set<() => void>();
  private readonly eventListeners = new Set<(tenantId: string, events: readonly CommittedEvent[]) => void>();

  /** `heard` sees every change this process commits, right after its commit and before the caller answers. */
  onEventsCommitted(heard: (tenantId: string, events: readonly CommittedEvent[]) => void): void {
    this.eventListeners.add(heard);
  }

  eventsCommitted(tenantId: string, events: readonly CommittedEvent[]): void {
    for (const heard of this.eventListeners) heard(tenantId, events);
  }

  /** `forget` drops cached credentials (e.g. the authenticator's resolved principals). */
  onCredentialsChanged(forget: () => void): void {
    this.credentialListeners.add(forget);
  }

  /** An agent or an API key changed: other processes notice within their cache lifetime. */
  credentialsChanged(): void {
    for (const forget of this.credentialListeners) forget();
  }
}
