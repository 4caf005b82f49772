// One measured step: the open-loop load at one rate (runOpenLoop: Poisson arrivals, latency from each
// request's intended start), CPU over the timed window, then the database's account of its messages.
import type { DataSource } from 'typeorm';
import { runOpenLoop } from '../support/open-loop';
import type { createHttpClient } from '../support/http-client';
import { accountStep } from './accounting';
import { errorLinesSince, type OutputReader } from './backend-errors';
import { perMessage, readCpu } from './cpu';
import { log } from './log';
import { createStepTraffic, type PoolConversation, type TrafficShares } from './traffic';

export interface StepContext {
  client: ReturnType<typeof createHttpClient>;
  backendUrls: string[];
  backendPids: number[];
  backendOutputs: OutputReader[];
  databasePid: number | null;
  secret: string;
  db: DataSource;
  pool: PoolConversation[];
  shares: TrafficShares;
}

export type StepResult = Awaited<ReturnType<typeof measureStep>>;

export async function measureStep(context: StepContext, rate: number, seconds: number, step: number) {
  const tag = `s${step}`;
  const traffic = createStepTraffic({ ...context, tag, newPhoneBase: step * 10_000_000 });
  const errorLines = errorLinesSince(context.backendOutputs);
  const before = await readCpu(context.backendPids, context.databasePid);
  const loop = await runOpenLoop(rate, seconds, traffic.send);
  const after = await readCpu(context.backendPids, context.databasePid);
  const answers = await accountStep(context.db, tag, traffic.stats.accepted);
  const drained = await readCpu(context.backendPids, context.databasePid);
  const { stats } = traffic;
  const backendErrors = errorLines();
  if (backendErrors.length > 0) log(`${backendErrors.length} error lines in the backends' logs; the first: ${backendErrors[0]!.slice(0, 800)}`);
  return {
    rate,
    p50Ms: loop.p50Ms,
    p99Ms: loop.p99Ms,
    errors: loop.errors,
    lost: answers.lost,
    draftedWithin5s: answers.draftedWithin5s,
    ...perMessage(before, after, loop.sent),
    /** Backend CPU from the load's start until the accounting's wait ended (drafts finished late included). */
    cpuMsPerMessageInclDrain: perMessage(before, drained, loop.sent).cpuMsPerMessage,
    undrafted: answers.undrafted,
    unsupersededReplies: answers.unsupersededReplies,
    draftFailed: answers.draftFailed,
    answeredBy: answers.answeredBy,
    draftP50Ms: answers.draftP50Ms,
    draftP99Ms: answers.draftP99Ms,
    maxMs: loop.maxMs,
    fireLagP99Ms: loop.fireLagP99Ms,
    seconds,
    sent: loop.sent,
    accepted: answers.accepted,
    toNewConversations: stats.toNewConversations,
    ruleMatching: stats.ruleMatching,
    redeliveries: stats.redeliveries,
    duplicatesAnswered: stats.duplicatesAnswered,
    wrongAnswers: stats.wrongAnswers,
    errorsByStatus: stats.errorsByStatus,
    backendErrorLogs: backendErrors.length,
    drainWaitMs: answers.waitedMs,
  };
}
