// The thread watcher on saved demo pages: thread changes on SPA navigation / late render / re-render, one UI each, cheap under churn.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MountPoint } from '../adapters/adapter';
import { demoInboxAdapter } from '../adapters/demo-inbox';
import { fixtureHtml, showFixture } from '../adapters/fixtures/load-fixture';
import { placeElement, watchThread, type SlotName, type SlotUi, type ThreadWatcherOptions } from './thread-watcher';

const DEMO_URL = new URL('http://127.0.0.1:8787/demo/acme/c/DEMO-1');
/** Every test's watcher stops after it: it observes `<html>` and `document` too, so it would see the next test's page. */
const runningWatchers: AbortController[] = [];

/** A stand-in for a shadow-root UI: a `<baton-…>` element, counting mounts and unmounts. */
class FakeSlot implements SlotUi {
  host: Element | null = null;
  mounts = 0;
  removes = 0;
  constructor(private readonly tag: string) {}
  place(at: MountPoint): void {
    if (!this.host) {
      this.host = document.createElement(this.tag);
      this.mounts += 1;
    }
    placeElement(this.host, at);
  }
  remove(): void {
    if (!this.host) return;
    this.host.remove();
    this.host = null;
    this.removes += 1;
  }
}

function setup(fixture: string, overrides: Partial<ThreadWatcherOptions> = {}) {
  showFixture(fixture);
  const slots: Record<SlotName, FakeSlot> = {
    header: new FakeSlot('baton-header'),
    banners: new FakeSlot('baton-banners'),
    reply: new FakeSlot('baton-reply'),
  };
  const adapter = { ...demoInboxAdapter, conversationRef: vi.fn(demoInboxAdapter.conversationRef) };
  const onThreadChange = vi.fn();
  const controller = new AbortController();
  runningWatchers.push(controller);
  let url = DEMO_URL;
  const watcher = watchThread({
    document,
    adapter,
    currentUrl: () => url,
    slots,
    onThreadChange,
    signal: controller.signal,
    ...overrides,
  });
  return { slots, adapter, onThreadChange, controller, watcher, navigate: (to: string) => (url = new URL(to)) };
}

/** Lets the observer fire and the throttled check run. */
async function settle(ms = 150): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
}

function countOf(selector: string): number {
  return document.querySelectorAll(selector).length;
}

function expectOneUiEachInPlace(): void {
  expect([countOf('baton-header'), countOf('baton-banners'), countOf('baton-reply')]).toEqual([1, 1, 1]);
  expect(document.querySelector('.hd-thread-tools')!.lastElementChild!.localName).toBe('baton-header');
  expect(document.querySelector('header.hd-thread-header')!.nextElementSibling!.localName).toBe('baton-banners');
  expect(document.querySelector('form.hd-composer')!.previousElementSibling!.localName).toBe('baton-reply');
}

/** The thread section as the demo renders it for `externalId` (from the saved page). */
function renderedThread(externalId: string): Element {
  const saved = new DOMParser().parseFromString(fixtureHtml('demo-thread.html'), 'text/html');
  const section = saved.querySelector('section.hd-thread')!;
  section.setAttribute('data-external-id', externalId);
  return document.importNode(section, true);
}

