// N backend processes (backend/src/main.ts) on one database: the first migrates it and prints the
// demo tenant's credentials; the others start after it.
import { startBackendProcess, type BackendProcess } from '../support/backend-process';

export interface Backends {
  urls: string[];
  pids: number[];
  credentials: { token: string; webhookSecret: string };
  stop: () => Promise<void>;
}

export async function startBackends(count: number, databaseUrl: string): Promise<Backends> {
  const started: BackendProcess[] = [];
  const stop = async () => void (await Promise.all(started.map((backend) => backend.stop())));
  try {
    for (let index = 0; index < count; index++) started.push(await startBackendProcess(databaseUrl, 'bench-api'));
  } catch (error) {
    await stop();
    throw error;
  }
  return { urls: started.map((backend) => backend.url), pids: started.map((backend) => backend.pid), credentials: started[0]!.credentials(), stop };
}
