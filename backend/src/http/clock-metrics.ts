// /metrics gauges of the database clock (issue 11, item 4): how far this process's clock is from the database's.
import { Gauge, type Registry } from 'prom-client';
import type { DatabaseClock } from '../db-clock.js';

/** Registers `baton_clock_offset_seconds` and `baton_clock_round_trip_seconds`, read at each scrape. */
export function registerClockMetrics(registry: Registry, clock: DatabaseClock): void {
  new Gauge({
    name: 'baton_clock_offset_seconds',
    help: "Database time minus this process's clock: what Baton adds to the OS clock so every process writes comparable times",
    registers: [registry],
    collect() {
      this.set(clock.calibration().offsetMs / 1000);
    },
  });
  new Gauge({
    name: 'baton_clock_round_trip_seconds',
    help: 'Round trip of the clock measurement in use (the offset is accurate to half of it)',
    registers: [registry],
    collect() {
      this.set(clock.calibration().roundTripMs / 1000);
    },
  });
}
