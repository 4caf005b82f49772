// What the load works on: the conversation pool, the agents' API keys (conversation k is always
// handled by agent k mod A, so no two agents fight over one), and the servers it is spread over.
import { callOperation, type CallOutcome, type HttpClient } from './trpc-call';
import type { Operation } from './mix';

export interface Workload {
  client: HttpClient;
  /** Backend (or no-op server) base URLs; arrival i goes to urls[i mod N]. */
  urls: string[];
  conversationIds: string[];
  agentKeys: string[];
}

export function callFor(workload: Workload, arrivalIndex: number, conversation: number, operation: Operation): Promise<CallOutcome> {
  const url = workload.urls[arrivalIndex % workload.urls.length]!;
  const apiKey = workload.agentKeys[conversation % workload.agentKeys.length]!;
  return callOperation(workload.client, url, apiKey, operation, workload.conversationIds[conversation]!);
}
