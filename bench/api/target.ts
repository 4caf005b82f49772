// What the load is aimed at: N backend processes on a fresh database with agents, keys and a pool of
// drafted conversations, or (--floor) the no-op server alone. Everything started is cleaned up.
import { SERVER_URL } from '../support/backend-process';
import { createAgentKeys } from './agent-keys';
import { startBackends } from './backends';
import { onCleanup } from '../support/cleanup';
import { openConversations, waitForDraftingToSettle } from './conversation-pool';
import { benchDatabaseName, connect, dropDatabase } from '../support/bench-database';
import { log } from './log';
import { noOpTarget, startNoOpServer } from './no-op-server';
import type { BenchOptions } from './options';
import type { HttpClient } from './trpc-call';
import { questionsCounter, type MeterSources } from './server-meter';
import { mariadbPid } from '../support/local-server-pid';
import type { Workload } from './workload';

export interface Target {
  workload: Workload;
  meters: MeterSources;
}

export async function prepareBackends(client: HttpClient, options: BenchOptions): Promise<Target> {
  const name = benchDatabaseName('api');
  onCleanup('drop the database', () => dropDatabase(name));
  log(`starting ${options.backends} backend process(es) on ${name}`);
  const backends = await startBackends(options.backends, `${SERVER_URL}/${name}`);
  onCleanup('stop the backends', backends.stop);
  const db = await connect(name);
  onCleanup('close the database connection', () => db.destroy());
  const agentKeys = await createAgentKeys(client, backends.urls[0]!, backends.credentials.token, options.agents);
  const started = Date.now();
  const conversationIds = await openConversations(client, backends.urls, backends.credentials.webhookSecret, options.conversations);
  log(`${options.conversations} conversations opened in ${Date.now() - started} ms; ${options.agents} agents with their own API keys`);
  await waitForDraftingToSettle(db, options.conversations);
  return {
    workload: { client, urls: backends.urls, conversationIds, agentKeys },
    meters: { serverPids: backends.pids, databasePid: mariadbPid(), statementsSoFar: questionsCounter(db) },
  };
}

export async function prepareNoOpServer(client: HttpClient, options: BenchOptions): Promise<Target> {
  const server = await startNoOpServer();
  onCleanup('stop the no-op server', server.stop);
  return noOpTarget(client, server, options.conversations);
}
