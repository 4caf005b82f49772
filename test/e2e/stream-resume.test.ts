// The extension's event stream resumes by itself after faults (issue 14): the backend instance it talks
// to goes away while another instance changes the thread, and Redis (the instances' bus) restarts.
// Each time the banner is right afterwards, and stays live.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createPrivateRedis, type PrivateRedis } from '../support/private-redis.js';
import { createTestClient } from '../support/trpc-client.js';
import type { TestBackend } from '../support/in-process-server.js';
import { startThread, waitForView } from './support/conversations.js';
import { baton, waitForShadow, waitForShadowGone, waitForText } from './support/overlay.js';
import { screenshot } from './support/screenshot.js';
import { useE2eSuite } from './support/suite.js';

let redis: PrivateRedis;
let peer: TestBackend | undefined;
beforeAll(async () => {
  redis = await createPrivateRedis();
  await redis.start();
});
// Registered before the suite's hooks, so it runs after them: the backends stop while Redis is still up.
afterAll(async () => {
  await peer?.stop();
  await redis?.stop();
});

const suite = useE2eSuite('stream_resume', { agents: ['sam'], backendEnv: () => ({ REDIS_URL: redis.url }) });

/** Dana, through the other instance (the one the extension is not connected to). */
async function danaOnPeer() {
  peer ??= await suite.e2e.startPeer();
  return createTestClient(peer.server.url, suite.e2e.agents.dana.apiKey);
}

describe('the event stream after faults', () => {
  it("the extension's backend instance goes away; another instance releases meanwhile → the banner is right when it returns, and live", async () => {
    const dana = await danaOnPeer();
    const thread = await startThread(suite.e2e, 'I need a person, please');
    await dana.conversations.takeOver.mutate({ id: thread.conversationId });
    const page = await suite.openThread('sam', thread.externalId);
    await waitForText(page, 'baton-banners', baton('takeover-holder'), 'Dana Admin took over');

    await suite.e2e.stopServer();
    try {
      await waitForText(page, 'baton-banners', baton('offline'), 'Baton offline — reconnecting', 30_000);
      await dana.conversations.release.mutate({ id: thread.conversationId });
      await screenshot(page, 'stream-resume-instance-down');
    } finally {
      await suite.e2e.restartServer();
    }
    await waitForShadowGone(page, 'baton-banners', baton('offline'), 60_000);
    await waitForShadowGone(page, 'baton-banners', baton('takeover-banner'), 30_000);
    await waitForShadow(page, 'baton-header', baton('take-over', 'button'), 30_000);
    await screenshot(page, 'stream-resume-instance-back');

    // Live again, across instances: Dana's next takeover on the other instance shows within seconds.
    await dana.conversations.takeOver.mutate({ id: thread.conversationId });
    await waitForText(page, 'baton-banners', baton('takeover-holder'), 'Dana Admin took over', 10_000);
  });

  it('Redis restarts; a takeover on the other instance during the outage shows once it is back, and the stream stays live', async () => {
    const dana = await danaOnPeer();
    const thread = await startThread(suite.e2e, 'Hello? Is this working?');
    const page = await suite.openThread('sam', thread.externalId);
    await waitForShadow(page, 'baton-header', baton('take-over', 'button'));

    await redis.stop();
    try {
      // The database is up, so the change commits; its event cannot cross instances until Redis is back.
      await dana.conversations.takeOver.mutate({ id: thread.conversationId });
      await waitForView(suite.e2e.admin, thread.conversationId, (view) => view.takeover?.holder?.agentId === suite.e2e.agents.dana.id, "Dana's takeover");
    } finally {
      await redis.start();
    }
    await waitForText(page, 'baton-banners', baton('takeover-holder'), 'Dana Admin took over', 30_000);
    await screenshot(page, 'stream-resume-after-redis-restart');

    await dana.conversations.release.mutate({ id: thread.conversationId });
    await waitForShadowGone(page, 'baton-banners', baton('takeover-banner'), 10_000);
  });
});
