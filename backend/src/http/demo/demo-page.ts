// Server-side HTML of the demo helpdesk ("Acme Helpdesk (demo)"): the markup contract of issue 9,
// every text escaped; the client script (demo-client-script.ts) keeps it live afterwards.
import type { DemoAgent, DemoConversationSummary, DemoThread, DemoThreadMessage } from './demo-inbox-queries.js';
import { html, type SafeHtml } from './safe-html.js';

export const DEMO_SCRIPT_PATH = '/demo/assets/demo.js';
export const DEMO_STYLES_PATH = '/demo/assets/demo.css';

export interface DemoPageModel {
  tenantSlug: string;
  /** Who is signed in (the `?agent=` agent, else the tenant's first admin); null: the tenant has no agent. */
  agent: DemoAgent | null;
  conversations: DemoConversationSummary[];
  /** The thread in the URL; null on the list page. */
  openExternalId: string | null;
  /** The open thread; null on the list page or when the URL names an unknown thread. */
  thread: DemoThread | null;
  /** The composer's idempotency draft id (a fresh UUID per page render). */
  draftId: string;
}

const CHANNEL_LABEL = { sms: 'SMS', email: 'Email' } as const;

/** Up to two initials for an avatar: "Jane Doe" → "JD", "+1 555 0100" → "#". */
export function initialsOf(name: string): string {
  const words = name.split(/\s+/).filter((word) => /^\p{L}/u.test(word));
  return words.length ? words.slice(0, 2).map((word) => word[0]!.toUpperCase()).join('') : '#';
}

/** A UTC clock time as a placeholder until the client script shows the viewer's local time. */
const utcTime = (iso: string) => `${iso.slice(11, 16)} UTC`;

export const conversationHref = (tenantSlug: string, externalId: string) => `/demo/${encodeURIComponent(tenantSlug)}/c/${encodeURIComponent(externalId)}`;

function conversationItem(tenantSlug: string, conversation: DemoConversationSummary, open: boolean): SafeHtml {
  return html`<li class="hd-conversation-item${open ? ' is-active' : ''}"><a href="${conversationHref(tenantSlug, conversation.externalId)}" data-external-id="${conversation.externalId}"${open ? html` aria-current="page"` : null}><span class="hd-avatar" aria-hidden="true">${initialsOf(conversation.leadName)}</span><span class="hd-conversation-text"><span class="hd-conversation-top"><span class="hd-conversation-name">${conversation.leadName}</span><time class="hd-conversation-time" datetime="${conversation.updatedAt}">${utcTime(conversation.updatedAt)}</time></span><small>${conversation.lastMessage}</small></span></a></li>`;
}

function messageItem(message: DemoThreadMessage): SafeHtml {
  return html`<li class="hd-message hd-message--${message.author}" data-message-id="${message.id}" data-channel="${message.channel}"><span class="hd-message-author">${message.authorName}</span><div class="hd-message-body">${message.body}</div><time datetime="${message.at}">${utcTime(message.at)}</time></li>`;
}

const channelOptions = (selected: 'sms' | 'email') =>
  html`<option value="sms"${selected === 'sms' ? html` selected` : null}>SMS</option><option value="email"${selected === 'email' ? html` selected` : null}>Email</option>`;

function threadSection(thread: DemoThread, draftId: string): SafeHtml {
  const contact = thread.channel === 'email' ? (thread.lead.email ?? thread.lead.phone) : (thread.lead.phone ?? thread.lead.email);
  const meta = [contact, CHANNEL_LABEL[thread.channel]].filter(Boolean).join(' · ');
  return html`<section class="hd-thread" data-external-id="${thread.externalId}" data-channel="${thread.channel}">
      <header class="hd-thread-header"><div class="hd-thread-heading"><h1 class="hd-thread-title">${thread.lead.name}</h1><span class="hd-thread-meta">${meta}</span></div><div class="hd-thread-tools"></div></header>
      <ol class="hd-messages">${thread.messages.map(messageItem)}</ol>
      <form class="hd-composer" data-draft-id="${draftId}"><select name="channel" aria-label="Reply channel">${channelOptions(thread.channel)}</select><textarea name="body" rows="3" placeholder="${`Reply to ${thread.lead.name}…`}" aria-label="Reply"></textarea><p class="hd-form-error" role="alert"></p><button type="submit" class="hd-send">Send</button></form>
      <form class="hd-customer-sim"><span class="hd-sim-tag">Simulator</span><label>Customer writes…<textarea name="body" rows="1" placeholder="Type what the customer says"></textarea></label><p class="hd-form-error" role="alert"></p><button type="submit">Send as customer</button></form>
    </section>`;
}

function newCustomerForm(): SafeHtml {
  return html`<form class="hd-new-customer">
        <h2>New customer</h2>
        <input name="name" placeholder="Name" aria-label="Customer name" maxlength="200" required autocomplete="off">
        <div class="hd-form-row"><input name="phone" placeholder="Phone" aria-label="Phone" maxlength="32" autocomplete="off"><select name="channel" aria-label="Channel">${channelOptions('sms')}</select></div>
        <input name="email" type="email" placeholder="Email (for email threads)" aria-label="Email" maxlength="254" autocomplete="off">
        <textarea name="body" rows="2" placeholder="First message" aria-label="First message" required></textarea>
        <p class="hd-form-error" role="alert"></p>
        <button type="submit">Start conversation</button>
      </form>`;
}

/** The whole page: list, thread (or the "pick a conversation" state) and the forms. */
export function renderDemoPage(model: DemoPageModel): string {
  const title = model.thread ? `${model.thread.lead.name} · Acme Helpdesk (demo)` : 'Inbox · Acme Helpdesk (demo)';
  const main = model.thread
    ? threadSection(model.thread, model.draftId)
    : html`<p class="hd-empty">${model.openExternalId ? 'This conversation does not exist. Pick a conversation' : 'Pick a conversation'}</p>`;
  const agentName = model.agent?.name ?? 'nobody';
  return html`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title}</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="${DEMO_STYLES_PATH}">
  <script src="${DEMO_SCRIPT_PATH}" defer></script>
</head>
<body>
<div id="hd-app" data-tenant="${model.tenantSlug}">
  <nav class="hd-topbar"><span class="hd-brand">Acme Helpdesk (demo)</span> <span class="hd-signed-in" data-agent-email="${model.agent?.email ?? ''}">Signed in as <b>${agentName}</b></span></nav>
  <aside class="hd-sidebar">
    <div class="hd-sidebar-header"><h2>Inbox</h2><span class="hd-count">${model.conversations.length}</span></div>
    <ul class="hd-conversation-list">${model.conversations.map((conversation) => conversationItem(model.tenantSlug, conversation, conversation.externalId === model.openExternalId))}</ul>
    <p class="hd-list-empty"${model.conversations.length ? html` hidden` : null}>No conversations yet. Start one below.</p>
    ${newCustomerForm()}
  </aside>
  <main class="hd-main">
    ${main}
  </main>
</div>
</body>
</html>
`.value;
}

/** A plain page for an unknown tenant. */
export function renderUnknownTenantPage(slug: string): string {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found · Acme Helpdesk (demo)</title><link rel="icon" href="data:,"><link rel="stylesheet" href="${DEMO_STYLES_PATH}"></head><body><p class="hd-empty">No helpdesk named “${slug}” here.</p></body></html>`.value;
}
