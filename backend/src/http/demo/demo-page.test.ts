// The demo helpdesk's server-rendered page: the markup contract, and text always escaped.
import { describe, expect, it } from 'vitest';
import { initialsOf, renderDemoPage, type DemoPageModel } from './demo-page.js';

const model: DemoPageModel = {
  tenantSlug: 'acme',
  agent: { email: 'dana@acme.test', name: 'Dana <Smith>', role: 'agent' },
  conversations: [{ externalId: 'DEMO-1', leadName: '<b>Jane</b>', lastMessage: '<img src=x onerror=alert(1)>', updatedAt: '2025-01-06T14:00:00.000Z' }],
  openExternalId: 'DEMO-1',
  thread: {
    externalId: 'DEMO-1',
    lead: { name: '<b>Jane</b>', phone: null, email: 'jane@example.com' },
    channel: 'email',
    messages: [{ id: 'm1', author: 'agent', authorName: 'Dana <Smith>', channel: 'email', body: '"quoted" & <i>', at: '2025-01-06T14:00:00.000Z' }],
  },
  draftId: '00000000-0000-4000-8000-000000000001',
};

describe('renderDemoPage', () => {
  it('renders the contract markup and escapes every text', () => {
    const page = renderDemoPage(model);
    expect(page).toContain('<span class="hd-signed-in" data-agent-email="dana@acme.test">Signed in as <b>Dana &lt;Smith&gt;</b></span>');
    expect(page).toContain('<li class="hd-conversation-item is-active"><a href="/demo/acme/c/DEMO-1" data-external-id="DEMO-1" aria-current="page">');
    expect(page).toContain('<small>&lt;img src=x onerror=alert(1)&gt;</small>');
    expect(page).toContain('<h1 class="hd-thread-title">&lt;b&gt;Jane&lt;/b&gt;</h1><span class="hd-thread-meta">jane@example.com · Email</span>');
    expect(page).toContain('<li class="hd-message hd-message--agent" data-message-id="m1" data-channel="email"><span class="hd-message-author">Dana &lt;Smith&gt;</span><div class="hd-message-body">&quot;quoted&quot; &amp; &lt;i&gt;</div><time datetime="2025-01-06T14:00:00.000Z">');
    expect(page).toContain('<form class="hd-composer" data-draft-id="00000000-0000-4000-8000-000000000001"><select name="channel" aria-label="Reply channel"><option value="sms">SMS</option><option value="email" selected>Email</option></select>');
    expect(page).not.toContain('hd-empty');
    expect(page).not.toMatch(/<(img|i)\b/);
  });

  it('shows the empty state without a thread, and says so for an unknown one', () => {
    expect(renderDemoPage({ ...model, openExternalId: null, thread: null })).toContain('<p class="hd-empty">Pick a conversation</p>');
    expect(renderDemoPage({ ...model, openExternalId: 'DEMO-9', thread: null })).toContain('<p class="hd-empty">This conversation does not exist. Pick a conversation</p>');
  });
});

describe('initialsOf', () => {
  it.each([
    ['Jane Doe', 'JD'],
    ['jane', 'J'],
    ['Ana María de la Cruz', 'AM'],
    ['+1 555 0100', '#'],
    ['<b>Jane</b>', '#'],
  ])('%j → %j', (name, initials) => {
    expect(initialsOf(name)).toBe(initials);
  });
});
