// When each fault of a chaos run starts and how long it lasts, from the run's length: spaced over the
// steady stream so each one's recovery is over before the next begins, the connector's last.
export type FaultKind = 'killBackend' | 'restartRedis' | 'restartMariadb' | 'failConnector';

export interface PlannedFault {
  kind: FaultKind;
  /** Start, in ms after the stream began. */
  atMs: number;
  /** How long the fault is held: the process stays dead, the server down, the receiver failing. */
  holdMs: number;
}

/** The backend stays dead this long before its replacement starts (its peer carries the load meanwhile). */
const KILL_HOLD_MS = 3_000;
/** Redis and MariaDB stay down this long before they start again. */
const SERVER_DOWN_MS = 5_000;
/** The "for a minute", shortened (to at least 20 s) when the run is too short to hold it. */
const CONNECTOR_OUTAGE_MS = 60_000;
const SHORTEST_CONNECTOR_OUTAGE_MS = 20_000;

/** @example planFaults(120)[3] // { kind: 'failConnector', atMs: 93600, holdMs: 60000 } */
export function planFaults(seconds: number): PlannedFault[] {
  const at = (share: number) => Math.round(seconds * 1000 * share);
  return [
    // Timers (auto-release, SLA: 1 minute at least) fall due from 60 s on: in a 120 s run the MariaDB
    // crash and the kill land while they do, so their lateness measures both.
    { kind: 'restartRedis', atMs: at(0.2), holdMs: SERVER_DOWN_MS },
    { kind: 'restartMariadb', atMs: at(0.48), holdMs: SERVER_DOWN_MS },
    { kind: 'killBackend', atMs: at(0.66), holdMs: KILL_HOLD_MS },
    { kind: 'failConnector', atMs: at(0.78), holdMs: Math.max(SHORTEST_CONNECTOR_OUTAGE_MS, Math.min(CONNECTOR_OUTAGE_MS, at(0.5))) },
  ];
}
