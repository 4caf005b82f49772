// node:http with a keep-alive agent: the load generator shares the 2 cores with the backends and
// MariaDB, and undici's fetch costs several times the CPU per request (bench:api's --floor showed it).
import http from 'node:http';

export interface Answer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

export function createHttpClient(maxSockets = 512) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const request = (url: string, options: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string }): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const outgoing = http.request(url, { method: options.method, agent, headers: options.headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: response.headers }));
        response.once('error', reject);
      });
      outgoing.once('error', reject);
      outgoing.end(options.body);
    });
  return { request, close: () => agent.destroy() };
}
