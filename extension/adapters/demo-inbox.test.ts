// The demo inbox adapter on saved pages of the demo helpdesk (table-style, jsdom).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { demoInboxAdapter as adapter } from './demo-inbox';
import { loadFixture, showFixture } from './fixtures/load-fixture';

const THREAD_URL = new URL('http://127.0.0.1:8787/demo/acme/c/DEMO-1');

describe('demo inbox adapter', () => {
  it.each([
    ['http://127.0.0.1:8787/demo/acme', true],
    ['http://127.0.0.1/demo/acme/c/DEMO-1', true],
    ['http://localhost:5173/demo/acme/c/DEMO-1?agent=dana@acme.test', true],
    ['https://localhost/demo/acme', true],
    ['http://127.0.0.1:8787/demo', false],
    ['http://127.0.0.1:8787/demonstration/acme', false],
    ['http://127.0.0.1:8787/api/demo/acme', false],
    ['http://example.com/demo/acme', false],
    ['http://127.0.0.2/demo/acme', false],
    ['file:///demo/acme', false],
  ])('matches(%s) is %s', (url, expected) => {
    expect(adapter.matches(new URL(url))).toBe(expected);
  });

  it.each([
    ['demo-thread.html', { connector: 'demo', externalId: 'DEMO-1' }],
    ['demo-thread-server.html', { connector: 'demo', externalId: 'DEMO-1' }],
    ['demo-list.html', null],
    ['demo-thread-invalid-id.html', null],
    ['unrelated-page.html', null],
  ])('conversationRef on %s', (fixture, expected) => {
    expect(adapter.conversationRef(loadFixture(fixture), THREAD_URL)).toEqual(expected);
  });

  it.each([
    ['DEMO-1', true],
    ['rt:12345', true],
    ['a.b_c-d:e', true],
    ['x'.repeat(255), true],
    ['x'.repeat(256), false],
    ['', false],
    ['DEMO 1', false],
    ['<img src=x onerror=alert(1)>', false],
    ['DEMO/1', false],
  ])('conversationRef accepts the id %j: %s', (externalId, valid) => {
    const page = loadFixture('demo-thread.html');
    page.querySelector('section.hd-thread')!.setAttribute('data-external-id', externalId);
    expect(adapter.conversationRef(page, THREAD_URL)).toEqual(valid ? { connector: 'demo', externalId } : null);
  });

  it.each([
    ['demo-thread.html', 'header.hd-thread-header'],
    ['demo-thread-server.html', 'header.hd-thread-header'],
    ['demo-list.html', null],
    ['unrelated-page.html', null],
  ])('mountPoint on %s', (fixture, selector) => {
    const page = loadFixture(fixture);
    const mountPoint = adapter.mountPoint(page);
    if (selector === null) return expect(mountPoint).toBeNull();
    expect(mountPoint).toEqual({ anchor: page.querySelector(selector), append: 'after' });
  });

  it.each([
    ['demo-thread.html', '.hd-thread-tools'],
    ['demo-thread-server.html', '.hd-thread-tools'],
    ['demo-list.html', null],
    ['unrelated-page.html', null],
  ])('headerSlot on %s', (fixture, selector) => {
    const page = loadFixture(fixture);
    expect(adapter.headerSlot(page)).toBe(selector === null ? null : page.querySelector(selector));
  });

  it.each([
    ['demo-thread.html', 'form.hd-composer'],
    ['demo-thread-server.html', 'form.hd-composer'],
    ['demo-list.html', null],
    ['unrelated-page.html', null],
  ])('composer on %s', (fixture, selector) => {
    const page = loadFixture(fixture);
    expect(adapter.composer(page)).toBe(selector === null ? null : page.querySelector(selector));
  });
});

