// Drives the demo inbox: its JSON API, the signed inbound webhook, and the page's own forms.
import { randomUUID } from 'node:crypto';
import type { Page } from 'puppeteer-core';
import { postSignedWebhook } from '../../support/signed-webhook.js';
import { conversationOfThread, type E2eBackend } from './backend.js';
import { waitFor } from './wait.js';

export interface DemoCustomerMessage {
  externalId?: string;
  name?: string;
  phone?: string;
  email?: string;
  channel?: 'sms' | 'email';
  body: string;
}

/** `POST /demo/api/<slug>/customer-message` (the server signs it and posts the inbound webhook); returns the thread id. */
export async function customerWritesThroughDemo(e2e: E2eBackend, message: DemoCustomerMessage): Promise<string> {
  const response = await fetch(`${e2e.url}/demo/api/${e2e.slug}/customer-message`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ channel: 'sms', ...message }),
  });
  const body = (await response.json().catch(() => ({}))) as { externalId?: string; error?: string };
  if (!response.ok || !body.externalId) throw new Error(`demo customer-message answered ${response.status}: ${JSON.stringify(body)}`);
  return body.externalId;
}

/** A new demo thread: a customer starts a conversation; returns its external id. */
export async function newDemoThread(e2e: E2eBackend, body = 'Hi, what are your opening hours?', name = 'Jane Doe'): Promise<string> {
  const suffix = String(Math.floor(Math.random() * 9_000_000) + 1_000_000);
  return customerWritesThroughDemo(e2e, { name, phone: `+1555${suffix}`, channel: 'sms', body });
}

/** The same customer message the connector way: the signed `POST /webhooks/inbound` with connector `demo`. */
export async function customerWritesThroughWebhook(e2e: E2eBackend, externalId: string, body: string, lead: { name?: string; phone?: string } = {}): Promise<{ conversationId: string; messageId: string }> {
  // The same customer as the thread's (the connector knows who writes), unless told otherwise.
  const phone = lead.phone ?? (await conversationOfThread(e2e.admin, externalId).catch(() => null))?.lead?.phone ?? '+15550100';
  const response = await postSignedWebhook(e2e.url, '/webhooks/inbound', e2e.webhookSecret, {
    tenant: e2e.slug,
    connector: 'demo',
    channel: 'sms',
    externalConversationId: externalId,
    externalMessageId: `e2e-${randomUUID()}`,
    body,
    lead: { phone, ...(lead.name ? { name: lead.name } : {}) },
  });
  if (response.status !== 202 && response.status !== 200) throw new Error(`inbound webhook answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body as { conversationId: string; messageId: string };
}

/** The thread as the demo inbox shows it: one `author: body` line per `.hd-message`, oldest first. */
export async function threadLines(page: Page): Promise<string[]> {
  return page.$$eval('section.hd-thread .hd-messages .hd-message', (items) =>
    items.map((item) => {
      const kind = ['customer', 'ai', 'agent'].find((name) => item.classList.contains(`hd-message--${name}`)) ?? 'unknown';
      return `${kind}: ${(item.querySelector('.hd-message-body')?.textContent ?? '').trim()}`;
    }),
  );
}

/** Waits until the demo thread shows a message line accepted by `accept`. */
export async function waitForThreadLine(page: Page, accept: (line: string) => boolean, what: string, timeoutMs = 20_000): Promise<string[]> {
  return waitFor(() => threadLines(page), (lines) => lines.some(accept), `the demo thread to show ${what}`, { timeoutMs });
}

/** Types into the page's "Customer writes…" box and submits it (the simulator path). */
export async function customerWritesInSimulator(page: Page, body: string): Promise<void> {
  await page.$eval('form.hd-customer-sim textarea[name="body"]', (element) => ((element as HTMLTextAreaElement).value = ''));
  await page.type('form.hd-customer-sim textarea[name="body"]', body);
  await page.click('form.hd-customer-sim button[type="submit"]');
}

/** The agent writes in the helpdesk's own composer and presses Send. */
export async function agentSendsInComposer(page: Page, body: string, channel: 'sms' | 'email' = 'sms'): Promise<string> {
  const draftId = await page.$eval('form.hd-composer', (form) => (form as HTMLFormElement).dataset.draftId ?? '');
  await page.select('form.hd-composer select[name="channel"]', channel);
  await page.$eval('form.hd-composer textarea[name="body"]', (element) => ((element as HTMLTextAreaElement).value = ''));
  await page.type('form.hd-composer textarea[name="body"]', body);
  await page.click('form.hd-composer button.hd-send');
  return draftId;
}
