// The helpdesk form's state as typed, and its check: the shared schema plus CSS selector syntax, errors by API path.
import { ZHelpdeskAdapterConfig, type HelpdeskAdapterConfig, type HelpdeskAdapterConfigInput } from '../../shared/helpdesk-adapters';
import { issuesByPath, type FieldErrors } from './field-errors';

/** Every field as text, so nothing typed is lost while it is invalid. */
export interface HelpdeskDraft {
  id: string;
  name: string;
  origin: string;
  urlPattern: string;
  sampleUrl: string;
  idFrom: 'url' | 'selector';
  idPattern: string;
  idSelector: string;
  /** Blank: the element's text. */
  idAttribute: string;
  threadHeader: string;
  mount: string;
  /** Blank: none. */
  composer: string;
  /** Blank: none. */
  sendButton: string;
  connector: string;
  channel: 'sms' | 'email';
}

/** A blank form for a new helpdesk with a fresh id. */
export function emptyDraft(id: string = crypto.randomUUID()): HelpdeskDraft {
  return {
    id,
    name: '',
    origin: '',
    urlPattern: '',
    sampleUrl: '',
    idFrom: 'url',
    idPattern: '',
    idSelector: '',
    idAttribute: '',
    threadHeader: '',
    mount: '',
    composer: '',
    sendButton: '',
    connector: '',
    channel: 'email',
  };
}

/** The form showing a saved helpdesk. */
export function draftFrom(config: HelpdeskAdapterConfig): HelpdeskDraft {
  const id = config.conversationId;
  return {
    id: config.id,
    name: config.name,
    origin: config.origin,
    urlPattern: config.urlPattern,
    sampleUrl: config.sampleUrl,
    idFrom: id.from,
    idPattern: id.from === 'url' ? id.pattern : '',
    idSelector: id.from === 'selector' ? id.selector : '',
    idAttribute: id.from === 'selector' ? (id.attribute ?? '') : '',
    threadHeader: config.selectors.threadHeader,
    mount: config.selectors.mount,
    composer: config.selectors.composer ?? '',
    sendButton: config.selectors.sendButton ?? '',
    connector: config.connector,
    channel: config.channel,
  };
}

/** The configuration the draft describes (unchecked); blank optional fields become null. */
export function configInputFrom(draft: HelpdeskDraft): HelpdeskAdapterConfigInput {
  const optional = (value: string) => (value.trim() === '' ? null : value);
  return {
    id: draft.id,
    name: draft.name,
    origin: draft.origin,
    urlPattern: draft.urlPattern,
    sampleUrl: draft.sampleUrl,
    conversationId:
      draft.idFrom === 'url' ? { from: 'url', pattern: draft.idPattern } : { from: 'selector', selector: draft.idSelector, attribute: optional(draft.idAttribute) },
    selectors: { threadHeader: draft.threadHeader, mount: draft.mount, composer: optional(draft.composer), sendButton: optional(draft.sendButton) },
    connector: draft.connector,
    channel: draft.channel,
  };
}

/** Whether the browser's CSS engine accepts `selector` (throws a SyntaxError otherwise). */
export type SelectorCheck = (selector: string) => boolean;

/** Asks this page's own CSS engine; nothing is searched. */
export const cssAccepts: SelectorCheck = (selector) => {
  try {
    document.createDocumentFragment().querySelector(selector);
    return true;
  } catch {
    return false;
  }
};

const SELECTOR_PATHS = ['selectors.threadHeader', 'selectors.mount', 'selectors.composer', 'selectors.sendButton', 'conversationId.selector'] as const;

/**
 * Checks the draft with the shared schema and the page's CSS engine: the configuration, or one
 * message per field (by API path: `urlPattern`, `selectors.mount`, `conversationId.pattern`).
 *
 * @example
 * const checked = checkHelpdeskDraft(draft);
 * if (!checked.ok) setErrors(checked.fieldErrors);
 */
