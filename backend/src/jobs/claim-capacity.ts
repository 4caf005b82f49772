// How many more jobs this process can start now, so a claim locks no job the process would only hold
// (issue 11 item 9): a job locked here but not startable is a job an idle process cannot run.
import type { Agenda } from 'agenda';

export interface FreeSlots {
  /** Jobs of any name this process can still start (Infinity: no limit). */
  total: number;
  /** Jobs of this name it can still start. */
  ofName: number;
}

export interface ClaimCapacity {
  free(name: string): FreeSlots;
}

/** No limit: a repository used on its own (tests, tools) claims whole batches. */
export const UNLIMITED_CAPACITY: ClaimCapacity = { free: () => ({ total: Infinity, ofName: Infinity }) };

const NONE: FreeSlots = { total: 0, ofName: 0 };

/** What Agenda 6.2.6's JobProcessor keeps privately and this module reads (checked by `assertAgendaCapacityReadable`). */
interface ProcessorCounts {
  isRunning: boolean;
  /** Jobs locked by this process: queued, waiting for their timer, or running. */
  lockedJobs: unknown[];
  jobStatus: Record<string, { locked: number } | undefined>;
}

function processorOf(agenda: Agenda): ProcessorCounts | undefined {
  return (agenda as unknown as { jobProcessor?: ProcessorCounts }).jobProcessor;
}

/**
 * Free slots of a running Agenda: its global limit (the smaller of maxConcurrency and lockLimit) and
 * the job's own (concurrency, lockLimit), minus the jobs it holds locked. Nothing once it stopped, so
 * a fill chain still running after `agenda.stop()` claims nothing.
 */
export function agendaClaimCapacity(agendaOf: () => Agenda): ClaimCapacity {
  const limit = (...values: (number | undefined)[]) => Math.min(...values.map((value) => (value && value > 0 ? value : Infinity)));
  return {
    free(name) {
      const agenda = agendaOf();
      const processor = processorOf(agenda);
      const definition = agenda.definitions[name];
      if (!processor?.isRunning || !definition) return NONE;
      return {
        total: limit(agenda.attrs.maxConcurrency, agenda.attrs.lockLimit) - processor.lockedJobs.length,
        ofName: limit(definition.concurrency, definition.lockLimit) - (processor.jobStatus[name]?.locked ?? 0),
      };
    },
  };
}

/** Fails loudly at start if an Agenda upgrade moved what `agendaClaimCapacity` reads. */
export function assertAgendaCapacityReadable(agenda: Agenda): void {
  const processor = processorOf(agenda);
  if (!processor || typeof processor.isRunning !== 'boolean' || !Array.isArray(processor.lockedJobs) || typeof processor.jobStatus !== 'object')
    throw new Error('agenda: its job processor no longer exposes isRunning, lockedJobs and jobStatus (written for agenda 6.2.6); update claim-capacity.ts');
}