describe('demo inbox adapter: onAgentSend', () => {
  const teardowns: Array<() => void> = [];
  afterEach(() => teardowns.splice(0).forEach((stop) => stop()));

  /** The live document showing `fixture`, the page's own submit handler (which stops navigation), and the sends seen. */
  function listen(fixture = 'demo-thread.html') {
    const page = showFixture(fixture);
    const pageHandler = (event: Event) => event.preventDefault();
    page.addEventListener('submit', pageHandler);
    teardowns.push(() => page.removeEventListener('submit', pageHandler));
    const onSend = vi.fn();
    const stop = adapter.onAgentSend(page, onSend);
    teardowns.push(stop);
    return { page, onSend, stop };
  }

  function fill(form: HTMLFormElement, values: Record<string, string>): HTMLFormElement {
    for (const [name, value] of Object.entries(values)) (form.elements.namedItem(name) as HTMLInputElement).value = value;
    return form;
  }

  it.each([
    ['an SMS', { channel: 'sms', body: 'On my way' }, { channel: 'sms', body: 'On my way' }],
    ['an email, body trimmed', { channel: 'email', body: '  Hello Jane\n' }, { channel: 'email', body: 'Hello Jane' }],
  ])('reports %s once with the draft id as idempotency key', (_case, values, expected) => {
    const { page, onSend } = listen();
    fill(page.querySelector<HTMLFormElement>('form.hd-composer')!, values).requestSubmit();
    expect(onSend).toHaveBeenCalledTimes(1);
    expect(onSend).toHaveBeenCalledWith({ ...expected, idempotencyKey: 'demo:5f0c2a8e-1d7b-4c55-9a57-3c3f0e1b2d44' });
  });

  it('reads the page as the server renders it (channel preselected from the thread)', () => {
    const { page, onSend } = listen('demo-thread-server.html');
    fill(page.querySelector<HTMLFormElement>('form.hd-composer')!, { body: 'Tuesday works' }).requestSubmit();
    expect(onSend.mock.calls).toEqual([
      [{ channel: 'sms', body: 'Tuesday works', idempotencyKey: 'demo:5f0c2a8e-1d7b-4c55-9a57-3c3f0e1b2d44' }],
    ]);
  });

  it('sees the send before the page handles it (capture phase), even when the page stops propagation', () => {
    const page = showFixture('demo-thread.html');
    const composer = page.querySelector<HTMLFormElement>('form.hd-composer')!;
    composer.addEventListener('submit', (event) => {
      event.preventDefault();
      event.stopPropagation();
      composer.reset();
    });
    const onSend = vi.fn();
    teardowns.push(adapter.onAgentSend(page, onSend));
    fill(composer, { body: 'Sent' }).requestSubmit();
    expect(onSend).toHaveBeenCalledWith(expect.objectContaining({ body: 'Sent' }));
  });

  it.each([
    ['a blank body', 'form.hd-composer', { body: '   \n ' }],
    ['the customer simulator', 'form.hd-customer-sim', { body: 'Hi, it is Jane' }],
    ['the new-customer form', 'form.hd-new-customer', { body: 'Hello' }],
  ])('reports nothing for %s', (_case, selector, values) => {
    const { page, onSend } = listen();
    fill(page.querySelector<HTMLFormElement>(selector)!, values).requestSubmit();
    expect(onSend).not.toHaveBeenCalled();
  });

  it('reports nothing without a draft id (no stable key)', () => {
    const { page, onSend } = listen();
    const composer = page.querySelector<HTMLFormElement>('form.hd-composer')!;
    delete composer.dataset.draftId;
    fill(composer, { body: 'Hello' }).requestSubmit();
    expect(onSend).not.toHaveBeenCalled();
  });

  it('uses the new draft id of the next send', () => {
    const { page, onSend } = listen();
    const composer = page.querySelector<HTMLFormElement>('form.hd-composer')!;
    fill(composer, { body: 'One' }).requestSubmit();
    composer.dataset.draftId = 'second-draft';
    fill(composer, { body: 'Two' }).requestSubmit();
    expect(onSend.mock.calls.map(([send]) => send.idempotencyKey)).toEqual([
      'demo:5f0c2a8e-1d7b-4c55-9a57-3c3f0e1b2d44',
      'demo:second-draft',
    ]);
  });

  it('stops reporting after teardown', () => {
    const { page, onSend, stop } = listen();
    stop();
    fill(page.querySelector<HTMLFormElement>('form.hd-composer')!, { body: 'Hello' }).requestSubmit();
    expect(onSend).not.toHaveBeenCalled();
  });
});
