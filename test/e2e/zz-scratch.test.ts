import { it } from 'vitest';
import { startE2eBackend, viewOf } from './support/backend.js';
import { launchBrowserWithExtension } from './support/browser.js';
import { startThread, waitForAiMessages, waitForView } from './support/conversations.js';
import { customerWritesThroughDemo } from './support/demo.js';
import { waitForServiceWorker } from './support/service-worker.js';

it('scratch', async () => {
  const e2e = await startE2eBackend('scratch');
  const sam = await launchBrowserWithExtension({ apiKey: e2e.agents.sam.apiKey, backendUrl: e2e.url, label: 'sam' });
  try {
    const sw = await (await waitForServiceWorker(sam.browser, sam.extensionId)).worker();
    sw!.on('console', (m) => console.log('[sw]', Date.now(), m.type(), m.text()));
    const thread = await startThread(e2e);
    await waitForAiMessages(e2e.admin, thread.conversationId, 1);
    const page = await sam.openThread(e2e.slug, thread.externalId);
    page.on('console', (m) => console.log('[page]', Date.now(), m.type(), m.text()));
    await page.waitForSelector('baton-header >>> [data-baton="take-over"]');
    await e2e.updateSettings({ replyCadence: { enabled: true, minDelaySeconds: 10, maxDelaySeconds: 10 } });
    await page.evaluate(() => {
      const samples: string[] = [];
      (window as any).s = samples;
      setInterval(() => {
        const text = document.querySelector('baton-reply')?.shadowRoot?.querySelector('[data-baton="reply-countdown"]')?.textContent?.trim();
        if (text && !samples.at(-1)?.endsWith(text)) samples.push(`${Date.now()} ${text}`);
      }, 50);
    });
    const t0 = Date.now();
    console.log('customer writes at', t0);
    await customerWritesThroughDemo(e2e, { externalId: thread.externalId, channel: 'sms', body: 'Another question' });
    console.log('demo api returned after', Date.now() - t0);
    const view = await waitForView(e2e.admin, thread.conversationId, (v) => v.pendingReply !== null, 'pending', 20000);
    console.log('pending seen after', Date.now() - t0, 'dueAt-t0', Date.parse(view.pendingReply!.dueAt) - t0, 'serverNow-local', Date.parse(view.serverNow) - Date.now());
    await new Promise((r) => setTimeout(r, 14000));
    console.log((await page.evaluate(() => (window as any).s)).map((x: string) => { const [t, ...rest] = x.split(' '); return `${Number(t) - t0} ${rest.join(' ')}`; }));
  } finally {
    await sam.close();
    await e2e.stop();
  }
});