describe('watchThread', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    for (const controller of runningWatchers.splice(0)) controller.abort();
    vi.useRealTimers();
  });

  it('on a thread page: reports the thread once and places one UI of each at the adapter anchors', async () => {
    const { onThreadChange, slots } = setup('demo-thread.html');
    expect(onThreadChange.mock.calls).toEqual([[{ connector: 'demo', externalId: 'DEMO-1' }]]);
    expectOneUiEachInPlace();
    await settle(1000); // our own placements do not trigger more work
    expect(onThreadChange).toHaveBeenCalledTimes(1);
    expect(Object.values(slots).map((slot) => slot.mounts)).toEqual([1, 1, 1]);
  });

  it.each([['demo-list.html'], ['demo-thread-invalid-id.html'], ['unrelated-page.html']])(
    'on %s: reports no thread and mounts nothing',
    async (fixture) => {
      const { onThreadChange } = setup(fixture);
      await settle();
      expect(onThreadChange).not.toHaveBeenCalled();
      expect(countOf('baton-header, baton-banners, baton-reply')).toBe(0);
    },
  );

  it('picks up a thread rendered late (after the script started)', async () => {
    const { onThreadChange } = setup('demo-list.html');
    document.querySelector('.hd-main')!.replaceChildren(renderedThread('DEMO-7'));
    await settle();
    expect(onThreadChange.mock.calls).toEqual([[{ connector: 'demo', externalId: 'DEMO-7' }]]);
    expectOneUiEachInPlace();
  });

  it('follows single-page navigation to another thread: old UIs removed, new ones placed, no duplicates', async () => {
    const { onThreadChange, slots, navigate } = setup('demo-thread.html');
    navigate('http://127.0.0.1:8787/demo/acme/c/DEMO-2');
    document.querySelector('.hd-main')!.replaceChildren(renderedThread('DEMO-2'));
    await settle();
    expect(onThreadChange.mock.calls.map(([ref]) => ref?.externalId)).toEqual(['DEMO-1', 'DEMO-2']);
    expect(Object.values(slots).map((slot) => [slot.mounts, slot.removes])).toEqual([
      [2, 1],
      [2, 1],
      [2, 1],
    ]);
    expectOneUiEachInPlace();
  });

  it('follows a thread id changed in place (observed attribute)', async () => {
    const { onThreadChange } = setup('demo-thread.html');
    document.querySelector('section.hd-thread')!.setAttribute('data-external-id', 'DEMO-3');
    await settle();
    expect(onThreadChange.mock.calls.map(([ref]) => ref?.externalId)).toEqual(['DEMO-1', 'DEMO-3']);
    expectOneUiEachInPlace();
  });

  it('ignores an id changed to an invalid one like a page without a thread', async () => {
    const { onThreadChange } = setup('demo-thread.html');
    document.querySelector('section.hd-thread')!.setAttribute('data-external-id', 'not valid <b>');
    await settle();
    expect(onThreadChange.mock.calls).toEqual([[{ connector: 'demo', externalId: 'DEMO-1' }], [null]]);
    expect(countOf('baton-header, baton-banners, baton-reply')).toBe(0);
  });

  it('re-places the same UIs (not re-mounted) after the host re-renders the whole thread', async () => {
    const { onThreadChange, slots } = setup('demo-thread.html');
    const hosts = Object.values(slots).map((slot) => slot.host);
    document.querySelector('section.hd-thread')!.replaceWith(renderedThread('DEMO-1'));
    await settle();
    expect(onThreadChange).toHaveBeenCalledTimes(1);
    expect(Object.values(slots).map((slot) => slot.host)).toEqual(hosts);
    expect(Object.values(slots).map((slot) => slot.mounts)).toEqual([1, 1, 1]);
    expectOneUiEachInPlace();
  });

  it('puts a UI back when the host clears the element it sat in', async () => {
    setup('demo-thread.html');
    document.querySelector('.hd-thread-tools')!.replaceChildren();
    await settle();
    expectOneUiEachInPlace();
  });

  it('keeps a UI mounted (only out of the page) while its anchor is briefly missing', async () => {
    const { slots } = setup('demo-thread.html');
    const composer = document.querySelector('form.hd-composer')!;
    composer.remove();
    await settle();
    expect(countOf('baton-reply')).toBe(0);
    expect(slots.reply.removes).toBe(0);
    document.querySelector('section.hd-thread')!.append(composer);
    await settle();
    expectOneUiEachInPlace();
    expect(slots.reply.mounts).toBe(1);
  });

  it('reports the thread gone when the page goes back to the list', async () => {
    const { onThreadChange } = setup('demo-thread.html');
    const empty = document.createElement('p');
    empty.className = 'hd-empty';
    document.querySelector('.hd-main')!.replaceChildren(empty);
    await settle();
    expect(onThreadChange.mock.calls.at(-1)).toEqual([null]);
    expect(countOf('baton-header, baton-banners, baton-reply')).toBe(0);
  });

  it('reports no thread once the URL leaves the adapter (checked on schedule)', async () => {
    const { onThreadChange, watcher, navigate } = setup('demo-thread.html');
    navigate('http://127.0.0.1:8787/settings');
    watcher.schedule();
    await settle();
    expect(onThreadChange.mock.calls.at(-1)).toEqual([null]);
    expect(watcher.current).toBeNull();
  });

  it('once placed, wakes for no churn below the anchors: message appends, list re-renders, sidebar (a message every 10 ms)', async () => {
    const { adapter, slots } = setup('demo-thread.html');
    const messages = document.querySelector('.hd-messages')!;
    const locate = vi.spyOn(adapter, 'composer');
    adapter.conversationRef.mockClear();
    for (let i = 0; i < 100; i += 1) {
      const message = document.createElement('li');
      message.className = 'hd-message hd-message--customer';
      message.textContent = `message ${i}`;
      messages.append(message);
      if (i % 10 === 0) messages.replaceChildren(...[...messages.children].map((item) => item.cloneNode(true))); // the demo's 1 s re-render
      document.querySelector('.hd-brand')!.textContent = `tick ${i}`; // unrelated churn
      const list = document.querySelector('.hd-conversation-list')!;
      list.replaceChildren(...[...list.children].map((item) => item.cloneNode(true))); // sidebar refresh
      await vi.advanceTimersByTimeAsync(10);
    }
    await settle();
    expect(adapter.conversationRef).not.toHaveBeenCalled();
    expect(locate).not.toHaveBeenCalled();
    expect(Object.values(slots).map((slot) => slot.mounts)).toEqual([1, 1, 1]);
  });

  it('does at most one cheap check per throttle window under churn while an anchor is missing', async () => {
    const { adapter } = setup('demo-thread.html');
    document.querySelector('form.hd-composer')!.remove();
    await settle();
    const messages = document.querySelector('.hd-messages')!;
    adapter.conversationRef.mockClear();
    for (let i = 0; i < 100; i += 1) {
      messages.append(document.createElement('li'));
      await vi.advanceTimersByTimeAsync(10);
    }
    await settle();
    // Observing the whole body again: 1,000 ms of churn → about 10 checks, no more.
    expect(adapter.conversationRef.mock.calls.length).toBeLessThanOrEqual(12);
    expect(adapter.conversationRef.mock.calls.length).toBeGreaterThanOrEqual(5);
  });

  it('re-places the UIs after the host re-renders the thread header', async () => {
    const { slots, onThreadChange } = setup('demo-thread.html');
    const header = document.querySelector('header.hd-thread-header')!;
    const rendered = header.cloneNode(true) as Element;
    rendered.querySelector('baton-header')?.remove();
    header.replaceWith(rendered);
    await settle();
    expectOneUiEachInPlace();
    expect(onThreadChange).toHaveBeenCalledTimes(1);
    expect(Object.values(slots).map((slot) => slot.mounts)).toEqual([1, 1, 1]);
  });

  it('re-places the header UI after the host re-renders the header\'s content only', async () => {
    setup('demo-thread.html');
    const header = document.querySelector('header.hd-thread-header')!;
    header.replaceChildren(...[...header.children].map((child) => child.cloneNode(true)));
    document.querySelector('.hd-thread-tools baton-header')?.remove(); // the clone of our host
    await settle();
    expectOneUiEachInPlace();
  });

  it('moves the UIs to the new page region when the host replaces everything above the thread', async () => {
    const { onThreadChange } = setup('demo-thread.html');
    const main = document.createElement('main');
    main.className = 'hd-main';
    main.append(renderedThread('DEMO-5'));
    document.querySelector('.hd-main')!.replaceWith(main);
    await settle();
    expect(onThreadChange.mock.calls.map(([ref]) => ref?.externalId)).toEqual(['DEMO-1', 'DEMO-5']);
    expectOneUiEachInPlace();
  });

  it('stops observing and removes its UIs when the signal aborts', async () => {
    const { controller, onThreadChange, adapter } = setup('demo-thread.html');
    controller.abort();
    expect(countOf('baton-header, baton-banners, baton-reply')).toBe(0);
    adapter.conversationRef.mockClear();
    document.querySelector('section.hd-thread')!.setAttribute('data-external-id', 'DEMO-9');
    await settle();
    expect(adapter.conversationRef).not.toHaveBeenCalled();
    expect(onThreadChange).toHaveBeenCalledTimes(1);
  });

  it('stops at the first check after the extension context became invalid (extension reloaded)', async () => {
    let invalid = false;
    const controller = new AbortController();
    // Like `ctx.isInvalid`: the getter aborts the context's signal once the runtime is gone.
    const isInvalid = () => {
      if (invalid) controller.abort();
      return invalid;
    };
    const { onThreadChange, adapter } = setup('demo-thread.html', { signal: controller.signal, isInvalid });
    invalid = true;
    adapter.conversationRef.mockClear();
    await vi.advanceTimersByTimeAsync(1_000);
    document.querySelector('section.hd-thread')!.setAttribute('data-external-id', 'DEMO-9');
    await settle();
    expect(adapter.conversationRef).not.toHaveBeenCalled();
    expect(onThreadChange).toHaveBeenCalledTimes(1);
    expect(countOf('baton-header, baton-banners, baton-reply')).toBe(0);
  });
});
