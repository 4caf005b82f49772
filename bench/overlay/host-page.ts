// Serves the benchmark's host page: a demo-inbox thread at /demo/<slug>/c/<externalId> on 127.0.0.1 (random port).
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const SCRIPT_PATH = '/assets/bench-thread.js';
const SCRIPT_SOURCE = fs.readFileSync(path.join(import.meta.dirname, 'page', 'thread.js'), 'utf8');
const THREAD_PATH = /^\/demo\/([a-z0-9-]+)\/c\/([A-Za-z0-9._:-]+)$/;

export interface HostPageServer {
  /** e.g. `http://127.0.0.1:40123` */
  origin: string;
  /** The thread page's URL (without query). */
  threadUrl(slug: string, externalId: string): string;
  close(): Promise<void>;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

/** The demo inbox's markup (the brief's contract) with an empty message list the script fills. */
export function threadPageHtml(slug: string, externalId: string): string {
  const id = escapeHtml(externalId);
  const href = `/demo/${escapeHtml(slug)}/c/${id}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Acme Helpdesk (demo) — Jane Doe</title>
<style>
  body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: #1f2328; }
  #hd-app { display: grid; grid-template-columns: 260px 1fr; grid-template-rows: auto 1fr; height: 100vh; }
  .hd-topbar { grid-column: 1 / 3; display: flex; justify-content: space-between; padding: 8px 16px; background: #24292f; color: #fff; }
  .hd-sidebar { border-right: 1px solid #d0d7de; padding: 8px; overflow: auto; }
  .hd-main { overflow: auto; padding: 0 16px; }
  .hd-thread-header { display: flex; align-items: center; gap: 12px; position: sticky; top: 0; background: #fff; border-bottom: 1px solid #d0d7de; }
  .hd-thread-tools { margin-left: auto; }
  .hd-messages { list-style: none; padding: 0; }
  .hd-message { display: grid; grid-template-columns: 120px 1fr 60px; gap: 8px; padding: 4px 0; border-bottom: 1px solid #f0f0f0; }
  .hd-message--customer .hd-message-author { color: #0969da; }
  .hd-message--ai .hd-message-author { color: #8250df; }
  .hd-message--highlighted { background: #fff8c5; }
</style>
</head>
<body>
<div id="hd-app">
  <nav class="hd-topbar"><span class="hd-brand">Acme Helpdesk (demo)</span> <span class="hd-clock">--:--</span> <span class="hd-signed-in">Signed in as <b>Dana</b></span></nav>
  <aside class="hd-sidebar">
    <p>Inbox <span class="hd-unread-badge">0</span></p>
    <ul class="hd-conversation-list"><li class="hd-conversation-item"><a href="${href}" data-external-id="${id}">Jane Doe <small>Where is my order?</small></a></li></ul>
  </aside>
  <main class="hd-main">
    <section class="hd-thread" data-external-id="${id}">
      <header class="hd-thread-header"><h1 class="hd-thread-title">Jane Doe</h1><span class="hd-thread-meta">+1 555 0100 · SMS</span><div class="hd-thread-tools"></div></header>
      <ol class="hd-messages"></ol>
      <form class="hd-composer" data-draft-id="00000000-0000-4000-8000-000000000000"><select name="channel"><option value="sms">SMS</option><option value="email">Email</option></select><textarea name="body"></textarea><button type="submit" class="hd-send">Send</button></form>
    </section>
  </main>
</div>
<script src="${SCRIPT_PATH}"></script>
</body>
</html>
`;
}

/** Starts the server on 127.0.0.1 with a random port. */
export async function startHostPageServer(): Promise<HostPageServer> {
  const server = http.createServer((request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1');
    const thread = THREAD_PATH.exec(pathname);
    if (thread) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(threadPageHtml(thread[1]!, thread[2]!));
    } else if (pathname === SCRIPT_PATH) {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      response.end(SCRIPT_SOURCE);
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    threadUrl: (slug, externalId) => `${origin}/demo/${slug}/c/${externalId}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
