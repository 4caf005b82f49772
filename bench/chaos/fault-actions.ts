// What each fault of the chaos run does, and which /healthz answer reports it while it lasts.
import type { PrivateRedis } from '../../test/support/private-redis';
import type { BackendProcess } from '../support/backend-process';
import type { PlannedFault } from './fault-plan';
import type { HealthSample } from './health-watch';
import type { PrivateMariadb } from '../../test/support/private-mariadb';

export interface FaultTargets {
  /** The live backend processes; the kill fault replaces the second one (and its URL in `liveUrls`). */
  live: BackendProcess[];
  liveUrls: string[];
  startBackend(): Promise<BackendProcess>;
  /** Pids whose exit is expected (not counted as a crash). */
  expectedExits: Set<number>;
  redis: PrivateRedis;
  mariadb: PrivateMariadb;
  /** Makes the outbound receiver answer 500 (true) or 200 again. */
  setConnectorFailing(failing: boolean): void;
}

export interface PreparedFault {
  /** Whether one process's /healthz answer (null: no answer) reports this fault. */
  degraded(url: string, sample: HealthSample): boolean;
  /** Injects the fault, holds it, and resolves once it is over. */
  act(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A server down for `holdMs` (SIGKILL, then started again on the same port and data). */
const restart = (server: { stop(): Promise<void>; start(): Promise<void> }, holdMs: number) => async () => {
  await server.stop();
  await sleep(holdMs);
  await server.start();
};

export function prepareFault(fault: PlannedFault, targets: FaultTargets): PreparedFault {
  switch (fault.kind) {
    case 'killBackend': {
      const victim = targets.live[1]!;
      return {
        // The dead process answers nothing: what a load balancer's health check sees.
        degraded: (url, sample) => url === victim.url && sample === null,
        async act() {
          targets.expectedExits.add(victim.pid);
          const exited = new Promise((resolve) => victim.child.once('exit', resolve));
          victim.child.kill('SIGKILL');
          await exited;
          await sleep(fault.holdMs);
          const replacement = await targets.startBackend();
          targets.live[1] = replacement;
          targets.liveUrls[1] = replacement.url;
        },
      };
    }
    case 'restartRedis':
      return { degraded: (_url, sample) => sample?.redis === 'down', act: restart(targets.redis, fault.holdMs) };
    case 'restartMariadb':
      return { degraded: (_url, sample) => sample?.db === 'down', act: restart({ stop: () => targets.mariadb.kill(), start: () => targets.mariadb.start() }, fault.holdMs) };
    case 'failConnector':
      return {
        degraded: (_url, sample) => Boolean(sample?.connectors?.some((failing) => failing.connector === 'webhook')),
        async act() {
          targets.setConnectorFailing(true);
          await sleep(fault.holdMs);
          targets.setConnectorFailing(false);
        },
      };
  }
}
