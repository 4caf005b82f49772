// The backend an e2e file runs against: in-process on MariaDB + Redis (its own database), BATON_ENV
// development so /demo is served, one tenant with three agents and an agent-bound API key each.
import type { ConversationViewDto, TimelineEntry, TimelinePageDto } from '../../../shared/conversation-view.js';
import type { SettingsUpdate } from '../../../shared/settings.js';
import type { RunningServer } from '../../../backend/src/server.js';
import { startTestBackend, type TestBackend } from '../../support/in-process-server.js';
import { freePort } from '../../support/private-redis.js';
import { createTestDatabase } from '../../support/services.js';
import { createTestClient, type TestClient } from '../../support/trpc-client.js';

/** Who signs in to the extension in the tests. */
export type AgentName = 'dana' | 'sam' | 'olivia';

export interface E2eAgent {
  id: string;
  name: string;
  email: string;
  /** An API key bound to this agent: what the agent pastes into the extension's options. */
  apiKey: string;
  /** tRPC as this agent, for checking backend state the way the agent would see it. */
  client: TestClient;
}

export interface E2eBackend {
  /** The running server (database, services); changes after {@link E2eBackend.restartServer}. */
  readonly server: RunningServer;
  url: string;
  slug: string;
  tenantId: string;
  webhookSecret: string;
  /** The tenant's integration admin key (not bound to an agent). */
  admin: TestClient;
  /** The Support team (Dana and Sam are members, Olivia is not). */
  team: { id: string; name: string };
  agents: Record<AgentName, E2eAgent>;
  updateSettings(update: SettingsUpdate): Promise<void>;
  /** Stops the HTTP server (the extension sees the backend go away); the database stays. */
  stopServer(): Promise<void>;
  /** Starts it again on the same port and database. */
  restartServer(): Promise<void>;
  /** Starts another instance on the same database and bus (what a load balancer would have beside it). */
  startPeer(): Promise<TestBackend>;
  /** Stops the server and drops the database. */
  stop(): Promise<void>;
}

export interface E2eBackendOptions {
  /** Variables merged into the backend's environment (e.g. a private REDIS_URL). */
  env?: Record<string, string>;
}

export const TENANT_SLUG = 'acme';

/**
 * Settings every e2e file starts from: cadence off; the business week closed, so a takeover
 * always auto-releases `afterHoursReleaseMinutes` (120) after it starts — far from the
 * `releaseWarningMinutes` (15) warning period unless a test shortens it.
 */
export const BASELINE_SETTINGS: SettingsUpdate = {
  replyCadence: { enabled: false, minDelaySeconds: 30, maxDelaySeconds: 120 },
  businessHours: { timeZone: 'America/Chicago', weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }, closures: [] },
  afterHoursReleaseMinutes: 120,
  releaseWarningMinutes: 15,
  hipaaMode: false,
};

/**
 * Starts the backend and creates the tenant `acme`: Dana Admin (admin, in Support), Sam Support
 * (agent, in Support) and Olivia Outsider (agent, in no team). It listens on a fixed free port,
 * so a test can stop and restart it where the extension expects it.
 */
export async function startE2eBackend(label: string, options: E2eBackendOptions = {}): Promise<E2eBackend> {
  const database = await createTestDatabase(`e2e_${label}`);
  const port = await freePort();
  const env = { BATON_ENV: 'development', ...options.env };
  const start = () => startTestBackend(`e2e_${label}`, { dialect: 'mysql', redis: true, database, env: { ...env, PORT: String(port) } });
  let backend: TestBackend | null = null;
  try {
    backend = await start();
    const created = await backend.server.services.tenants.create({
      slug: TENANT_SLUG,
      name: 'Acme Support',
      admin: { email: `dana@${TENANT_SLUG}.test`, name: 'Dana Admin' },
      teamName: 'Support',
    });
    const url = backend.server.url;
    const admin = createTestClient(url, created.apiKey);
    const sam = await admin.agents.create.mutate({ email: `sam@${TENANT_SLUG}.test`, name: 'Sam Support', role: 'agent' });
    await admin.teams.addMember.mutate({ teamId: created.team.id, agentId: sam.id });
    const olivia = await admin.agents.create.mutate({ email: `olivia@${TENANT_SLUG}.test`, name: 'Olivia Outsider', role: 'agent' });
    const agentWithKey = async (id: string, name: string, email: string, role: 'admin' | 'agent'): Promise<E2eAgent> => {
      const { key } = await admin.apiKeys.create.mutate({ name: `${name}'s extension`, role, agentId: id });
      return { id, name, email, apiKey: key, client: createTestClient(url, key) };
    };
    const agents: Record<AgentName, E2eAgent> = {
      dana: await agentWithKey(created.admin.id, 'Dana Admin', created.admin.email, 'admin'),
      sam: await agentWithKey(sam.id, 'Sam Support', sam.email, 'agent'),
      olivia: await agentWithKey(olivia.id, 'Olivia Outsider', olivia.email, 'agent'),
    };
    // Names the version it edits, as the options page does (settings.update refuses a stale one).
    const updateSettings = async (update: SettingsUpdate) => {
      const { version } = await admin.settings.get.query();
      await admin.settings.update.mutate({ ...update, expectedVersion: version });
    };
    await updateSettings(BASELINE_SETTINGS);
    return {
      get server() {
        if (!backend) throw new Error('the e2e backend is stopped');
        return backend.server;
      },
      url,
      slug: TENANT_SLUG,
      tenantId: created.tenant.id,
      webhookSecret: created.webhookSecret,
      admin,
      team: created.team,
      agents,
      updateSettings,
      async stopServer() {
        await backend?.stop();
        backend = null;
      },
      async restartServer() {
        if (backend) throw new Error('the e2e backend is already running');
        backend = await start();
      },
      startPeer: () => startTestBackend(`e2e_${label}_peer`, { dialect: 'mysql', redis: true, database, env }),
      async stop() {
        await backend?.stop();
        backend = null;
        await database.drop();
      },
    };
  } catch (error) {
    await backend?.stop();
    await database.drop();
    throw error;
  }
}

/** The conversation behind a demo thread (connector `demo`). */
export async function conversationOfThread(client: TestClient, externalId: string): Promise<ConversationViewDto> {
  return (await client.conversations.byExternalRef.query({ connector: 'demo', externalId })) as unknown as ConversationViewDto;
}

/** `conversations.get` as the banners read it. */
export async function viewOf(client: TestClient, conversationId: string): Promise<ConversationViewDto> {
  return (await client.conversations.get.query({ id: conversationId })) as unknown as ConversationViewDto;
}

/** The whole timeline, newest first, following `nextCursor` to the end. */
export async function timelineOf(client: TestClient, conversationId: string): Promise<TimelineEntry[]> {
  const entries: TimelineEntry[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const input = cursor ? { id: conversationId, cursor } : { id: conversationId };
    const result = (await client.conversations.timeline.query(input as { id: string })) as unknown as TimelinePageDto;
    entries.push(...result.entries);
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  return entries;
}

/** The timeline's messages, oldest first, as `actor kind: text` lines. */
export async function messageLinesOf(client: TestClient, conversationId: string): Promise<string[]> {
  return (await timelineOf(client, conversationId))
    .filter((entry) => entry.kind === 'message')
    .reverse()
    .map((entry) => `${entry.actor.kind}: ${entry.text}`);
}
