// The overlay ports end to end in the background: watch → thread pushed, events fanned out to the
// tabs showing that conversation only, re-reads coalesced, reconnects re-read everything.
import { describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { ConversationRef } from '../overlay/overlay-model';
import { KEEP_LEFT_THREAD_MS } from './overlay-hub';
import { STREAM_GRACE_MS } from './stream-lifetime';
import { fakeEvent, fakeView, serverError } from './testing/fake-backend';
import { createFakePort } from './testing/fake-port';
import { useTestBackground } from './testing/test-background';
import { WAKE_ALARM_NAME } from './wake-alarm';

const refA: ConversationRef = { connector: 'demo', externalId: 'DEMO-1' };
const refB: ConversationRef = { connector: 'demo', externalId: 'DEMO-2' };
const viewA = fakeView({ id: 'conv-a', lead: { id: 'lead-1', name: 'Jane Doe', phone: null, email: null } });
const viewB = fakeView({ id: 'conv-b', lead: { id: 'lead-2', name: 'Sam Lee', phone: null, email: null } });

describe('overlay hub', () => {
  const t = useTestBackground({ views: { 'DEMO-1': viewA, 'DEMO-2': viewB } });

  const byExternalRefCalls = () => t.fake.callsTo('conversations.byExternalRef') as ConversationRef[];

  it('pushes the connection state at once, then the view of a watched thread', async () => {
    const port = t.connect(refA);
    await t.settle();
    expect(port.received[0]).toEqual({ type: 'connection', connection: { state: 'online' } });
    expect(port.receivedOf('thread')).toEqual([
      { type: 'thread', ref: refA, thread: { kind: 'view', view: expect.objectContaining({ id: 'conv-a' }), serverOffsetMs: 0, receivedAt: Date.now() } },
    ]);
  });

  it('measures the server clock offset from serverNow and the request midpoint', async () => {
    t.fake.answer('conversations.byExternalRef', () => ({ ...viewA, serverNow: new Date(Date.now() + 4_500).toISOString() }));
    const port = t.connect(refA);
    await t.settle();
    expect(port.receivedOf('thread')[0]?.thread).toMatchObject({ kind: 'view', serverOffsetMs: 4_500 });
  });

  it('says "unknown" for a thread Baton does not know, and re-checks it when a conversation is created', async () => {
    const port = t.connect({ connector: 'demo', externalId: 'DEMO-NEW' });
    await t.settle();
    expect(port.receivedOf('thread').at(-1)?.thread).toEqual({ kind: 'unknown' });

    const stream = await t.openStream();
    stream.start();
    t.views.set('DEMO-NEW', fakeView({ id: 'conv-new' }));
    t.emit(fakeEvent({ id: '101', type: 'conversation.created', conversationId: 'conv-new' }));
    await t.settle(100);
    expect(port.receivedOf('thread').at(-1)?.thread).toMatchObject({ kind: 'view', view: { id: 'conv-new' } });
  });

  it('re-reads once for a burst of events and pushes to every port watching that conversation, not to others', async () => {
    const tabA1 = t.connect(refA);
    const tabA2 = t.connect(refA);
    const tabB = t.connect(refB);
    const stream = await t.openStream();
    stream.start();
    await t.settle(100); // the connect re-read
    const readsBefore = byExternalRefCalls().filter((ref) => ref.externalId === 'DEMO-1').length;
    const threadsBefore = { a1: tabA1.receivedOf('thread').length, a2: tabA2.receivedOf('thread').length, b: tabB.receivedOf('thread').length };

    t.views.set('DEMO-1', { ...viewA, takeover: { holder: { agentId: 'agent-2', name: 'Dana Smith' }, source: 'manual', since: new Date().toISOString(), autoReleaseAt: null, warning: null, warningActive: false } });
    t.emit(
      fakeEvent({ id: '101', type: 'takeover.started', conversationId: 'conv-a', leadId: 'lead-1' }),
      fakeEvent({ id: '102', type: 'reply.cancelled', conversationId: 'conv-a', leadId: 'lead-1' }),
      fakeEvent({ id: '103', type: 'message.sent', conversationId: 'conv-a', leadId: 'lead-1' }),
    );
    await t.settle(50);
    t.emit(fakeEvent({ id: '104', type: 'message.received', conversationId: 'conv-a', leadId: 'lead-1' }));
    await t.settle(100);

    expect(byExternalRefCalls().filter((ref) => ref.externalId === 'DEMO-1').length).toBe(readsBefore + 1);
    for (const [tab, before] of [[tabA1, threadsBefore.a1], [tabA2, threadsBefore.a2]] as const) {
      expect(tab.receivedOf('thread')).toHaveLength(before + 1);
      expect(tab.receivedOf('thread').at(-1)?.thread).toMatchObject({ kind: 'view', view: { takeover: { holder: { name: 'Dana Smith' } } } });
      expect(tab.receivedOf('changed').map((message) => message.eventType)).toEqual(['takeover.started', 'reply.cancelled', 'message.sent', 'message.received']);
    }
    expect(tabB.receivedOf('thread')).toHaveLength(threadsBefore.b);
    expect(tabB.receivedOf('changed')).toEqual([]);
  });

  it('routes an escalation of the lead to the conversation shown, with its conversation id', async () => {
    const tab = t.connect(refA);
    (await t.openStream()).start();
    await t.settle(100);
    t.emit(fakeEvent({ id: '101', type: 'escalation.opened', conversationId: null, leadId: 'lead-1' }));
    await t.settle(100);
    expect(tab.receivedOf('changed')).toEqual([{ type: 'changed', conversationId: 'conv-a', eventType: 'escalation.opened' }]);
  });

  it('runs one stream for all tabs, started by the first watch, and re-reads every view on each reconnect', async () => {
    const tabA = t.connect(refA);
    const tabB = t.connect(refB);
    const first = await t.openStream();
    expect(t.fake.subscriptions).toHaveLength(1);
    first.start();
    await t.settle(100);

    first.drop();
    await t.settle();
    expect(tabA.receivedOf('connection').at(-1)?.connection).toMatchObject({ state: 'offline', message: 'Baton offline — reconnecting' });
    // Offline keeps the last view on screen (the connection state says it may be stale).
    expect(tabA.receivedOf('thread').at(-1)?.thread).toMatchObject({ kind: 'view' });

    const readsBefore = byExternalRefCalls().length;
    await t.settle(1_000);
    const second = t.fake.openSubscription()!;
    expect(second.input).toEqual({ lastEventId: '100' });
    second.start();
    await t.settle(100);
    expect(tabB.receivedOf('connection').at(-1)?.connection).toEqual({ state: 'online' });
    expect(byExternalRefCalls().slice(readsBefore).map((ref) => ref.externalId).sort()).toEqual(['DEMO-1', 'DEMO-2']);
  });

  it('gives a port that connects later the current connection state at once', async () => {
    t.connect(refA);
    (await t.openStream()).drop();
    await t.settle();
    const late = t.connect(null);
    await t.settle();
    expect(late.received).toEqual([{ type: 'connection', connection: expect.objectContaining({ state: 'offline' }) }]);
  });

  it('blanks the views and says unauthorized when the credential is refused', async () => {
    const tab = t.connect(refA);
    const stream = await t.openStream();
    stream.start();
    await t.settle(100);
    stream.fail(serverError('UNAUTHORIZED', 'API key revoked'));
    await t.settle();
    expect(tab.receivedOf('connection').at(-1)?.connection).toMatchObject({ state: 'unauthorized' });
    expect(tab.receivedOf('thread').at(-1)?.thread).toMatchObject({ kind: 'unavailable' });
    expect(t.log.warn).toHaveBeenCalledOnce();
  });

  it('moves a port to the new thread on watch, and stops pushing after unwatch', async () => {
    const tab = t.connect(refA);
    (await t.openStream()).start();
    await t.settle(100);
    tab.send({ type: 'watch', ref: refB });
    await t.settle();
    expect(tab.receivedOf('thread').at(-1)).toMatchObject({ ref: refB });
    tab.send({ type: 'unwatch' });
    const count = tab.received.length;
    t.emit(fakeEvent({ id: '101', type: 'takeover.started', conversationId: 'conv-b' }), fakeEvent({ id: '102', type: 'takeover.started', conversationId: 'conv-a' }));
    await t.settle(200);
    expect(tab.received).toHaveLength(count);
  });

  it('ignores invalid messages and thread references with one debug line, and keeps working', async () => {
    const tab = t.connect(null);
    tab.send({ type: 'watch', ref: { connector: 'demo', externalId: '' } });
    tab.send({ type: 'watch', ref: { connector: 'demo', externalId: 'x'.repeat(256) } });
    tab.send({ type: 'watch' });
    tab.send('hello');
    await t.settle(1_000);
    expect(byExternalRefCalls()).toEqual([]);
    expect(t.fake.subscriptions).toEqual([]);
    expect(t.log.debug).toHaveBeenCalledTimes(4);
    tab.send({ type: 'watch', ref: refA });
    await t.settle();
    expect(tab.receivedOf('thread')).toHaveLength(1);
  });

  it('forgets ports that leave, and closes the stream a grace period after the last one (alarm cleared too)', async () => {
    const tab = t.connect(refA);
    const stream = await t.openStream();
    stream.start();
    await t.settle();
    expect(await fakeBrowser.alarms.get(WAKE_ALARM_NAME)).toMatchObject({ periodInMinutes: 0.5 });

    tab.close();
    await t.settle(STREAM_GRACE_MS - 1);
    expect(stream.closed).toBe(false);
    await t.settle(1);
    expect(stream.closed).toBe(true);
    expect(await fakeBrowser.alarms.get(WAKE_ALARM_NAME)).toBeUndefined();
  });

  it('keeps the stream when a tab comes back within the grace period, and sends it the cached view at once', async () => {
    const tab = t.connect(refA);
    const stream = await t.openStream();
    stream.start();
    await t.settle(100);
    tab.close();
    await t.settle(10_000);
    const reloaded = t.connect(refA);
    await t.settle(STREAM_GRACE_MS);
    expect(stream.closed).toBe(false);
    expect(reloaded.receivedOf('thread')[0]?.thread).toMatchObject({ kind: 'view', view: { id: 'conv-a' } });
  });

  describe('a thread its last tab left', () => {
    async function watchedThenLeft() {
      const tab = t.connect(refA);
      const stream = await t.openStream();
      stream.start();
      await t.settle(100);
      tab.close();
      await t.settle();
      return { stream, readsBefore: byExternalRefCalls().length };
    }

    it('answers a reload within the grace period from what it kept, without a backend read', async () => {
      const { readsBefore } = await watchedThenLeft();
      await t.settle(KEEP_LEFT_THREAD_MS - 1_000);
      const reloaded = t.connect(refA);
      await t.settle(100);
      expect(reloaded.receivedOf('thread')).toEqual([
        { type: 'thread', ref: refA, thread: expect.objectContaining({ kind: 'view', view: expect.objectContaining({ id: 'conv-a' }) }) },
      ]);
      expect(byExternalRefCalls()).toHaveLength(readsBefore);
    });

    it('is still re-read on its events meanwhile, so a reload gets the current view', async () => {
      const { readsBefore } = await watchedThenLeft();
      t.views.set('DEMO-1', { ...viewA, subject: 'Refund asked' });
      t.emit(fakeEvent({ id: '101', type: 'takeover.started', conversationId: 'conv-a', leadId: 'lead-1' }));
      await t.settle(100);
      expect(byExternalRefCalls()).toHaveLength(readsBefore + 1);
      const reloaded = t.connect(refA);
      await t.settle(100);
      expect(reloaded.receivedOf('thread')).toEqual([
        { type: 'thread', ref: refA, thread: expect.objectContaining({ view: expect.objectContaining({ subject: 'Refund asked' }) }) },
      ]);
      expect(byExternalRefCalls()).toHaveLength(readsBefore + 1);
    });

    it('is re-read on a stream reconnect meanwhile', async () => {
      const { stream, readsBefore } = await watchedThenLeft();
      stream.drop();
      await t.settle(1_000);
      t.fake.openSubscription()!.start();
      await t.settle(100);
      expect(byExternalRefCalls().slice(readsBefore)).toEqual([refA]);
    });

    it('is read again on a reload while the stream is not online', async () => {
      const { stream, readsBefore } = await watchedThenLeft();
      stream.drop();
      await t.settle();
      const reloaded = t.connect(refA);
      await t.settle(100);
      expect(reloaded.receivedOf('thread')[0]?.thread).toMatchObject({ kind: 'view', view: { id: 'conv-a' } });
      expect(byExternalRefCalls().slice(readsBefore)).toContainEqual(refA);
    });

    it('is forgotten after the grace period: no more re-reads on its events, and a reload reads it again', async () => {
      t.connect(refB); // keeps the stream open past the grace period
      const { readsBefore } = await watchedThenLeft();
      await t.settle(KEEP_LEFT_THREAD_MS);
      t.emit(fakeEvent({ id: '101', type: 'takeover.started', conversationId: 'conv-a', leadId: 'lead-1' }));
      await t.settle(100);
      expect(byExternalRefCalls()).toHaveLength(readsBefore);
      const reloaded = t.connect(refA);
      await t.settle(100);
      expect(byExternalRefCalls()).toHaveLength(readsBefore + 1);
      expect(reloaded.receivedOf('thread')).toHaveLength(1);
    });
  });

  it('stops posting to a port whose tab is gone without a disconnect event', async () => {
    const tab = t.connect(refA);
    const other = t.connect(refA);
    (await t.openStream()).start();
    await t.settle(100);
    tab.postMessage = () => {
      throw new Error('Attempting to use a disconnected port object');
    };
    t.emit(fakeEvent({ id: '101', type: 'takeover.started', conversationId: 'conv-a' }));
    await t.settle(100);
    expect(other.receivedOf('thread').length).toBeGreaterThan(1);
  });

  it('says unconfigured to ports and threads when nothing is saved', async () => {
    await t.restart({ configured: false });
    const tab = t.connect(refA);
    await t.settle();
    expect(tab.receivedOf('connection')[0]?.connection).toMatchObject({ state: 'unconfigured' });
    expect(tab.receivedOf('thread').at(-1)?.thread).toMatchObject({ kind: 'unavailable' });
    expect(t.fake.calls).toEqual([]);
  });
});

describe('overlay hub: which tab shows what, and where a thread lives', () => {
  const t = useTestBackground({ views: { 'DEMO-1': viewA, 'DEMO-2': viewB } });
  const urlA = 'http://127.0.0.1:8787/demo/acme/c/DEMO-1';

  /** A content script in tab `tabId` (window 1) at `url`, watching `ref`. */
  async function tabShowing(ref: ConversationRef | null, tabId: number, url = urlA) {
    const port = Object.assign(createFakePort(), { sender: { tab: { id: tabId, windowId: 1 }, url } });
    t.background.acceptPort(port);
    if (ref) port.send({ type: 'watch', ref });
    await t.settle();
    return port;
  }

  it('tells the thread a tab shows, as its banner has it, and follows watch, unwatch and close', async () => {
    const tab = await tabShowing(refA, 7);
    expect(t.background.hub.threadForTab(7)).toEqual({ ref: refA, thread: expect.objectContaining({ kind: 'view', view: expect.objectContaining({ id: 'conv-a' }) }) });
    expect(t.background.hub.threadForTab(8)).toBeNull();

    tab.send({ type: 'watch', ref: refB });
    await t.settle();
    expect(t.background.hub.threadForTab(7)).toMatchObject({ ref: refB, thread: { view: { id: 'conv-b' } } });
    tab.send({ type: 'unwatch' });
    expect(t.background.hub.threadForTab(7)).toBeNull();
    tab.send({ type: 'watch', ref: refA });
    tab.close();
    expect(t.background.hub.threadForTab(7)).toBeNull();
  });

  it('says a watch is still waiting for its first read (thread null)', async () => {
    t.fake.answer('conversations.byExternalRef', () => new Promise(() => undefined));
    await tabShowing(refA, 7);
    expect(t.background.hub.threadForTab(7)).toEqual({ ref: refA, thread: null });
  });

  it('lists the tabs showing a conversation, newest first, by id or by helpdesk reference; closed tabs leave the list', async () => {
    const first = await tabShowing(refA, 3);
    await tabShowing(refB, 4);
    await tabShowing(refA, 5);
    expect(t.background.hub.tabsShowing('conv-a')).toEqual([
      { tabId: 5, windowId: 1 },
      { tabId: 3, windowId: 1 },
    ]);
    expect(t.background.hub.tabsShowing(null, refB)).toEqual([{ tabId: 4, windowId: 1 }]);
    expect(t.background.hub.tabsShowing('conv-x', { connector: 'demo', externalId: 'DEMO-9' })).toEqual([]);
    first.close();
    expect(t.background.hub.tabsShowing('conv-a')).toEqual([{ tabId: 5, windowId: 1 }]);
  });

  it('records the helpdesk URL once, from the first tab showing a conversation that has none', async () => {
    t.fake.answer('conversations.rememberHelpdeskUrl', () => ({ ok: true }));
    const tab = await tabShowing(refA, 7);
    await tabShowing(refA, 8, 'http://127.0.0.1:8787/demo/acme/c/DEMO-1?again');
    (await t.openStream()).start();
    t.emit(fakeEvent({ id: '101', type: 'takeover.started', conversationId: 'conv-a' }));
    await t.settle(200);
    expect(tab.receivedOf('thread').length).toBeGreaterThan(1);
    expect(t.fake.callsTo('conversations.rememberHelpdeskUrl')).toEqual([{ id: 'conv-a', url: urlA }]);
  });

  it('records the page address the watch carried, not where a single-page helpdesk went before the view arrived', async () => {
    t.fake.answer('conversations.rememberHelpdeskUrl', () => ({ ok: true }));
    // The tab opened on the inbox, asked for ticket 1 at …/DEMO-1, then moved on to ticket 2 before the answer.
    const tab = await fakeBrowser.tabs.create({ url: 'http://127.0.0.1:8787/demo/acme/c/DEMO-2' });
    const port = Object.assign(createFakePort(), { sender: { tab: { id: tab.id!, windowId: 1 }, url: 'http://127.0.0.1:8787/demo/acme/inbox' } });
    t.background.acceptPort(port);
    port.send({ type: 'watch', ref: refA, pageUrl: 'http://127.0.0.1:8787/demo/acme/c/DEMO-1' });
    await t.settle();
    expect(t.fake.callsTo('conversations.rememberHelpdeskUrl')).toEqual([{ id: 'conv-a', url: 'http://127.0.0.1:8787/demo/acme/c/DEMO-1' }]);
  });

  it('falls back to the port’s sender URL when the watch’s page address is missing, not a web page or on another origin', async () => {
    t.fake.answer('conversations.rememberHelpdeskUrl', () => ({ ok: true }));
    const inbox = 'http://127.0.0.1:8787/demo/acme/inbox';
    for (const [tabId, ref, pageUrl] of [
      [7, refA, 'https://elsewhere.example/c/DEMO-1'],
      [8, refB, 'javascript:alert(1)'],
    ] as const) {
      const port = Object.assign(createFakePort(), { sender: { tab: { id: tabId, windowId: 1 }, url: inbox } });
      t.background.acceptPort(port);
      port.send({ type: 'watch', ref, pageUrl });
    }
    await t.settle();
    expect(t.fake.callsTo('conversations.rememberHelpdeskUrl')).toEqual([
      { id: 'conv-a', url: inbox },
      { id: 'conv-b', url: inbox },
    ]);
  });

  it('records nothing for a conversation that has a URL, or from a page that is not a web page', async () => {
    t.fake.answer('conversations.rememberHelpdeskUrl', () => ({ ok: true }));
    t.views.set('DEMO-1', { ...viewA, helpdeskUrl: urlA });
    await tabShowing(refA, 7);
    await tabShowing(refB, 8, 'file:///tmp/inbox.html');
    expect(t.fake.callsTo('conversations.rememberHelpdeskUrl')).toEqual([]);
  });

  it('only logs a failure to record it; the banner is unaffected', async () => {
    t.fake.answer('conversations.rememberHelpdeskUrl', () => {
      throw serverError('FORBIDDEN', 'not allowed');
    });
    const tab = await tabShowing(refA, 7);
    expect(t.fake.callsTo('conversations.rememberHelpdeskUrl')).toHaveLength(1);
    expect(t.log.warn).toHaveBeenCalledWith('[baton] could not record the helpdesk URL of conversation', 'conv-a', expect.anything());
    expect(tab.receivedOf('thread').at(-1)?.thread).toMatchObject({ kind: 'view', view: { id: 'conv-a' } });
  });
});
