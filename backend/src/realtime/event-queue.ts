// A bounded hand-off from bus callbacks to one subscription's async iteration.

export const RESYNC = Symbol('resync');
export type QueueItem<T> = T | typeof RESYNC;

/**
 * Buffers items until the consumer takes them. When the buffer would exceed `capacity` (a slow
 * client) it drops the buffer and yields RESYNC instead, so the consumer re-reads from storage:
 * memory stays bounded and nothing is lost.
 */
export class EventQueue<T> {
  private buffer: QueueItem<T>[] = [];
  private wake: (() => void) | null = null;

  constructor(private readonly capacity = 5000) {}

  push(item: QueueItem<T>): void {
    if (this.buffer.length >= this.capacity) this.buffer = [RESYNC];
    else this.buffer.push(item);
    this.wake?.();
  }

  /** Yields items until `signal` aborts. */
  async *drain(signal: AbortSignal): AsyncGenerator<QueueItem<T>> {
    const onAbort = () => this.wake?.();
    signal.addEventListener('abort', onAbort);
    try {
      while (!signal.aborted) {
        if (this.buffer.length === 0) {
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = null;
          continue;
        }
        const items = this.buffer;
        this.buffer = [];
        for (const item of items) yield item;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
}
