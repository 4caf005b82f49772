// Benchmark host page script (plain browser JS, served as-is): renders a 5,000-message demo-inbox thread, then churns the DOM.
// Query: ?messages=N (default 5000), ?churn=auto|manual (default auto), ?watch=banner (record when Baton's takeover banner shows).
// Everything the harness reads or drives is on `window.__bench`.
(() => {
  'use strict';
  const query = new URLSearchParams(location.search);
  const messageCount = Number(query.get('messages') ?? 5000);
  const APPEND_EVERY_MS = 100;
  const SIDEBAR_EVERY_MS = 50;
  const AUTHORS = [
    ['customer', 'Customer'],
    ['ai', 'AI'],
    ['agent', 'Dana Smith'],
  ];
  const PHRASES = [
    'Where is my order? It was supposed to arrive on Tuesday.',
    'Thanks for waiting — I am checking this with the warehouse now.',
    'Could you send me the tracking number again please?',
    'Your parcel left our depot this morning and should arrive tomorrow.',
    'I would like to change the delivery address to my office.',
  ];

  const bench = {
    renderedAt: null,
    /** After the first frame that shows the rendered thread (rAF, then a task): the page's own paint cost. */
    firstFrameAt: null,
    /** When the `baton-banners` host first appeared (the stack mounted, maybe still without data). */
    hostAt: null,
    bannerAt: null,
    bannerSeenBy: null,
    appended: 0,
    sidebarTicks: 0,
    churning: false,
    startChurn,
    stopChurn,
  };
  window.__bench = bench;

  const list = document.querySelector('ol.hd-messages');
  const clock = document.querySelector('.hd-clock');
  const badge = document.querySelector('.hd-unread-badge');
  // Times shown the way the demo inbox (and any helpdesk) shows them: in the agent's locale, via ICU.
  const clockFormat = new Intl.DateTimeFormat([], { hour: 'numeric', minute: '2-digit' });
  let nextId = 0;
  /** The message elements in order (the page's own bookkeeping keeps its script cheap and steady: no live HTMLCollection walks). */
  const items = [];

  /** One message element, the way the demo inbox renders it. */
  function messageElement(index) {
    const [kind, name] = AUTHORS[index % AUTHORS.length];
    const item = document.createElement('li');
    item.className = `hd-message hd-message--${kind}`;
    item.dataset.messageId = `m-${nextId++}`;
    const author = document.createElement('span');
    author.className = 'hd-message-author';
    author.textContent = name;
    const body = document.createElement('div');
    body.className = 'hd-message-body';
    body.textContent = `${PHRASES[index % PHRASES.length]} (#${index + 1})`;
    const at = new Date(Date.UTC(2026, 0, 1, 9, 0, 0) + index * 60_000);
    const time = document.createElement('time');
    time.dateTime = at.toISOString();
    time.textContent = clockFormat.format(at);
    item.append(author, body, time);
    return item;
  }

  function render() {
    const fragment = document.createDocumentFragment();
    for (let index = 0; index < messageCount; index++) {
      const item = messageElement(index);
      items.push(item);
      fragment.append(item);
    }
    list.append(fragment);
    // Force layout so "rendered" means laid out, not just in the tree.
    void list.getBoundingClientRect().height;
    bench.renderedAt = performance.now();
    performance.mark('baton-bench-thread-rendered');
    requestAnimationFrame(() => setTimeout(() => (bench.firstFrameAt = performance.now())));
  }

  let churnTimer = null;
  let churnStartedAt = 0;
  let appendsDone = 0;
  let sidebarDone = 0;
  /** After a long stall (a busy main thread), catch up at most this many operations per kind in one tick. */
  const MAX_CATCH_UP = 20;

  function appendMessage() {
    const item = messageElement(messageCount + bench.appended);
    items.push(item);
    list.append(item);
    bench.appended += 1;
  }

  function touchSidebar() {
    bench.sidebarTicks += 1;
    clock.textContent = new Date().toISOString().slice(11, 23); // changes every tick (ms precision)
    badge.textContent = String(bench.sidebarTicks % 100);
    items[Math.floor(Math.random() * items.length)].classList.toggle('hd-message--highlighted');
  }

  /**
   * A message appended every 100 ms; the sidebar clock and badge text and a random message's class every
   * 50 ms. Operations are scheduled by elapsed time, not by timer count, so a late timer (a busy main
   * thread, a loaded machine) catches up and the mutation rate stays the same in every run.
   */
  function startChurn() {
    if (bench.churning) return;
    bench.churning = true;
    churnStartedAt = performance.now();
    appendsDone = 0;
    sidebarDone = 0;
    churnTimer = setInterval(() => {
      const elapsed = performance.now() - churnStartedAt;
      const appendsDue = Math.min(Math.floor(elapsed / APPEND_EVERY_MS) - appendsDone, MAX_CATCH_UP);
      for (let index = 0; index < appendsDue; index++) appendMessage();
      appendsDone = Math.max(appendsDone + appendsDue, Math.floor(elapsed / APPEND_EVERY_MS) - MAX_CATCH_UP);
      const sidebarDue = Math.min(Math.floor(elapsed / SIDEBAR_EVERY_MS) - sidebarDone, MAX_CATCH_UP);
      for (let index = 0; index < sidebarDue; index++) touchSidebar();
      sidebarDone = Math.max(sidebarDone + sidebarDue, Math.floor(elapsed / SIDEBAR_EVERY_MS) - MAX_CATCH_UP);
    }, SIDEBAR_EVERY_MS);
  }

  function stopChurn() {
    bench.churning = false;
    clearInterval(churnTimer);
  }

  const BANNER = '[data-baton="takeover-banner"]';

  /** True when the takeover banner is in the (open) shadow root and laid out with a size. */
  function bannerShown(root) {
    const banner = root.querySelector(BANNER);
    return banner !== null && banner.getBoundingClientRect().height > 0;
  }

  /**
   * Records performance.now() when the takeover banner first shows: a main-world MutationObserver finds
   * the `baton-banners` host, then observes its shadow root (open roots are visible from every world).
   * A closed root is left to the harness (bannerSeenBy stays null, `hostClosed` true).
   */
  function watchBanner() {
    let shadowObserver = null;
    let watchedHost = null;
    const found = (by) => {
      if (bench.bannerAt !== null) return;
      bench.bannerAt = performance.now();
      bench.bannerSeenBy = by;
      performance.mark('baton-bench-banner-shown');
      documentObserver.disconnect();
      shadowObserver?.disconnect();
    };
    const watchHost = (host) => {
      if (host === watchedHost) return;
      if (bench.hostAt === null) {
        bench.hostAt = performance.now();
        performance.mark('baton-bench-host-added');
      }
      // A re-mounted host (the content script re-mounts after host re-renders): watch the new one.
      watchedHost = host;
      shadowObserver?.disconnect();
      shadowObserver = null;
      if (!host.shadowRoot) {
        bench.hostClosed = true;
        return;
      }
      const root = host.shadowRoot;
      if (bannerShown(root)) return found('shadow-root');
      shadowObserver = new MutationObserver(() => {
        if (bannerShown(root)) found('shadow-root');
      });
      shadowObserver.observe(root, { childList: true, subtree: true, attributes: true });
    };
    const documentObserver = new MutationObserver(() => {
      const host = document.querySelector('baton-banners');
      if (host) watchHost(host);
    });
    documentObserver.observe(document.documentElement, { childList: true, subtree: true });
    // A content script that ran before the thread rendered (document_start) may have mounted already.
    const early = document.querySelector('baton-banners');
    if (early) watchHost(early);
  }

  render();
  if (query.get('watch') === 'banner') watchBanner();
  if (query.get('churn') !== 'manual') startChurn();
})();
