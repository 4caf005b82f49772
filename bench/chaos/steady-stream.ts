// The chaos run's steady load: signed customer messages at a fixed rate over a growing set of
// conversations, alternating between the backend processes; racing takeovers on new conversations
// (fired inside the last second before their first reply is due) and agents releasing some of them.
import type { DataSource } from 'typeorm';
import type { BatonRequests } from '../cadence/baton-requests';
import { raceTakeovers } from '../cadence/racing-takeovers';
import type { createHttpClient } from '../support/http-client';
import { postMessage, signMessage } from '../inbound/webhook-post';

/** Share of messages that start a new conversation (the rest go to a random existing one). */
const NEW_CONVERSATION_SHARE = 0.25;
/** Share of new conversations whose takeover races their first reply's send. */
const TAKEOVER_SHARE = 0.4;
/** Share of takeovers an agent releases by hand, after RELEASE_AFTER_MS; the rest wait for the auto-release. */
const RELEASE_SHARE = 0.5;
const RELEASE_AFTER_MS = { min: 5_000, max: 20_000 };

export interface StreamTally {
  /** Customer messages posted, and answered 2xx `accepted` (their ids), `duplicate`, or not accepted. */
  posted: number;
  acceptedIds: string[];
  duplicates: number;
  rejected: Record<string, number>;
  takeovers: number;
  releases: number;
  /** Takeover and release requests not answered with a result (e.g. sent to a dead process). */
  agentRequestsFailed: number;
}

export interface SteadyStream {
  /** Stops posting; resolves once every takeover and release fired has been answered. */
  stop(): Promise<StreamTally>;
}

/**
 * @param urls the live processes' URLs, read at every request (the kill fault replaces one).
 * @param secret the demo tenant's webhook secret.
 */
export function startSteadyStream(options: { db: DataSource; http: ReturnType<typeof createHttpClient>; requests: BatonRequests; urls: () => string[]; secret: string; ratePerSecond: number }): SteadyStream {
  const { db, http, requests, urls, secret, ratePerSecond } = options;
  const tally: StreamTally = { posted: 0, acceptedIds: [], duplicates: 0, rejected: {}, takeovers: 0, releases: 0, agentRequestsFailed: 0 };
  const conversations: string[] = [];
  const inFlight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };
  const releaseTimers = new Set<NodeJS.Timeout>();

  const release = (conversationId: string, processIndex: number) =>
    track(requests.mutate(processIndex, 'conversations.release', { id: conversationId }).then((done) => (done === null ? (tally.agentRequestsFailed += 1) : (tally.releases += 1))));

  const takeovers = raceTakeovers(db, TAKEOVER_SHARE, async (conversationId, processIndex) => {
    const done = await requests.mutate(processIndex, 'conversations.takeOver', { id: conversationId });
    if (done === null) return void (tally.agentRequestsFailed += 1);
    tally.takeovers += 1;
    if (Math.random() >= RELEASE_SHARE) return;
    const timer = setTimeout(() => {
      releaseTimers.delete(timer);
      release(conversationId, processIndex + 1);
    }, RELEASE_AFTER_MS.min + Math.random() * (RELEASE_AFTER_MS.max - RELEASE_AFTER_MS.min));
    releaseTimers.add(timer);
  });

  const postOne = async (index: number) => {
    const fresh = conversations.length === 0 || Math.random() < NEW_CONVERSATION_SHARE;
    const externalId = fresh ? `chaos-${conversations.length}` : conversations[Math.floor(Math.random() * conversations.length)]!;
    if (fresh) conversations.push(externalId);
    const message = signMessage(secret, {
      tenant: 'demo', connector: 'chaos', externalConversationId: externalId, externalMessageId: `m-${index}`,
      channel: 'sms', body: `message ${index}`, lead: { phone: `+1556${String(conversations.indexOf(externalId)).padStart(7, '0')}` },
    });
    const live = urls();
    const outcome = await postMessage(http, live[index % live.length]!, message);
    if (outcome.kind === 'error') {
      tally.rejected[String(outcome.status)] = (tally.rejected[String(outcome.status)] ?? 0) + 1;
      if (fresh) conversations.splice(conversations.indexOf(externalId), 1); // never created: do not write to it again
      return;
    }
    if (outcome.kind === 'duplicate') return void (tally.duplicates += 1);
    tally.acceptedIds.push(outcome.messageId);
    if (fresh && outcome.conversationId) takeovers.consider(outcome.conversationId);
  };

  // Fixed rate, scheduled by elapsed time so a slow answer does not slow the stream.
  const startedAt = performance.now();
  let sent = 0;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    const due = Math.floor(((performance.now() - startedAt) / 1000) * ratePerSecond);
    for (; sent < due; sent += 1) {
      tally.posted += 1;
      track(postOne(sent));
    }
    setTimeout(tick, Math.max(1, 1000 / ratePerSecond / 2));
  };
  tick();

  return {
    async stop() {
      stopped = true;
      // Releases not yet due are dropped: those takeovers end by their auto-release.
      for (const timer of releaseTimers) clearTimeout(timer);
      releaseTimers.clear();
      while (inFlight.size > 0 || takeovers.busy() > 0) await Promise.all([...inFlight, new Promise((resolve) => setTimeout(resolve, 100))]);
      await takeovers.stop();
      return tally;
    },
  };
}
