import { afterEach, describe, expect, it } from 'vitest';
import { shiftedClock, systemClock, type Clock } from './clock.js';
import { calibratedClock, createDatabaseClock, sampleOffset, type DatabaseClock, type DatabaseTimeReader } from './db-clock.js';
import { createDataSource } from './db/data-source.js';
import { createLogger } from './logger.js';

/** A process clock the test moves by hand. */
function manualClock(startMs: number): Clock & { ms: number } {
  return { ms: startMs, now() { return new Date(this.ms); } };
}

/**
 * A database whose clock is `process.ms + offsetMs`, answering after `out` ms and replying in `back`
 * ms (the next pair of `legs` per call; asymmetric legs are what make a sample wrong).
 */
function database(process: { ms: number }, state: { offsetMs: number; legs: [number, number][]; failing?: boolean }): DatabaseTimeReader {
  return async () => {
    if (state.failing) throw new Error('connection refused');
    const [out, back] = state.legs.shift() ?? [1, 1];
    process.ms += out;
    const databaseMs = process.ms + state.offsetMs;
    process.ms += back;
    return databaseMs;
  };
}

function capturedLog() {
  const lines: { level: number; msg: string }[] = [];
  const log = createLogger('debug', { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines, warnings: () => lines.filter((line) => line.level === 40).map((line) => line.msg) };
}

const clocks: DatabaseClock[] = [];
afterEach(() => clocks.splice(0).forEach((clock) => clock.stop()));
const keep = (clock: DatabaseClock) => (clocks.push(clock), clock);

describe('sampleOffset', () => {
  it.each([
    ['symmetric legs: exact', [5, 5], 5000, 10],
    ['a slow way out: off by half the difference', [30, 0], 5015, 30],
    ['a slow way back: off the other way', [0, 30], 4985, 30],
  ] as const)('%s', async (_case, legs, offsetMs, roundTripMs) => {
    const process = manualClock(1_000_000);
    expect(await sampleOffset(database(process, { offsetMs: 5000, legs: [[...legs]] }), process)).toEqual({ offsetMs, roundTripMs });
  });
});

describe('calibratedClock', () => {
  it('reads the process clock plus the offset of the sample with the smallest round trip', async () => {
    const process = manualClock(1_000_000);
    const { log, lines } = capturedLog();
    const clock = keep(await calibratedClock(database(process, { offsetMs: -4000, legs: [[300, 0], [2, 2], [0, 80]] }), process, log));
    expect(clock.calibration()).toMatchObject({ offsetMs: -4000, roundTripMs: 4 });
    expect(clock.now().getTime()).toBe(process.ms - 4000);
    expect(lines.find((line) => line.msg.startsWith('clock calibrated'))).toMatchObject({ offsetMs: -4000, roundTripMs: 4 });
  });

  it('refuses to start when the database does not answer', async () => {
    const process = manualClock(0);
    await expect(calibratedClock(database(process, { offsetMs: 0, legs: [], failing: true }), process, capturedLog().log)).rejects.toThrow('connection refused');
  });

  it('follows the database when the process clock steps, and keeps the last offset when a measurement fails or is too slow', async () => {
    const process = manualClock(1_000_000);
    const state: { offsetMs: number; legs: [number, number][]; failing?: boolean } = { offsetMs: 0, legs: [] };
    const { log, warnings } = capturedLog();
    const clock = keep(await calibratedClock(database(process, state), process, log, { samples: 1 }));

    process.ms += 5000; // the OS clock jumps 5 s ahead; the database's does not
    state.offsetMs = -5000;
    await clock.recalibrate();
    expect(clock.calibration().offsetMs).toBe(-5000);
    expect(warnings()).toContain('the process clock moved against the database clock; Baton time follows the database');

    state.failing = true;
    await clock.recalibrate();
    state.failing = false;
    state.offsetMs = 7000;
    state.legs = [[1500, 1500]];
    await clock.recalibrate();
    expect(clock.calibration()).toMatchObject({ offsetMs: -5000 });
    expect(clock.now().getTime()).toBe(process.ms - 5000);
    expect(warnings()).toEqual(expect.arrayContaining(['clock recalibration failed; keeping the last offset', 'clock recalibration skipped: the database answered too slowly; keeping the last offset']));
  });

  it('never steps back for a recalibration jitter, but takes a real correction', async () => {
    const process = manualClock(1_000_000);
    const state = { offsetMs: 10, legs: [] as [number, number][] };
    const clock = keep(await calibratedClock(database(process, state), process, capturedLog().log, { samples: 1 }));
    const before = clock.now().getTime();
    state.offsetMs = 7; // 3 ms less
    await clock.recalibrate();
    process.ms -= 2; // the measurement itself took 2 ms; read at the same process instant as before
    expect(clock.now().getTime()).toBe(before);
    process.ms += 10;
    expect(clock.now().getTime()).toBe(process.ms + 7);

    state.offsetMs = -60_000; // the database clock was fixed a minute back: follow it
    await clock.recalibrate();
    expect(clock.now().getTime()).toBe(process.ms - 60_000);
  });

  it('recalibrates by itself every interval', async () => {
    const process = manualClock(1_000_000);
    const state = { offsetMs: 0, legs: [] as [number, number][] };
    const clock = keep(await calibratedClock(database(process, state), process, capturedLog().log, { intervalMs: 20, samples: 1 }));
    state.offsetMs = 250;
    for (let waited = 0; clock.calibration().offsetMs !== 250 && waited < 2000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(clock.calibration().offsetMs).toBe(250);
  });
});

describe('createDatabaseClock on SQLite', () => {
  it("corrects a process clock that is 5 s ahead to the database's time", async () => {
    const db = createDataSource({ databaseUrl: null, sqlitePath: ':memory:' });
    await db.initialize();
    try {
      const clock = keep(await createDatabaseClock(db, shiftedClock(systemClock, 5000), capturedLog().log));
      expect(Math.abs(clock.calibration().offsetMs + 5000)).toBeLessThan(50);
      expect(Math.abs(clock.now().getTime() - Date.now())).toBeLessThan(50);
    } finally {
      await db.destroy();
    }
  });
});

describe('shiftedClock', () => {
  it('adds the offset, and is the base itself for 0', () => {
    const base = manualClock(1000);
    expect(shiftedClock(base, -250).now().getTime()).toBe(750);
    expect(shiftedClock(base, 0)).toBe(base);
  });
});
