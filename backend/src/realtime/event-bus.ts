// The event bus contract: committed events fan out to every subscriber of the same tenant.
import type { BatonEvent } from '../../../shared/events.js';

export interface BusListener {
  onEvent(event: BatonEvent): void;
  /** The bus may have lost messages (e.g. Redis reconnected): re-read the events table. */
  onResync(): void;
}

/** A listener's hold on one tenant's events. */
export interface BusSubscription {
  /**
   * Resolves once the bus delivers the tenant's events to the listener (Redis confirmed the
   * SUBSCRIBE): read the events table only after it, or an event committed in between is lost.
   */
  ready: Promise<void>;
  unsubscribe(): void;
}

/** `in-process`: no Redis configured; `ok` / `down`: the Redis connection's state. */
export type BusStatus = 'in-process' | 'ok' | 'down';

export interface EventBus {
  /** Publishes already-committed events; never throws (the events table keeps them). */
  publish(tenantId: string, events: BatonEvent[]): Promise<void>;
  /** Listens to one tenant's events in this process. */
  subscribe(tenantId: string, listener: BusListener): BusSubscription;
  status(): BusStatus;
  close(): Promise<void>;
}

/** Tenant → listeners, shared by both bus implementations. */
export class ListenerRegistry {
  private readonly byTenant = new Map<string, Set<BusListener>>();

  /** Adds a listener; returns true when it is the tenant's first. */
  add(tenantId: string, listener: BusListener): boolean {
    let listeners = this.byTenant.get(tenantId);
    const first = !listeners;
    if (!listeners) this.byTenant.set(tenantId, (listeners = new Set()));
    listeners.add(listener);
    return first;
  }

  /** Removes a listener; returns true when the tenant has none left. */
  remove(tenantId: string, listener: BusListener): boolean {
    const listeners = this.byTenant.get(tenantId);
    if (!listeners) return false;
    listeners.delete(listener);
    if (listeners.size > 0) return false;
    this.byTenant.delete(tenantId);
    return true;
  }

  deliver(tenantId: string, events: BatonEvent[]): void {
    for (const listener of this.byTenant.get(tenantId) ?? []) for (const event of events) listener.onEvent(event);
  }

  resyncAll(): void {
    for (const listeners of this.byTenant.values()) for (const listener of listeners) listener.onResync();
  }

  tenants(): string[] {
    return [...this.byTenant.keys()];
  }
}

/** The embedded default: one process, no Redis. */
export class InProcessEventBus implements EventBus {
  private readonly listeners = new ListenerRegistry();

  async publish(tenantId: string, events: BatonEvent[]): Promise<void> {
    // Deliver on a later tick so a publisher never runs subscriber code inside its own call stack.
    queueMicrotask(() => this.listeners.deliver(tenantId, events));
  }

  subscribe(tenantId: string, listener: BusListener): BusSubscription {
    this.listeners.add(tenantId, listener);
    return { ready: Promise.resolve(), unsubscribe: () => void this.listeners.remove(tenantId, listener) };
  }

  status(): BusStatus {
    return 'in-process';
  }

  async close(): Promise<void> {}
}
