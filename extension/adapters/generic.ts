// Adapter built from an admin's configuration (shared/helpdesk-adapters.ts): a pure parser of any helpdesk's pages by CSS selectors.
import { conversationIdFromUrl, type HelpdeskAdapterConfig } from '../../shared/helpdesk-adapters';
import type { AgentSend } from '../overlay/overlay-model';
import type { HelpdeskAdapter } from './adapter';

/** What a helpdesk external id may look like; anything else is ignored (as in the demo adapter). */
const VALID_EXTERNAL_ID = /^[A-Za-z0-9._:-]{1,255}$/;

/** Makes a fresh key for one send: the configured helpdesk exposes no message id the page could read. */
export type SendKeyFactory = () => string;

/**
 * The adapter for one configured helpdesk. It serves every page of the configured origin (so a
 * single-page helpdesk that navigates from its inbox to a ticket is followed), and shows a thread only
 * where `urlPattern` matches. A selector the page's engine refuses finds nothing instead of throwing.
 *
 * @example
 * const adapter = createGenericAdapter(config);
 * adapter.conversationRef(document, new URL(location.href)); // { connector: 'fixture-desk', externalId: 'T-1' }
 */
export function createGenericAdapter(config: HelpdeskAdapterConfig, newSendKey: SendKeyFactory = () => crypto.randomUUID()): HelpdeskAdapter {
  const urlPattern = compile(config.urlPattern);
  const { selectors, conversationId: idSource } = config;

  return {
    name: `generic:${config.name}`,

    matches(url) {
      return url.origin === config.origin;
    },

    conversationRef(document, url) {
      if (!urlPattern?.test(url.href)) return null;
      const externalId = idSource.from === 'url' ? conversationIdFromUrl(idSource.pattern, url.href) : idFromElement(document, idSource.selector, idSource.attribute);
      if (externalId === null || !VALID_EXTERNAL_ID.test(externalId)) return null;
      return { connector: config.connector, externalId };
    },

    mountPoint(document) {
      const anchor = first(document, selectors.mount);
      return anchor ? { anchor, append: 'first' } : null;
    },

    headerSlot(document) {
      return first(document, selectors.threadHeader);
    },

    composer(document) {
      return selectors.composer === null ? null : first(document, selectors.composer);
    },

    observedAttributes: idSource.from === 'selector' && idSource.attribute !== null ? [idSource.attribute] : [],

    onAgentSend(document, onSend) {
      const sendButton = selectors.sendButton;
      if (sendButton === null) return () => undefined;
      const report = () => {
        const send = agentSendFrom(document, config, newSendKey);
        if (send) onSend(send);
      };
      // Capture phase: runs before the page's own handler clears the composer.
      const onClick = (event: Event) => {
        if (closest(event.target, sendButton)) report();
      };
      // Enter in a form submits without a click; a submit caused by the send button was reported by its click.
      const onSubmit = (event: Event) => {
        const submitter = (event as SubmitEvent).submitter ?? null;
        if (submitter && closest(submitter, sendButton)) return;
        const form = event.target;
        if (isElement(form) && safeQuery(() => form.querySelector(sendButton))) report();
      };
      document.addEventListener('click', onClick, { capture: true });
      document.addEventListener('submit', onSubmit, { capture: true });
      return () => {
        document.removeEventListener('click', onClick, { capture: true });
        document.removeEventListener('submit', onSubmit, { capture: true });
      };
    },
  };
}

/** The send the composer holds right now, or null (no composer, a blank body). */
function agentSendFrom(document: Document, config: HelpdeskAdapterConfig, newSendKey: SendKeyFactory): AgentSend | null {
  const composer = config.selectors.composer === null ? null : first(document, config.selectors.composer);
  const body = composer ? composerText(composer).trim() : '';
  if (body === '') return null;
  return { channel: config.channel, body, idempotencyKey: `generic:${config.id}:${newSendKey()}` };
}

/** The text of a composer: a field's value, a field inside it, or an editable element's text. */
function composerText(composer: Element): string {
  const field = isTextField(composer) ? composer : composer.querySelector('textarea, input[type="text"], input:not([type])');
  if (field && isTextField(field)) return field.value;
  const editable = composer.matches('[contenteditable]') ? composer : composer.querySelector('[contenteditable]');
  return (editable ?? composer).textContent ?? '';
}

function isTextField(element: Element): element is HTMLTextAreaElement | HTMLInputElement {
  return element.tagName === 'TEXTAREA' || element.tagName === 'INPUT';
}

function idFromElement(document: Document, selector: string, attribute: string | null): string | null {
  const element = first(document, selector);
  if (!element) return null;
  const value = attribute === null ? element.textContent : element.getAttribute(attribute);
  const id = value?.trim() ?? '';
  return id === '' ? null : id;
}

function first(document: Document, selector: string): Element | null {
  return safeQuery(() => document.querySelector(selector));
}

function closest(target: EventTarget | null, selector: string): Element | null {
  return isElement(target) ? safeQuery(() => target.closest(selector)) : null;
}

/** A selector the engine refuses (`SyntaxError`) matches nothing. */
function safeQuery(query: () => Element | null | undefined | false): Element | null {
  try {
    return query() || null;
  } catch {
    return null;
  }
}

function compile(pattern: string): RegExp | null {
  try {
    return new RegExp(pattern);
  } catch {
    return null;
  }
}

/** `instanceof Element` fails across realms (jsdom, isolated worlds): check the node type instead. */
function isElement(target: EventTarget | null): target is Element {
  return target !== null && (target as Node).nodeType === 1;
}