export function checkHelpdeskDraft(draft: HelpdeskDraft, accepts: SelectorCheck = cssAccepts): { ok: true; config: HelpdeskAdapterConfig } | { ok: false; fieldErrors: FieldErrors } {
  const input = configInputFrom(draft);
  const parsed = ZHelpdeskAdapterConfig.safeParse(input);
  const fieldErrors = parsed.success ? {} : issuesByPath(parsed.error.issues);
  const selectors: Record<(typeof SELECTOR_PATHS)[number], string | null> = {
    'selectors.threadHeader': input.selectors.threadHeader,
    'selectors.mount': input.selectors.mount,
    'selectors.composer': input.selectors.composer ?? null,
    'selectors.sendButton': input.selectors.sendButton ?? null,
    'conversationId.selector': input.conversationId.from === 'selector' ? input.conversationId.selector : null,
  };
  for (const path of SELECTOR_PATHS) {
    const selector = selectors[path]?.trim();
    if (selector && !accepts(selector)) fieldErrors[path] ??= `${path} is not a valid CSS selector`;
  }
  if (parsed.success && Object.keys(fieldErrors).length === 0) return { ok: true, config: parsed.data };
  return { ok: false, fieldErrors: withoutFollowOnErrors(fieldErrors) };
}

/** Comparisons with a field that is itself wrong say nothing new: only that field's own error stays. */
function withoutFollowOnErrors(errors: FieldErrors): FieldErrors {
  const kept = { ...errors };
  const dropIf = (path: string, message: string, when: boolean) => {
    if (when && kept[path] === message) delete kept[path];
  };
  dropIf('sampleUrl', 'sampleUrl must be on the origin', 'origin' in errors);
  const sampleUnusable = 'sampleUrl' in errors && errors.sampleUrl !== 'sampleUrl must be on the origin';
  dropIf('urlPattern', 'urlPattern does not match sampleUrl', sampleUnusable);
  dropIf('conversationId.pattern', 'conversationId.pattern must capture the id from sampleUrl in its first group', sampleUnusable);
  return kept;
}

/** The API's field names in messages, as the form labels them. */
const LABELS: [RegExp, string][] = [
  [/\bconversationId\.pattern\b/g, 'Id pattern'],
  [/\bconversationId\.selector\b/g, 'Id element selector'],
  [/\bconversationId\.attribute\b/g, 'Id attribute'],
  [/\bselectors\.threadHeader\b/g, 'Thread header selector'],
  [/\bselectors\.mount\b/g, 'Banner mount selector'],
  [/\bselectors\.composer\b/g, 'Composer selector'],
  [/\bselectors\.sendButton\b/g, 'Send button selector'],
  [/\burlPattern\b/g, 'Thread URL pattern'],
  [/\bsampleUrl\b/g, 'sample thread URL'],
  [/^origin\b/g, 'Origin'],
  [/^connector\b/g, 'Connector'],
  [/^name\b/g, 'Name'],
];

/**
 * A message as the helpdesk form shows it: API field names become the labels next to the field.
 * @example helpdeskReadable('urlPattern does not match sampleUrl') // 'Thread URL pattern does not match sample thread URL'
 */
export function helpdeskReadable(message: string): string {
  return LABELS.reduce((current, [name, label]) => current.replace(name, label), message);
}

/**
 * Server errors about the adapter at `index` of `helpdeskAdapters`, keyed as the form keys them;
 * other errors stay under their own path.
 * @example formErrorsFromServer({ 'helpdeskAdapters.2.urlPattern': 'bad' }, 2) // { urlPattern: 'bad' }
 */
export function formErrorsFromServer(errors: FieldErrors, index: number): FieldErrors {
  const prefix = `helpdeskAdapters.${index}.`;
  return Object.fromEntries(Object.entries(errors).map(([path, message]) => (path.startsWith(prefix) ? [path.slice(prefix.length), message] : [path, message])));
}
