// Adapter for Baton's demo helpdesk ("Acme Helpdesk (demo)", served by the backend at /demo): a pure parser of its markup.
import type { AgentSend } from '../overlay/overlay-model';
import type { HelpdeskAdapter } from './adapter';

/*
 * Test URLs (the backend prints the demo's URL at start; any port):
 * - http://127.0.0.1:8787/demo/acme                 list, no thread
 * - http://127.0.0.1:8787/demo/acme/c/DEMO-1        thread
 * - http://localhost:8787/demo/acme/c/DEMO-1?agent=dana@acme.test
 */

/** The open thread and its external id (`/demo/<slug>/c/<externalId>` renders it). */
const THREAD = 'section.hd-thread[data-external-id]';
/** The thread header: the banner stack mounts right after it (top of the thread). */
const THREAD_HEADER = 'header.hd-thread-header';
/** The header's tool area: the Take Over button goes there. */
const HEADER_TOOLS = '.hd-thread-header .hd-thread-tools';
/** The agent's compose box (`data-draft-id` is a fresh uuid after each send). */
const COMPOSER = 'form.hd-composer';

/** What a helpdesk external id may look like; anything else is ignored (issue 9 "Bad input"). */
const VALID_EXTERNAL_ID = /^[A-Za-z0-9._:-]{1,255}$/;
const DEMO_HOSTS = new Set(['127.0.0.1', 'localhost']);

/**
 * The demo inbox adapter (connector `demo`).
 *
 * @example
 * demoInboxAdapter.conversationRef(document, new URL(location.href)); // { connector: 'demo', externalId: 'DEMO-1' }
 */
export const demoInboxAdapter: HelpdeskAdapter = {
  name: 'demo',

  matches(url) {
    return (url.protocol === 'http:' || url.protocol === 'https:') && DEMO_HOSTS.has(url.hostname) && url.pathname.startsWith('/demo/');
  },

  conversationRef(document) {
    const externalId = document.querySelector<HTMLElement>(THREAD)?.dataset.externalId;
    if (externalId === undefined || !VALID_EXTERNAL_ID.test(externalId)) return null;
    return { connector: 'demo', externalId };
  },

  mountPoint(document) {
    const anchor = document.querySelector(THREAD_HEADER);
    return anchor ? { anchor, append: 'after' } : null;
  },

  headerSlot(document) {
    return document.querySelector(HEADER_TOOLS);
  },

  composer(document) {
    return document.querySelector(COMPOSER);
  },

  observedAttributes: ['data-external-id'],

  onAgentSend(document, onSend) {
    // Capture phase on the document: runs before the page's own submit handler clears the form.
    const listener = (event: Event): void => {
      const send = agentSendFrom(event.target);
      if (send) onSend(send);
    };
    document.addEventListener('submit', listener, { capture: true });
    return () => document.removeEventListener('submit', listener, { capture: true });
  },
};

/** The send a submitted composer form carries, or null (another form, a blank body, no draft id). */
function agentSendFrom(target: EventTarget | null): AgentSend | null {
  if (!isElement(target) || !target.matches(COMPOSER)) return null;
  const form = target as HTMLFormElement;
  const draftId = form.dataset.draftId;
  const channel = fieldValue(form, 'channel');
  const body = fieldValue(form, 'body').trim();
  // Without a draft id the send has no stable key, and a report could count twice: skip it.
  if (!draftId || body === '' || (channel !== 'sms' && channel !== 'email')) return null;
  return { channel, body, idempotencyKey: `demo:${draftId}` };
}

function fieldValue(form: HTMLFormElement, name: string): string {
  const field = form.elements.namedItem(name);
  return field && 'value' in field && typeof field.value === 'string' ? field.value : '';
}

/** `instanceof Element` fails across realms (jsdom, isolated worlds): check the node type instead. */
function isElement(target: EventTarget | null): target is Element {
  return target !== null && (target as Node).nodeType === 1;
}
