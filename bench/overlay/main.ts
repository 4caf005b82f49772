// `npm run bench:overlay -- --seconds 10`: the built extension on a churning 5,000-message demo thread, against an
// in-process backend; prints {"mountMs","cpuMsPerSec","heapMb",…} as the last line (issue 9 "Performance").
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSeededBackend } from './backend.js';
import { cleanupStack, type CleanupStack } from './cleanup.js';
import { buildExtension, snapshotBuild } from './extension-build.js';
import { launchBenchBrowser, type BenchBrowser } from './browser.js';
import { log } from './log.js';
import { startHostPageServer } from './host-page.js';
import { profileChurn, sampleChurn, type ChurnSample } from './churn.js';
import { extensionContexts, heapAfterGc } from './heap.js';
import { measureMount, traceMount, waitForFirstFrame, waitForThreadRendered } from './mount.js';
import { parseOverlayBenchOptions } from './options.js';
import { churnTotals, median, round, summarizeProfile, TARGETS, targetsMet } from './summary.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DEFAULT_EXTENSION_DIR = path.join(ROOT, 'dist', 'extension', 'chrome-mv3');
/** Churn is sampled in alternating slices (without, with, with, without, …) so drift on the shared cores hits both alike. */
const SLICE_MS = 2000;
const MOUNT_TIMEOUT_MS = 20_000;


