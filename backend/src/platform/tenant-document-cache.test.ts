// The settings copy of one process: kept between reads, dropped by a `settings.changed` event (heard
// from this process's own commit or the bus), never replaced by an older document, never kept while
// the bus is down.
import { describe, expect, it } from 'vitest';
import { DEFAULT_TENANT_SETTINGS, type TenantSettings } from '../../../shared/settings.js';
import type { BatonEvent } from '../../../shared/events.js';
import { InProcessEventBus, type BusStatus } from '../realtime/event-bus.js';
import { TenantDocumentCache, type VersionedDocument } from './tenant-document-cache.js';

const TENANT = '00000000-0000-4000-8000-000000000001';
const withSla = (minutes: number): TenantSettings => ({ ...structuredClone(DEFAULT_TENANT_SETTINGS), slaResponseMinutes: minutes });

/** A stored document the test changes, and how often it was read. */
function storedDocument(initial: { settings: TenantSettings; version: number }) {
  let current = initial;
  let loads = 0;
  return {
    load: async (): Promise<VersionedDocument<TenantSettings>> => (loads++, { document: structuredClone(current.settings), version: current.version }),
    store: (next: { settings: TenantSettings; version: number }) => void (current = next),
    loads: () => loads,
  };
}

const changed = (version: number): BatonEvent =>
  ({ id: 1, position: 1, type: 'settings.changed', actor: { kind: 'system' }, conversationId: null, leadId: null, before: null, after: { version }, at: new Date().toISOString() }) as unknown as BatonEvent;

const newSettingsCache = (bus: ConstructorParameters<typeof TenantDocumentCache>[0], nowMs?: () => number) => new TenantDocumentCache<TenantSettings>(bus, 'settings.changed', nowMs);

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A settings cache on `bus` whose copy of a stored document (SLA 30, version 1) is in place. */
async function cacheWithCopy(bus: InProcessEventBus = new InProcessEventBus()) {
  const cache = newSettingsCache(bus);
  const stored = storedDocument({ settings: withSla(30), version: 1 });
  await cache.read(TENANT, stored.load);
  await settle(); // the bus listens: the next read keeps its document
  await cache.read(TENANT, stored.load);
  return { cache, stored };
}

describe('TenantDocumentCache (settings)', () => {
  it('answers repeated reads from one frozen copy: a caller cannot change what the next request reads', async () => {
    const cache = newSettingsCache(new InProcessEventBus());
    const stored = storedDocument({ settings: withSla(30), version: 1 });
    const first = await cache.read(TENANT, stored.load);
    const second = await cache.read(TENANT, stored.load);
    expect([first.slaResponseMinutes, second.slaResponseMinutes]).toEqual([30, 30]);
    expect(stored.loads()).toBe(1); // the in-process bus listens at once, so the first document is kept
    expect(() => {
      first.slaResponseMinutes = 99;
    }).toThrow(TypeError);
    expect(() => {
      first.businessHours.timeZone = 'Europe/Paris';
    }).toThrow(TypeError);
    expect(await cache.read(TENANT, stored.load)).toMatchObject({ slaResponseMinutes: 30, businessHours: { timeZone: DEFAULT_TENANT_SETTINGS.businessHours.timeZone } });
  });

  it('drops its copy when settings.changed arrives on the bus, and when this process commits one', async () => {
    const bus = new InProcessEventBus();
    const { cache, stored } = await cacheWithCopy(bus);

    stored.store({ settings: withSla(45), version: 2 });
    await bus.publish(TENANT, [changed(2)]);
    await settle();
    expect((await cache.read(TENANT, stored.load)).slaResponseMinutes).toBe(45);

    stored.store({ settings: withSla(50), version: 3 });
    cache.heard(TENANT, [{ type: 'settings.changed', after: { version: 3 } }]);
    expect((await cache.read(TENANT, stored.load)).slaResponseMinutes).toBe(50);
  });

  it('only its own change event drops the copy: a rules.changed leaves the settings copy in place', async () => {
    const { cache, stored } = await cacheWithCopy();
    cache.heard(TENANT, [{ type: 'rules.changed', after: { version: 7 } }]);
    await cache.read(TENANT, stored.load);
    expect(stored.loads()).toBe(1);
  });

  it('never keeps a document older than the newest version announced (a read that raced the update)', async () => {
    const cache = newSettingsCache(new InProcessEventBus());
    const stored = storedDocument({ settings: withSla(30), version: 1 });
    await cache.read(TENANT, stored.load);
    await settle();
    // An update to version 2 is announced while a transaction still reads version 1 from its snapshot.
    cache.heard(TENANT, [{ type: 'settings.changed', after: { version: 2 } }]);
    expect((await cache.read(TENANT, stored.load)).slaResponseMinutes).toBe(30);
    stored.store({ settings: withSla(45), version: 2 });
    expect((await cache.read(TENANT, stored.load)).slaResponseMinutes).toBe(45);
    const loadsBefore = stored.loads();
    expect((await cache.read(TENANT, stored.load)).slaResponseMinutes).toBe(45);
    expect(stored.loads()).toBe(loadsBefore); // version 2 is current: kept
  });

  it('keeps nothing while the bus is down (its events could be lost)', async () => {
    class DownBus extends InProcessEventBus {
      override status(): BusStatus {
        return 'down';
      }
    }
    const cache = newSettingsCache(new DownBus());
    const stored = storedDocument({ settings: withSla(30), version: 1 });
    for (let read = 0; read < 3; read++) {
      await cache.read(TENANT, stored.load);
      await settle();
    }
    expect(stored.loads()).toBe(3);
  });

  it('drops its copy on a resync (the bus may have lost a change)', async () => {
    const bus = new InProcessEventBus();
    const { cache, stored } = await cacheWithCopy(bus);
    stored.store({ settings: withSla(45), version: 2 });
    (bus as unknown as { listeners: { resyncAll(): void } }).listeners.resyncAll();
    expect((await cache.read(TENANT, stored.load)).slaResponseMinutes).toBe(45);
  });
});
