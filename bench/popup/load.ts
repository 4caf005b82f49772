// A closed loop of tRPC queries over HTTP: each client, with its own agent-bound key, asks what the
// popup asks (listHeldByMe, listOpenMyTeams) and the peer (conversations.get), in turn, until the deadline.
import http from 'node:http';
import { percentiles } from './plans.js';

/** A named tRPC query and its input. */
export interface ProcedureCall {
  name: string;
  procedure: string;
  input: unknown;
}

export interface LoadClient {
  apiKey: string;
  calls: ProcedureCall[];
}

export interface LoadResult {
  /** Per call name: latency percentiles and the number of answers. */
  byName: Record<string, { p50Ms: number; p99Ms: number; requests: number }>;
  errors: number;
}

/** Runs every client's calls round and round for `seconds` (a node:http keep-alive agent: cheaper than fetch on shared cores). */
export async function runClosedLoop(url: string, clients: LoadClient[], seconds: number): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients.length });
  const query = (apiKey: string, call: ProcedureCall) =>
    new Promise<boolean>((resolve, reject) => {
      const target = new URL(`/trpc/${call.procedure}?input=${encodeURIComponent(JSON.stringify(call.input))}`, url);
      const outgoing = http.request(target, { method: 'GET', agent, headers: { authorization: `Bearer ${apiKey}` } }, (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode === 200));
        response.once('error', reject);
      });
      outgoing.once('error', reject);
      outgoing.end();
    });
  const latencies = new Map<string, number[]>();
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  try {
    await Promise.all(
      clients.map(async (client) => {
        while (performance.now() < deadline) {
          for (const call of client.calls) {
            const started = performance.now();
            const ok = await query(client.apiKey, call).catch(() => false);
            if (!ok) errors += 1;
            else (latencies.get(call.name) ?? latencies.set(call.name, []).get(call.name)!).push(performance.now() - started);
          }
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  const byName: LoadResult['byName'] = {};
  for (const [name, values] of latencies) byName[name] = { ...percentiles(values), requests: values.length };
  return { byName, errors };
}