async function run(cleanup: CleanupStack): Promise<Record<string, unknown>> {
  const options = parseOverlayBenchOptions(process.argv.slice(2), DEFAULT_EXTENSION_DIR);
  const loadAverageAtStart = os.loadavg()[0]!;
  const extensionDir = options.build ? buildExtension(ROOT, options.unminified, cleanup) : snapshotBuild(options.extensionDir, cleanup);

  const backend = await startSeededBackend();
  cleanup.push('backend', backend.stop);
  const host = await startHostPageServer();
  cleanup.push('host page server', host.close);
  const threadUrl = host.threadUrl(backend.tenantSlug, backend.externalId);
  log(`backend ${backend.url}, host page ${threadUrl}`);

  const withExtension = await launchBenchBrowser('with', { dir: extensionDir, backendUrl: backend.url, credential: backend.agentApiKey });
  cleanup.push('browser with the extension', withExtension.close);

  const mounts: number[] = [];
  const hostMounts: number[] = [];
  const firstFrames: number[] = [];
  const seenBy = new Set<string>();
  for (let load = 0; load < options.loads; load++) {
    const result = await measureMount(withExtension.page, withExtension.session, `${threadUrl}?messages=${options.messages}&watch=banner`, MOUNT_TIMEOUT_MS);
    mounts.push(result.mountMs);
    if (result.hostMs !== null) hostMounts.push(result.hostMs);
    if (result.firstFrameMs !== null) firstFrames.push(result.firstFrameMs);
    seenBy.add(result.seenBy);
    log(`load ${load + 1}/${options.loads}: banner ${round(result.mountMs)} ms after the thread rendered (stack host after ${result.hostMs === null ? '?' : round(result.hostMs)} ms)`);
  }
  // One more load under a trace (not in mountMs: tracing slows it): where the mount time goes.
  const traced = await traceMount(withExtension.page, withExtension.session, `${threadUrl}?messages=${options.messages}&watch=banner`, MOUNT_TIMEOUT_MS);
  const { phases } = traced;
  const mountProfile = summarizeProfile(traced.profile, 8);
  if (phases) {
    const ms = (value: number | null) => (value === null ? '?' : `${round(value)} ms`);
    log(
      `traced load: content script starts ${ms(phases.contentScriptStartMs)} after the render, evaluates in ${ms(phases.contentScriptEvalMs)} ` +
        `(${ms(phases.contentScriptEvalCpuMs)} CPU); stack host at ${ms(phases.hostAddedMs)}, banner at ${ms(phases.bannerShownMs)}; ` +
        `main thread CPU in that window: extension calls ${ms(phases.extensionCpuMs)} (profile, promise jobs included: ${mountProfile.extensionMs} ms), ` +
        `everything else ${ms(phases.otherMainThreadCpuMs)}`,
    );
    log(`  extension calls ≥ 1 ms: ${phases.extensionCalls.map((call) => `@${round(call.atMs)} ${call.name} ${round(call.cpuMs)} ms`).join(', ') || 'none'}`);
    log(`  hottest extension functions in the load (profile): ${mountProfile.top.map((hot) => `${hot.function} ${hot.at} ${hot.ms} ms`).join('; ')}`);
  }
  const worlds = await extensionContexts(withExtension.session);

  const withoutExtension = await launchBenchBrowser('without', null);
  cleanup.push('browser without the extension', withoutExtension.close);
  await withoutExtension.page.goto(`${threadUrl}?messages=${options.messages}&churn=manual`, { waitUntil: 'domcontentloaded' });
  await waitForThreadRendered(withoutExtension.page, MOUNT_TIMEOUT_MS);
  const firstFrameWithout = await waitForFirstFrame(withoutExtension.page, MOUNT_TIMEOUT_MS);
  await withExtension.page.evaluate('__bench.stopChurn()');

  const pages: BenchBrowser[] = [withoutExtension, withExtension];
  for (const { session } of pages) await session.send('Performance.enable');
  await new Promise((resolve) => setTimeout(resolve, 500));
  const samples = new Map<BenchBrowser, ChurnSample[]>(pages.map((page) => [page, []]));
  const slices = Math.max(1, Math.round((options.seconds * 1000) / SLICE_MS));
  const sliceMs = (options.seconds * 1000) / slices;
  log(`sampling ${slices} churn slices of ${round(sliceMs / 1000, 2)} s per browser`);
  for (let slice = 0; slice < slices; slice++) {
    const order = slice % 2 === 0 ? pages : [...pages].reverse();
    for (const page of order) samples.get(page)!.push(await sampleChurn(page.page, page.session, sliceMs));
  }
  const without = churnTotals(samples.get(withoutExtension)!);
  const withExt = churnTotals(samples.get(withExtension)!);

  const heapWithout = await heapAfterGc(withoutExtension.page, withoutExtension.session);
  const heapWith = await heapAfterGc(withExtension.page, withExtension.session);

  let profile: ReturnType<typeof summarizeProfile> | null = null;
  if (options.profile) {
    const cpuProfile = await profileChurn(withExtension.page, withExtension.session, sliceMs);
    fs.writeFileSync(options.profile, JSON.stringify(cpuProfile));
    profile = summarizeProfile(cpuProfile);
    log(`CPU profile of one ${round(sliceMs / 1000, 2)} s churn slice with the extension written to ${options.profile}:`);
    log(`  main thread busy ${profile.profiledMs} ms: extension ${profile.extensionMs} ms, page ${profile.pageMs} ms, GC ${profile.gcMs} ms`);
    for (const hot of profile.top) log(`  ${String(hot.ms).padStart(8)} ms  ${hot.function}  ${hot.at}`);
  }

  const figures = {
    mountMs: round(median(mounts)),
    cpuMsPerSec: round(withExt.scriptCpuMsPerSec - without.scriptCpuMsPerSec, 2),
    heapMb: round(heapWith.jsUsedMb - heapWithout.jsUsedMb, 2),
  };
  return {
    ...figures,
    met: targetsMet(figures),
    targets: TARGETS,
    mountMsMax: round(Math.max(...mounts)),
    mountMsLoads: mounts.map((ms) => round(ms)),
    mountHostMs: hostMounts.length ? round(median(hostMounts)) : null,
    // The host page alone: thread rendered → its own first frame done (with the extension: median of the loads).
    pageFirstFrameMsWith: firstFrames.length ? round(median(firstFrames)) : null,
    pageFirstFrameMsWithout: round(firstFrameWithout),
    mountSeenBy: [...seenBy].join(', '),
    ...(phases
      ? {
          mountTrace: {
            contentScriptStartMs: phases.contentScriptStartMs === null ? null : round(phases.contentScriptStartMs),
            hostAddedMs: phases.hostAddedMs === null ? null : round(phases.hostAddedMs),
            bannerShownMs: phases.bannerShownMs === null ? null : round(phases.bannerShownMs),
            extensionCpuMs: round(phases.extensionCpuMs),
            extensionProfiledMs: round(mountProfile.extensionMs),
            otherMainThreadCpuMs: round(phases.otherMainThreadCpuMs),
          },
        }
      : {}),
    cpuMsPerSecWith: round(withExt.scriptCpuMsPerSec, 2),
    cpuMsPerSecWithout: round(without.scriptCpuMsPerSec, 2),
    extensionScriptCpuMsPerSec: round(withExt.extensionScriptCpuMsPerSec, 2),
    taskCpuMsPerSecWith: round(withExt.taskCpuMsPerSec, 1),
    taskCpuMsPerSecWithout: round(without.taskCpuMsPerSec, 1),
    scriptWallMsPerSecWith: round(withExt.scriptMsPerSec, 2),
    scriptWallMsPerSecWithout: round(without.scriptMsPerSec, 2),
    taskWallMsPerSecWith: round(withExt.taskMsPerSec, 1),
    taskWallMsPerSecWithout: round(without.taskMsPerSec, 1),
    layoutStyleWallMsPerSecWith: round(withExt.layoutMsPerSec + withExt.styleMsPerSec, 2),
    layoutStyleWallMsPerSecWithout: round(without.layoutMsPerSec + without.styleMsPerSec, 2),
    heapMbWith: round(heapWith.jsUsedMb, 2),
    heapMbWithout: round(heapWithout.jsUsedMb, 2),
    domHeapMbAdded: round(heapWith.embedderUsedMb - heapWithout.embedderUsedMb, 2),
    contentScriptWorlds: worlds.length,
    seconds: round(withExt.seconds, 2),
    appendedPerSec: round(withExt.appended / withExt.seconds, 1),
    messages: options.messages,
    // Context: other processes on the 2 cores inflate wall-clock figures (mountMs, *Wall*), not thread CPU.
    loadAverage1m: [round(loadAverageAtStart, 2), round(os.loadavg()[0]!, 2)],
    ...(profile ? { profileExtensionMsPerSec: round(profile.extensionMs / (sliceMs / 1000), 2) } : {}),
  };
}

async function main(): Promise<void> {
  const cleanup = cleanupStack();
  let failing = false;
  const fail = async (message: string, code = 1) => {
    // The first reason counts; what breaks while cleaning up after it (closed targets) is its echo.
    if (failing) return;
    failing = true;
    log(`failed: ${message}`);
    await cleanup.runAll();
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void fail(`stopped by ${signal}`, 130));
  // The whole run must stay bounded (~2 min with the defaults) whatever hangs.
  const watchdog = setTimeout(() => void fail('took longer than 4 minutes'), 240_000);
  try {
    const result = await run(cleanup);
    await cleanup.runAll();
    clearTimeout(watchdog);
    console.log(JSON.stringify(result));
  } catch (error) {
    clearTimeout(watchdog);
    await fail(error instanceof Error ? error.message : String(error));
  }
}

void main();
