// What the server side used over a measured window, from counters the processes keep themselves:
// CPU of the server processes, of MariaDB (found by name in /proc, when it runs on this machine) and of
// this load generator, and the statements MariaDB received (its global `Questions` counter).
import type { DataSource } from 'typeorm';
import { processCpuMs } from '../support/open-loop';

export interface MeterSources {
  /** The backends (or the no-op server). */
  serverPids: number[];
  /** null: no local mariadbd, or no database (the no-op server). */
  databasePid: number | null;
  statementsSoFar: (() => Promise<number>) | null;
}

/** Over the window; the database figures count every client of the server (other benches too). */
export interface Used {
  serverCpuMs: number;
  databaseCpuMs: number | null;
  generatorCpuMs: number;
  statements: number | null;
}

/** Statements MariaDB has received from all clients since it started. */
export const questionsCounter = (db: DataSource) => async () => {
  const [row] = (await db.query("SHOW GLOBAL STATUS LIKE 'Questions'")) as { Value: string }[];
  return Number(row!.Value);
};

const sumCpuMs = async (pids: number[]) => (await Promise.all(pids.map(processCpuMs))).reduce((sum, ms) => sum + ms, 0);
const generatorCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

async function read(sources: MeterSources): Promise<Used> {
  return {
    serverCpuMs: await sumCpuMs(sources.serverPids),
    databaseCpuMs: sources.databasePid === null ? null : await processCpuMs(sources.databasePid),
    generatorCpuMs: generatorCpuMs(),
    statements: sources.statementsSoFar === null ? null : await sources.statementsSoFar(),
  };
}

/** Starts the window now; the function it returns ends it. */
export async function startMeter(sources: MeterSources): Promise<() => Promise<Used>> {
  const before = await read(sources);
  return async () => {
    const after = await read(sources);
    const since = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
    return {
      serverCpuMs: after.serverCpuMs - before.serverCpuMs,
      databaseCpuMs: since(after.databaseCpuMs, before.databaseCpuMs),
      generatorCpuMs: after.generatorCpuMs - before.generatorCpuMs,
      statements: since(after.statements, before.statements),
    };
  };
}

/** The per-request figures every mode prints. */
export function perRequestFigures(used: Used, requests: number) {
  const per = (value: number | null) => (value === null || requests === 0 ? null : Math.round((value / requests) * 1000) / 1000);
  return {
    cpuMsPerRequest: per(used.serverCpuMs),
    dbCpuMsPerRequest: per(used.databaseCpuMs),
    dbStatementsPerRequest: per(used.statements),
    generatorCpuMsPerRequest: per(used.generatorCpuMs),
  };
}

/** The servers' CPU per second with no load (timers, job polling, the outbox relay): what a low rate's cpuMsPerRequest carries besides the requests. */
export async function idleCpuMsPerSecond(sources: MeterSources, seconds: number): Promise<number> {
  const stop = await startMeter(sources);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  return Math.round((await stop()).serverCpuMs / seconds);
}
