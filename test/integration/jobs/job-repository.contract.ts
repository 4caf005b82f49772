// The behaviour Agenda 6 needs from a JobRepository, written once and run against every storage backend.
// Semantics follow agenda 6.2.6 (JobProcessor.js, Job.js) and its Mongo and Postgres backends; see
// reference/agenda.md, "Backend contract details that bite".
import type { JobParameters, JobRepository, JobState } from 'agenda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** One repository instance under test and how to let go of it. */
export interface JobRepositoryUnderTest {
  repository: JobRepository;
  cleanup(): Promise<void>;
}

/**
 * Registers the JobRepository contract suite.
 *
 * `createRepository` must return a new repository instance over the same storage on every call (the
 * suite uses two instances at once to stand for two workers); the suite connects it and empties the
 * storage before each test.
 *
 * @example
 * describeJobRepositoryContract('SQLite', async () => ({ repository: new SqlJobRepository(db), cleanup: async () => {} }));
 */
export function describeJobRepositoryContract(label: string, createRepository: () => Promise<JobRepositoryUnderTest>): void {
  describe(`JobRepository contract: ${label}`, () => {
    let subject: JobRepositoryUnderTest;
    let repository: JobRepository;

    beforeEach(async () => {
      subject = await createRepository();
      repository = subject.repository;
      await repository.connect();
      await repository.purgeAllJobs();
    });

    afterEach(async () => {
      await subject.cleanup();
    });

    const save = (job: JobParameters) => repository.saveJob(job, undefined);
    const stored = async (job: JobParameters) => (await repository.getJobById(idOf(job)))!;
    /** Marks a job the way Agenda's processor does: saveJobState with the whole attrs object. */
    const setState = (job: JobParameters, state: Partial<JobParameters>) => repository.saveJobState({ ...job, ...state }, undefined);

    describe('connect', () => {
      it('resolves on a migrated database, may be called again, and leaves the repository usable', async () => {
        await repository.connect();
        const saved = await save(dueJob('after-connect'));
        expect(await repository.getJobById(idOf(saved))).not.toBeNull();
      });
    });

    describe('saveJob', () => {
      it('inserts a new job, gives it a string _id and returns what was stored', async () => {
        const nextRunAt = minutesFromNow(5);
        const saved = await save(newJob('send-reply', { priority: 10, nextRunAt, data: { replyId: 'r1' } }));

        expect(typeof saved._id).toBe('string');
        expect(saved._id).not.toBe('');
        expect(saved).toMatchObject({ name: 'send-reply', priority: 10, type: 'normal', nextRunAt, data: { replyId: 'r1' } });
      });

      it('gives every inserted normal job its own row, even with the same name and data', async () => {
        const first = await save(dueJob('send-reply', { data: { replyId: 'r1' } }));
        const second = await save(dueJob('send-reply', { data: { replyId: 'r1' } }));

        expect(second._id).not.toBe(first._id);
        expect((await repository.queryJobs({ name: 'send-reply' })).total).toBe(2);
      });

      it('keeps dates to the millisecond and JSON data of any shape (Agenda compares nextRunAt exactly)', async () => {
        const nextRunAt = new Date('2031-02-03T04:05:06.789Z');
        const data = { conversationId: 7, text: 'Grüße 👋 "quoted"', tags: ['a', 'b'], nested: { flag: true, nothing: null, ratio: 0.25 } };
        const saved = await save(newJob('send-reply', { nextRunAt, data }));

        const loaded = await stored(saved);
        expect(loaded.nextRunAt).toBeInstanceOf(Date);
        expect(loaded.nextRunAt!.toISOString()).toBe('2031-02-03T04:05:06.789Z');
        expect(loaded.data).toEqual(data);
      });

      it('stores a null nextRunAt as null and returns null, not undefined (undefined would mean "run now")', async () => {
        const saved = await save(newJob('finished-once', { nextRunAt: null }));

        expect(saved.nextRunAt).toBeNull();
        expect((await stored(saved)).nextRunAt).toBeNull();
      });

      it('keeps the disabled flag', async () => {
        const saved = await save(dueJob('paused-job', { disabled: true }));

        expect(saved.disabled).toBe(true);
        expect((await stored(saved)).disabled).toBe(true);
      });

      it('with an _id updates that row (priority, nextRunAt, data) instead of inserting', async () => {
        const saved = await save(dueJob('send-reply', { data: { version: 1 } }));
        const later = minutesFromNow(30);

        const updated = await save({ ...saved, priority: 20, nextRunAt: later, data: { version: 2 } });

        expect(updated._id).toBe(saved._id);
        expect(updated).toMatchObject({ priority: 20, nextRunAt: later, data: { version: 2 } });
        expect(await stored(saved)).toMatchObject({ priority: 20, nextRunAt: later, data: { version: 2 } });
        expect((await repository.queryJobs()).total).toBe(1);
      });

      it('with an _id leaves the processor fields alone (job.save() sends attrs without lockedAt, lastRunAt)', async () => {
        const saved = await save(dueJob('send-reply', { data: { version: 1 } }));
        const lockedAt = secondsAgo(5);
        await setState(saved, { lockedAt, lastRunAt: lockedAt });

        // What Job.toJson(true) sends from inside a running handler: no processor-managed fields.
        await save({ _id: saved._id, name: saved.name, priority: 0, type: 'normal', nextRunAt: null, data: { version: 2 } });

        const loaded = await stored(saved);
        expect(loaded.data).toEqual({ version: 2 });
        expect(loaded.lockedAt).toEqual(lockedAt);
        expect(loaded.lastRunAt).toEqual(lockedAt);
      });

      it('with the _id of a removed job does not bring the job back', async () => {
        const saved = await save(dueJob('send-reply'));
        await repository.removeJobs({ id: idOf(saved) });

        await save({ ...saved, priority: 5 });

        expect((await repository.queryJobs()).total).toBe(0);
      });

      describe("type 'single' (every())", () => {
        it('a second save with the same name updates the one row', async () => {
          const first = await save(newJob('nightly-digest', { type: 'single', priority: 5, nextRunAt: minutesFromNow(60), data: { run: 1 } }));
          const laterRun = minutesFromNow(120);

          const second = await save(newJob('nightly-digest', { type: 'single', priority: 10, nextRunAt: laterRun, data: { run: 2 } }));

          expect(second._id).toBe(first._id);
          expect(second).toMatchObject({ priority: 10, nextRunAt: laterRun, data: { run: 2 } });
          expect((await repository.queryJobs({ name: 'nightly-digest' })).total).toBe(1);
        });

        it('keeps the stored nextRunAt when re-saved with a time already due (a restart must not reset the schedule)', async () => {
          const scheduled = minutesFromNow(60);
          const first = await save(newJob('nightly-digest', { type: 'single', nextRunAt: scheduled }));

          const second = await save(newJob('nightly-digest', { type: 'single', nextRunAt: secondsAgo(1) }));

          expect(second._id).toBe(first._id);
          expect(second.nextRunAt).toEqual(scheduled);
          expect((await stored(first)).nextRunAt).toEqual(scheduled);
        });

        it('does not absorb a normal job of the same name', async () => {
          await save(dueJob('nightly-digest'));
          await save(newJob('nightly-digest', { type: 'single', nextRunAt: minutesFromNow(60) }));
          await save(newJob('nightly-digest', { type: 'single', nextRunAt: minutesFromNow(90) }));

          const jobs = (await repository.queryJobs({ name: 'nightly-digest' })).jobs;
          expect(jobs.map((job) => job.type).sort()).toEqual(['normal', 'single']);
        });
      });

      describe('unique (upsert by data fields)', () => {
        it('a second save with the same unique key updates the one row', async () => {
          const first = await save(dueJob('send-reply', { data: { replyId: 'r1', text: 'draft' }, unique: { 'data.replyId': 'r1' } }));

          const second = await save(dueJob('send-reply', { priority: 3, data: { replyId: 'r1', text: 'final' }, unique: { 'data.replyId': 'r1' } }));

          expect(second._id).toBe(first._id);
          expect(second).toMatchObject({ priority: 3, data: { replyId: 'r1', text: 'final' } });
          expect((await repository.queryJobs({ name: 'send-reply' })).total).toBe(1);
        });

        it('a different key value inserts a new row; values match exactly (r1 is not r10, 1 is not 12)', async () => {
          await save(dueJob('send-reply', { data: { replyId: 'r10' }, unique: { 'data.replyId': 'r10' } }));
          await save(dueJob('send-reply', { data: { replyId: 'r1' }, unique: { 'data.replyId': 'r1' } }));
          await save(dueJob('close-conversation', { data: { conversationId: 12 }, unique: { 'data.conversationId': 12 } }));
          await save(dueJob('close-conversation', { data: { conversationId: 1 }, unique: { 'data.conversationId': 1 } }));

          expect((await repository.queryJobs({ name: 'send-reply' })).total).toBe(2);
          expect((await repository.queryJobs({ name: 'close-conversation' })).total).toBe(2);
        });

        it('is scoped to the job name', async () => {
          await save(dueJob('send-reply', { data: { conversationId: 1 }, unique: { 'data.conversationId': 1 } }));
          await save(dueJob('auto-release', { data: { conversationId: 1 }, unique: { 'data.conversationId': 1 } }));

          expect((await repository.getDistinctJobNames()).sort()).toEqual(['auto-release', 'send-reply']);
          expect((await repository.queryJobs()).total).toBe(2);
        });

        it('with uniqueOpts.insertOnly returns the existing job unchanged and changes nothing', async () => {
          const firstRunAt = minutesFromNow(10);
          const first = await save(newJob('send-reply', { nextRunAt: firstRunAt, data: { replyId: 'r1', text: 'first' }, unique: { 'data.replyId': 'r1' }, uniqueOpts: { insertOnly: true } }));

          const second = await save(newJob('send-reply', { priority: 9, nextRunAt: minutesFromNow(20), data: { replyId: 'r1', text: 'second' }, unique: { 'data.replyId': 'r1' }, uniqueOpts: { insertOnly: true } }));

          expect(second._id).toBe(first._id);
          expect(second).toMatchObject({ priority: 0, nextRunAt: firstRunAt, data: { replyId: 'r1', text: 'first' } });
          expect(await stored(first)).toMatchObject({ priority: 0, nextRunAt: firstRunAt, data: { replyId: 'r1', text: 'first' } });
          expect((await repository.queryJobs()).total).toBe(1);
        });
      });
    });

    describe('getJobById', () => {
      it('returns null for the id of a job that no longer exists', async () => {
        const saved = await save(dueJob('send-reply'));
        await repository.removeJobs({ id: idOf(saved) });

        expect(await repository.getJobById(idOf(saved))).toBeNull();
      });

      it('returns the job with the same _id, every date as a Date and data parsed', async () => {
        const saved = await save(dueJob('send-reply', { priority: 4, data: { replyId: 'r1', attempt: 2 } }));
        const lockedAt = new Date('2030-05-06T07:08:09.120Z');
        const lastRunAt = new Date('2030-05-06T07:08:09.345Z');
        const failedAt = new Date('2030-05-06T07:08:10.001Z');
        await setState(saved, { lockedAt, lastRunAt, lastFinishedAt: failedAt, failedAt, failCount: 1, failReason: 'timeout' });

        const loaded = await stored(saved);

        expect(String(loaded._id)).toBe(String(saved._id));
        expect(loaded).toMatchObject({ name: 'send-reply', priority: 4, type: 'normal', data: { replyId: 'r1', attempt: 2 } });
        for (const field of ['nextRunAt', 'lockedAt', 'lastRunAt', 'lastFinishedAt', 'failedAt'] as const) {
          expect(loaded[field], field).toBeInstanceOf(Date);
        }
        expect(loaded).toMatchObject({ nextRunAt: saved.nextRunAt, lockedAt, lastRunAt, lastFinishedAt: failedAt, failedAt, failCount: 1, failReason: 'timeout' });
      });

      it('returns nextRunAt null as null, not undefined', async () => {
        const saved = await save(newJob('finished-once', { nextRunAt: null }));

        const loaded = await stored(saved);
        expect(loaded.nextRunAt).toBeNull();
        expect(loaded.lockedAt ?? null).toBeNull();
      });
    });

    describe('queryJobs', () => {
      /** One job per state, plus a repeating one under another name; returns them by state. */
      async function saveOneJobPerState() {
        const finishedAt = secondsAgo(30);
        const queued = await save(dueJob('send-reply', { priority: 1, data: { conversationId: 1, kind: 'reply' } }));
        const scheduled = await save(newJob('send-reply', { priority: 2, nextRunAt: minutesFromNow(10), data: { conversationId: 12 } }));
        const running = await save(dueJob('send-reply', { priority: 3, data: { conversationId: 1 } }));
        await setState(running, { lockedAt: secondsAgo(2), lastRunAt: secondsAgo(2), nextRunAt: null });
        const completed = await save(dueJob('auto-release', { data: { conversationId: 1 } }));
        await setState(completed, { lastRunAt: finishedAt, lastFinishedAt: finishedAt, nextRunAt: null });
        const failed = await save(dueJob('auto-release', { data: { conversationId: 3 } }));
        await setState(failed, { lastRunAt: finishedAt, lastFinishedAt: finishedAt, failedAt: finishedAt, failCount: 1, failReason: 'boom', nextRunAt: null });
        const repeating = await save(newJob('nightly-digest', { type: 'single', nextRunAt: minutesFromNow(60), repeatInterval: '1 day' }));
        const paused = await save(newJob('auto-release', { nextRunAt: minutesFromNow(10), disabled: true, data: { conversationId: 4 } }));
        return { queued, scheduled, running, completed, failed, repeating, paused };
      }

      it('without options returns every job, total included', async () => {
        await saveOneJobPerState();

        const result = await repository.queryJobs();
        expect(result.total).toBe(7);
        expect(result.jobs).toHaveLength(7);
      });

      it('computes a state for every job from its timestamps', async () => {
        const jobs = await saveOneJobPerState();

        const result = await repository.queryJobs();
        const stateOf = (job: JobParameters) => result.jobs.find((candidate) => String(candidate._id) === idOf(job))?.state;
        const expected: Record<string, JobState> = { queued: 'queued', scheduled: 'scheduled', running: 'running', completed: 'completed', failed: 'failed', repeating: 'repeating', paused: 'scheduled' };
        for (const [key, state] of Object.entries(expected)) expect(stateOf(jobs[key as keyof typeof jobs]), key).toBe(state);
      });

      it('returns _id as a string, dates as Date and data parsed', async () => {
        const { running } = await saveOneJobPerState();

        const [job] = (await repository.queryJobs({ id: idOf(running) })).jobs;
        expect(typeof job!._id).toBe('string');
        expect(job!.lockedAt).toBeInstanceOf(Date);
        expect(job!.lastRunAt).toBeInstanceOf(Date);
        expect(job!.nextRunAt).toBeNull();
        expect(job!.data).toEqual({ conversationId: 1 });
      });

      it.each([
        ['name', { name: 'auto-release' }, ['completed', 'failed', 'paused']],
        ['names', { names: ['auto-release', 'nightly-digest'] }, ['completed', 'failed', 'paused', 'repeating']],
        ['search (part of the name, any case)', { search: 'RELEASE' }, ['completed', 'failed', 'paused']],
        ['data (every given field equal; 1 does not match 12)', { data: { conversationId: 1 } }, ['completed', 'queued', 'running']],
        ['name and data together', { name: 'send-reply', data: { conversationId: 1 } }, ['queued', 'running']],
        ['state', { state: 'failed' as const }, ['failed']],
        ["state 'paused' (disabled jobs)", { state: 'paused' as const }, ['paused']],
        ['includeDisabled: false', { includeDisabled: false }, ['completed', 'failed', 'queued', 'repeating', 'running', 'scheduled']],
      ])('filters by %s', async (_filter, options, expectedKeys) => {
        const jobs = await saveOneJobPerState();
        const keyOf = new Map(Object.entries(jobs).map(([key, job]) => [idOf(job), key]));

        const result = await repository.queryJobs(options);

        expect(result.jobs.map((job) => keyOf.get(String(job._id))).sort()).toEqual(expectedKeys);
        expect(result.total).toBe(expectedKeys.length);
      });

      it('filters by id and by ids', async () => {
        const { queued, failed, repeating } = await saveOneJobPerState();

        expect((await repository.queryJobs({ id: idOf(failed) })).jobs.map((job) => String(job._id))).toEqual([idOf(failed)]);
        const byIds = await repository.queryJobs({ ids: [idOf(queued), idOf(repeating)] });
        expect(byIds.jobs.map((job) => String(job._id)).sort()).toEqual([idOf(queued), idOf(repeating)].sort());
      });

      it('includes disabled jobs by default', async () => {
        await saveOneJobPerState();

        expect((await repository.queryJobs({ includeDisabled: true })).total).toBe(7);
        expect((await repository.queryJobs({})).jobs.some((job) => job.disabled === true)).toBe(true);
      });

      it('sorts by the given field and direction', async () => {
        await save(newJob('b-job', { priority: 5, nextRunAt: minutesFromNow(3) }));
        await save(newJob('a-job', { priority: 10, nextRunAt: minutesFromNow(1) }));
        await save(newJob('c-job', { priority: -5, nextRunAt: minutesFromNow(2) }));
        const names = async (sort: Parameters<JobRepository['queryJobs']>[0]) => (await repository.queryJobs(sort)).jobs.map((job) => job.name);

        expect(await names({ sort: { priority: 'desc' } })).toEqual(['a-job', 'b-job', 'c-job']);
        expect(await names({ sort: { priority: 'asc' } })).toEqual(['c-job', 'b-job', 'a-job']);
        expect(await names({ sort: { name: 'asc' } })).toEqual(['a-job', 'b-job', 'c-job']);
        expect(await names({ sort: { nextRunAt: 'asc' } })).toEqual(['a-job', 'c-job', 'b-job']);
        expect(await names({ sort: { nextRunAt: 'desc' } })).toEqual(['b-job', 'c-job', 'a-job']);
      });

      it('pages with skip and limit while total counts every match', async () => {
        for (let minute = 1; minute <= 5; minute++) await save(newJob(`job-${minute}`, { nextRunAt: minutesFromNow(minute) }));

        const page = await repository.queryJobs({ sort: { nextRunAt: 'asc' }, skip: 1, limit: 2 });
        expect(page.jobs.map((job) => job.name)).toEqual(['job-2', 'job-3']);
        expect(page.total).toBe(5);

        const rest = await repository.queryJobs({ sort: { nextRunAt: 'asc' }, skip: 3 });
        expect(rest.jobs.map((job) => job.name)).toEqual(['job-4', 'job-5']);
        expect(rest.total).toBe(5);
      });

      it('counts total after the state filter, before paging', async () => {
        for (let index = 0; index < 4; index++) await save(dueJob('send-reply'));
        await save(newJob('send-reply', { nextRunAt: minutesFromNow(5) }));

        const page = await repository.queryJobs({ state: 'queued', limit: 1 });
        expect(page.jobs).toHaveLength(1);
        expect(page.jobs[0]!.state).toBe('queued');
        expect(page.total).toBe(4);
      });
    });

    describe('getJobsOverview', () => {
      it('counts the jobs of each name by state; disabled jobs count as paused too', async () => {
        const finishedAt = secondsAgo(10);
        await save(dueJob('send-reply'));
        await save(newJob('send-reply', { nextRunAt: minutesFromNow(5) }));
        await save(newJob('send-reply', { nextRunAt: minutesFromNow(5), disabled: true }));
        const running = await save(dueJob('send-reply'));
        await setState(running, { lockedAt: secondsAgo(1), lastRunAt: secondsAgo(1), nextRunAt: null });
        const completed = await save(dueJob('send-reply'));
        await setState(completed, { lastFinishedAt: finishedAt, nextRunAt: null });
        const failed = await save(dueJob('send-reply'));
        await setState(failed, { lastFinishedAt: finishedAt, failedAt: finishedAt, failCount: 1, nextRunAt: null });
        await save(newJob('nightly-digest', { type: 'single', nextRunAt: minutesFromNow(60), repeatInterval: '1 day' }));

        const overview = await repository.getJobsOverview();

        expect(overview.map((entry) => entry.name).sort()).toEqual(['nightly-digest', 'send-reply']);
        expect(overview.find((entry) => entry.name === 'send-reply')).toMatchObject({
          total: 6, queued: 1, scheduled: 2, running: 1, completed: 1, failed: 1, repeating: 0, paused: 1,
        });
        expect(overview.find((entry) => entry.name === 'nightly-digest')).toMatchObject({ total: 1, repeating: 1 });
      });

      it('is empty when there are no jobs', async () => {
        expect(await repository.getJobsOverview()).toEqual([]);
      });
    });

    describe('getDistinctJobNames', () => {
      it('lists each name once', async () => {
        await save(dueJob('send-reply'));
        await save(dueJob('auto-release'));
        await save(dueJob('send-reply'));
        await save(newJob('nightly-digest', { nextRunAt: null }));

        expect((await repository.getDistinctJobNames()).sort()).toEqual(['auto-release', 'nightly-digest', 'send-reply']);
      });

      it('is empty when there are no jobs', async () => {
        expect(await repository.getDistinctJobNames()).toEqual([]);
      });
    });

    describe('getQueueSize', () => {
      // Agenda counts every job with nextRunAt < now (locked or disabled ones too); it only feeds status reports.
      it('counts the jobs whose nextRunAt has passed, not future or unscheduled ones', async () => {
        await save(newJob('send-reply', { nextRunAt: minutesFromNow(-2) }));
        await save(newJob('auto-release', { nextRunAt: secondsAgo(5) }));
        await save(newJob('send-reply', { nextRunAt: minutesFromNow(2) }));
        await save(newJob('nightly-digest', { nextRunAt: null }));

        expect(await repository.getQueueSize()).toBe(2);
      });

      it('is 0 when nothing is due', async () => {
        await save(newJob('send-reply', { nextRunAt: minutesFromNow(2) }));

        expect(await repository.getQueueSize()).toBe(0);
      });
    });

    describe('removeJobs', () => {
      it('removes by id and returns 1', async () => {
        const target = await save(dueJob('send-reply'));
        const other = await save(dueJob('send-reply'));

        expect(await repository.removeJobs({ id: idOf(target) })).toBe(1);
        expect(await repository.getJobById(idOf(target))).toBeNull();
        expect(await repository.getJobById(idOf(other))).not.toBeNull();
      });

      it('removes by ids and returns the count', async () => {
        const first = await save(dueJob('send-reply'));
        const second = await save(dueJob('auto-release'));
        const kept = await save(dueJob('send-reply'));

        expect(await repository.removeJobs({ ids: [idOf(first), idOf(second)] })).toBe(2);
        expect((await repository.queryJobs()).jobs.map((job) => String(job._id))).toEqual([idOf(kept)]);
      });

      it.each([
        ['name', { name: 'send-reply' }, ['auto-release', 'nightly-digest']],
        ['names', { names: ['send-reply', 'nightly-digest'] }, ['auto-release']],
        ['notNames (everything except)', { notNames: ['auto-release'] }, ['auto-release']],
      ])('removes by %s and returns the count', async (_filter, options, remainingNames) => {
        await save(dueJob('send-reply'));
        await save(dueJob('send-reply'));
        await save(dueJob('auto-release'));
        await save(newJob('nightly-digest', { type: 'single', nextRunAt: minutesFromNow(60) }));

        const removed = await repository.removeJobs(options);

        expect(removed).toBe(4 - remainingNames.length);
        expect((await repository.queryJobs()).jobs.map((job) => job.name).sort()).toEqual(remainingNames);
      });

      it('removes by data only the jobs whose given fields are equal: { conversationId: 1 } spares conversation 12', async () => {
        await save(dueJob('send-reply', { data: { conversationId: 1 } }));
        await save(dueJob('auto-release', { data: { conversationId: 1, agentId: 'a1' } }));
        await save(dueJob('send-reply', { data: { conversationId: 12 } }));
        await save(dueJob('send-reply', { data: { conversationId: 21 } }));
        await save(dueJob('send-reply', { data: { otherId: 1 } }));

        expect(await repository.removeJobs({ data: { conversationId: 1 } })).toBe(2);
        const remaining = (await repository.queryJobs()).jobs.map((job) => job.data);
        expect(remaining).toHaveLength(3);
        expect(remaining).toEqual(expect.arrayContaining([{ conversationId: 12 }, { conversationId: 21 }, { otherId: 1 }]));
      });

      it('removes by data with string values matched exactly (r1 is not r10)', async () => {
        await save(dueJob('send-reply', { data: { replyId: 'r1' } }));
        await save(dueJob('send-reply', { data: { replyId: 'r10' } }));

        expect(await repository.removeJobs({ data: { replyId: 'r1' } })).toBe(1);
        expect((await repository.queryJobs()).jobs.map((job) => job.data)).toEqual([{ replyId: 'r10' }]);
      });

      it('combines name and data with AND (cancel one kind of job for one conversation)', async () => {
        await save(dueJob('send-reply', { data: { conversationId: 1 } }));
        await save(dueJob('auto-release', { data: { conversationId: 1 } }));
        await save(dueJob('send-reply', { data: { conversationId: 2 } }));

        expect(await repository.removeJobs({ name: 'send-reply', data: { conversationId: 1 } })).toBe(1);
        expect((await repository.queryJobs()).total).toBe(2);
      });

      it('removes nothing and returns 0 when no criteria are given or nothing matches', async () => {
        await save(dueJob('send-reply'));

        expect(await repository.removeJobs({})).toBe(0);
        expect(await repository.removeJobs({ name: 'no-such-job' })).toBe(0);
        expect((await repository.queryJobs()).total).toBe(1);
      });
    });

    describe('saveJobState', () => {
      it('writes lockedAt, lastRunAt, lastFinishedAt, failCount, failReason, failedAt, progress and nextRunAt', async () => {
        const saved = await save(dueJob('send-reply'));
        const lockedAt = new Date('2030-01-01T10:00:00.111Z');
        const lastRunAt = new Date('2030-01-01T10:00:00.222Z');
        const finishedAt = new Date('2030-01-01T10:00:01.333Z');
        const retryAt = new Date('2030-01-01T10:05:00.444Z');

        await setState(saved, { lockedAt, lastRunAt, lastFinishedAt: finishedAt, failedAt: finishedAt, failCount: 2, failReason: 'upstream 503', progress: 50, nextRunAt: retryAt });

        expect(await stored(saved)).toMatchObject({ lockedAt, lastRunAt, lastFinishedAt: finishedAt, failedAt: finishedAt, failCount: 2, failReason: 'upstream 503', progress: 50, nextRunAt: retryAt });
      });

      it('follows a one-off run: at start nextRunAt becomes null and the lock stays; at the end the lock is cleared', async () => {
        const saved = await save(dueJob('send-reply'));
        const lockedAt = secondsAgo(1);
        const lastRunAt = new Date();

        await setState(saved, { lockedAt, lastRunAt, nextRunAt: null });
        expect(await stored(saved)).toMatchObject({ lockedAt, lastRunAt, nextRunAt: null });

        await setState(saved, { lockedAt: undefined, lastRunAt, lastFinishedAt: new Date(), nextRunAt: null });
        const finished = await stored(saved);
        expect(finished.lockedAt ?? null).toBeNull();
        expect(finished.nextRunAt).toBeNull();
        expect(finished.lastFinishedAt).toBeInstanceOf(Date);
      });

      it('leaves what job.save() owns (data, priority) alone', async () => {
        const saved = await save(dueJob('send-reply', { priority: 1, data: { replyId: 'r1' } }));

        await setState(saved, { priority: 99, data: { replyId: 'changed' }, lastRunAt: new Date() });

        expect(await stored(saved)).toMatchObject({ priority: 1, data: { replyId: 'r1' } });
      });

      it('throws when the job row is gone (Agenda then stops the run)', async () => {
        const saved = await save(dueJob('send-reply'));
        await repository.removeJobs({ id: idOf(saved) });

        await expect(setState(saved, { lastRunAt: new Date() })).rejects.toThrow();
      });

      it('throws for a job without an _id', async () => {
        await expect(repository.saveJobState(dueJob('send-reply'), undefined)).rejects.toThrow();
      });
    });

    describe('lockJob', () => {
      it('locks an unlocked job whose stored nextRunAt matches and returns it with lockedAt', async () => {
        const saved = await save(dueJob('send-reply', { data: { replyId: 'r1' } }));

        const locked = await repository.lockJob(saved, undefined);

        expect(String(locked?._id)).toBe(idOf(saved));
        expect(locked?.lockedAt).toBeInstanceOf(Date);
        expect(locked?.data).toEqual({ replyId: 'r1' });
        expect((await stored(saved)).lockedAt).toBeInstanceOf(Date);
      });

      it('returns undefined for a job that is already locked', async () => {
        const saved = await save(dueJob('send-reply'));
        expect(await repository.lockJob(saved, undefined)).toBeDefined();

        expect(await repository.lockJob(saved, undefined)).toBeUndefined();
      });

      it('returns undefined when the stored nextRunAt differs (the job was rescheduled meanwhile)', async () => {
        const saved = await save(dueJob('send-reply'));
        await save({ ...saved, nextRunAt: minutesFromNow(30) });

        expect(await repository.lockJob(saved, undefined)).toBeUndefined();
      });

      it('returns undefined for a disabled job', async () => {
        const saved = await save(dueJob('send-reply', { disabled: true }));

        expect(await repository.lockJob(saved, undefined)).toBeUndefined();
      });
    });

    describe('unlockJob', () => {
      it('clears the lock of a job that still has a nextRunAt', async () => {
        const saved = await save(dueJob('send-reply'));
        await setState(saved, { lockedAt: new Date() });

        await repository.unlockJob(saved);

        expect((await stored(saved)).lockedAt ?? null).toBeNull();
      });

      it('keeps the lock of a job with nextRunAt null (a running one-off job)', async () => {
        const saved = await save(dueJob('send-reply'));
        const lockedAt = secondsAgo(1);
        await setState(saved, { lockedAt, lastRunAt: lockedAt, nextRunAt: null });

        // Agenda passes its in-memory attrs, which may still carry the old nextRunAt: the stored row decides.
        await repository.unlockJob(saved);

        expect((await stored(saved)).lockedAt).toEqual(lockedAt);
      });
    });

    describe('unlockJobs', () => {
      it('clears the locks of the listed jobs and of no other', async () => {
        const first = await save(dueJob('send-reply'));
        const second = await save(dueJob('auto-release'));
        const untouched = await save(dueJob('send-reply'));
        for (const job of [first, second, untouched]) await setState(job, { lockedAt: new Date() });

        await repository.unlockJobs([idOf(first), idOf(second)]);

        expect((await stored(first)).lockedAt ?? null).toBeNull();
        expect((await stored(second)).lockedAt ?? null).toBeNull();
        expect((await stored(untouched)).lockedAt).toBeInstanceOf(Date);
      });

      it('does nothing for an empty list', async () => {
        const saved = await save(dueJob('send-reply'));
        await setState(saved, { lockedAt: new Date() });

        await repository.unlockJobs([]);

        expect((await stored(saved)).lockedAt).toBeInstanceOf(Date);
      });

      // Agenda.stop() passes every job it holds, running ones included. A running one-off job (nextRunAt
      // null) that lost its lock could never be claimed again; keeping the lock lets it come back once the
      // lock expires if the process dies (the Mongo backend filters on nextRunAt != null here too).
      it('keeps the lock of a running one-off job (nextRunAt null) so it can be recovered after a crash', async () => {
        const saved = await save(dueJob('send-reply'));
        const lockedAt = secondsAgo(1);
        await setState(saved, { lockedAt, lastRunAt: lockedAt, nextRunAt: null });

        await repository.unlockJobs([idOf(saved)]);

        expect((await stored(saved)).lockedAt).toEqual(lockedAt);
      });
    });

    describe('getNextJobToRun', () => {
      it('returns a due job, locked in storage, with dates as Date and data parsed', async () => {
        const saved = await save(dueJob('send-reply', { data: { replyId: 'r1' } }));
        const before = Date.now();

        const claimed = await claimNext(repository, 'send-reply');

        expect(String(claimed?._id)).toBe(idOf(saved));
        expect(claimed).toMatchObject({ name: 'send-reply', data: { replyId: 'r1' }, nextRunAt: saved.nextRunAt });
        expect(claimed!.lockedAt).toBeInstanceOf(Date);
        expect(Math.abs(claimed!.lockedAt!.getTime() - before)).toBeLessThan(5_000);
        expect((await stored(saved)).lockedAt).toBeInstanceOf(Date);
      });

      it('returns undefined when nothing is due before nextScanAt', async () => {
        await save(newJob('send-reply', { nextRunAt: minutesFromNow(1) }));

        expect(await claimNext(repository, 'send-reply')).toBeUndefined();
      });

      it('returns a job that falls due before nextScanAt, not yet due now (Agenda starts it by timer)', async () => {
        const saved = await save(newJob('send-reply', { nextRunAt: new Date(Date.now() + 2_000) }));

        expect(String((await claimNext(repository, 'send-reply'))?._id)).toBe(idOf(saved));
      });

      it('returns only jobs of the requested name', async () => {
        await save(dueJob('auto-release'));

        expect(await claimNext(repository, 'send-reply')).toBeUndefined();
        expect((await claimNext(repository, 'auto-release'))?.name).toBe('auto-release');
      });

      it('never returns a disabled job', async () => {
        await save(dueJob('send-reply', { disabled: true }));
        const crashed = await save(dueJob('send-reply', { disabled: true }));
        await setState(crashed, { lockedAt: minutesFromNow(-30), nextRunAt: null });

        expect(await claimNext(repository, 'send-reply')).toBeUndefined();
      });

      it('never returns a job without nextRunAt and without a lock (a finished one-off job)', async () => {
        const finished = await save(dueJob('send-reply'));
        await setState(finished, { lastFinishedAt: new Date(), nextRunAt: null });

        expect(await claimNext(repository, 'send-reply')).toBeUndefined();
      });

      it('never returns a job whose lock is still live (lockedAt after lockDeadline)', async () => {
        const waiting = await save(dueJob('send-reply'));
        await setState(waiting, { lockedAt: minutesFromNow(-1) });
        const running = await save(dueJob('send-reply'));
        await setState(running, { lockedAt: minutesFromNow(-1), lastRunAt: minutesFromNow(-1), nextRunAt: null });

        expect(await claimNext(repository, 'send-reply', { lockLifetimeMs: 10 * 60_000 })).toBeUndefined();
      });

      it('returns a job whose lock expired even though its nextRunAt is null (a one-off job whose worker crashed), and locks it anew', async () => {
        const crashed = await save(dueJob('send-reply'));
        const staleLock = minutesFromNow(-20);
        await setState(crashed, { lockedAt: staleLock, lastRunAt: staleLock, nextRunAt: null });

        const reclaimed = await claimNext(repository, 'send-reply', { lockLifetimeMs: 10 * 60_000 });

        expect(String(reclaimed?._id)).toBe(idOf(crashed));
        expect(reclaimed!.lockedAt!.getTime()).toBeGreaterThan(staleLock.getTime());
        expect((await stored(crashed)).lockedAt!.getTime()).toBeGreaterThan(Date.now() - 10 * 60_000);
        expect(await claimNext(repository, 'send-reply', { lockLifetimeMs: 10 * 60_000 })).toBeUndefined();
      });

      it('returns a due job whose lock expired (a claim that was never run)', async () => {
        const abandoned = await save(dueJob('send-reply'));
        await setState(abandoned, { lockedAt: minutesFromNow(-20) });

        expect(String((await claimNext(repository, 'send-reply', { lockLifetimeMs: 10 * 60_000 }))?._id)).toBe(idOf(abandoned));
      });

      it('among jobs due at the same time returns the highest priority first', async () => {
        const dueAt = minutesFromNow(-1);
        for (const priority of [0, 10, -10, 5]) await save(newJob('send-reply', { priority, nextRunAt: dueAt, data: { priority } }));

        const order = await claimAll(repository, 'send-reply');

        expect(order.map((job) => job.priority)).toEqual([10, 5, 0, -10]);
      });

      it('among jobs of equal priority returns the earliest nextRunAt first', async () => {
        for (const minutesAgo of [2, 5, 1, 3]) await save(newJob('send-reply', { nextRunAt: minutesFromNow(-minutesAgo), data: { minutesAgo } }));

        const order = await claimAll(repository, 'send-reply');

        expect(order.map((job) => (job.data as { minutesAgo: number }).minutesAgo)).toEqual([5, 3, 2, 1]);
      });

      it('hands out each job once, then undefined', async () => {
        for (let index = 0; index < 3; index++) await save(dueJob('send-reply', { data: { index } }));

        const handedOut = await claimAll(repository, 'send-reply');

        expect(new Set(handedOut.map(idOf)).size).toBe(3);
        expect(await claimNext(repository, 'send-reply')).toBeUndefined();
      });

      it('hands out only jobs whose lock is live at the time of the call, also when claimed by an earlier call', async () => {
        for (let index = 0; index < 3; index++) await save(newJob('send-reply', { nextRunAt: minutesFromNow(-60), data: { index } }));
        const earlier = Date.now() - 20 * 60_000;
        await claimNext(repository, 'send-reply', { now: new Date(earlier), lockLifetimeMs: 10 * 60_000 });

        const lockDeadline = Date.now() - 10 * 60_000;
        const later = await claimNext(repository, 'send-reply', { lockLifetimeMs: 10 * 60_000 });

        expect(later).toBeDefined();
        expect(later!.lockedAt!.getTime()).toBeGreaterThan(lockDeadline);
        expect((await stored(later!)).lockedAt!.getTime()).toBeGreaterThan(lockDeadline);
      });

      it('hands out every one of 50 due jobs exactly once to 20 concurrent callers', async () => {
        const ids = await saveDueJobs(50);

        const handedOut = await claimConcurrently([repository], 'send-reply', 20);

        expect(handedOut).toHaveLength(50);
        expect(new Set(handedOut)).toEqual(new Set(ids));
      });

      it('hands out every one of 50 due jobs exactly once across two repository instances (two workers)', async () => {
        const ids = await saveDueJobs(50);
        const secondWorker = await createRepository();
        try {
          await secondWorker.repository.connect();

          const handedOut = await claimConcurrently([repository, secondWorker.repository], 'send-reply', 10);

          expect(handedOut).toHaveLength(50);
          expect(new Set(handedOut)).toEqual(new Set(ids));
        } finally {
          await secondWorker.cleanup();
        }
      });

      async function saveDueJobs(count: number): Promise<string[]> {
        const dueAt = minutesFromNow(-1);
        const ids: string[] = [];
        for (let index = 0; index < count; index++) ids.push(idOf(await save(newJob('send-reply', { nextRunAt: dueAt, data: { index } }))));
        return ids;
      }
    });

    describe('disableJobs / enableJobs', () => {
      it('disableJobs returns the count and the disabled jobs are no longer handed out', async () => {
        await save(dueJob('send-reply'));
        await save(dueJob('send-reply'));
        const other = await save(dueJob('auto-release'));

        expect(await repository.disableJobs({ name: 'send-reply' })).toBe(2);

        expect(await claimNext(repository, 'send-reply')).toBeUndefined();
        expect((await repository.queryJobs({ includeDisabled: false })).jobs.map((job) => String(job._id))).toEqual([idOf(other)]);
      });

      it('disableJobs by data matches field values exactly (conversation 1 is not 12)', async () => {
        await save(dueJob('send-reply', { data: { conversationId: 1 } }));
        await save(dueJob('send-reply', { data: { conversationId: 12 } }));

        expect(await repository.disableJobs({ data: { conversationId: 1 } })).toBe(1);
        expect((await repository.queryJobs({ includeDisabled: false })).jobs.map((job) => job.data)).toEqual([{ conversationId: 12 }]);
      });

      it('enableJobs returns the count and the jobs are handed out again', async () => {
        const first = await save(dueJob('send-reply', { disabled: true }));
        const second = await save(dueJob('send-reply', { disabled: true }));

        expect(await repository.enableJobs({ ids: [idOf(first), idOf(second)] })).toBe(2);

        expect((await stored(first)).disabled).toBeFalsy();
        expect((await claimAll(repository, 'send-reply')).map(idOf).sort()).toEqual([idOf(first), idOf(second)].sort());
      });

      it('change nothing and return 0 without criteria', async () => {
        const saved = await save(dueJob('send-reply'));

        expect(await repository.disableJobs({})).toBe(0);
        expect((await stored(saved)).disabled).toBeFalsy();
        await repository.disableJobs({ id: idOf(saved) });
        expect(await repository.enableJobs({})).toBe(0);
        expect((await stored(saved)).disabled).toBe(true);
      });
    });

    describe('purgeAllJobs', () => {
      it('removes every job and returns the count', async () => {
        await save(dueJob('send-reply'));
        await save(newJob('nightly-digest', { type: 'single', nextRunAt: minutesFromNow(60) }));
        await save(dueJob('auto-release', { disabled: true }));

        expect(await repository.purgeAllJobs()).toBe(3);
        expect((await repository.queryJobs()).total).toBe(0);
        expect(await repository.purgeAllJobs()).toBe(0);
      });
    });
  });
}

// ---- builders and claim helpers -------------------------------------------------------------

/** JobParameters as Agenda builds them for `agenda.create(name, data)`: priority 0, type normal. */
function newJob(name: string, overrides: Partial<JobParameters> = {}): JobParameters {
  return { name, priority: 0, nextRunAt: new Date(), type: 'normal', data: {}, ...overrides };
}

/** A job that fell due a minute ago. */
function dueJob(name: string, overrides: Partial<JobParameters> = {}): JobParameters {
  return newJob(name, { nextRunAt: minutesFromNow(-1), ...overrides });
}

function minutesFromNow(minutes: number): Date {
  return new Date(Date.now() + minutes * 60_000);
}

function secondsAgo(seconds: number): Date {
  return new Date(Date.now() - seconds * 1_000);
}

function idOf(job: JobParameters): string {
  if (job._id === undefined || job._id === null) throw new Error(`job ${job.name} has no _id`);
  return String(job._id);
}

interface ClaimOptions {
  /** The `now` argument; Agenda passes undefined. */
  now?: Date;
  /** Agenda's lockLifetime: the lock deadline is `now - lockLifetimeMs` (default 10 minutes). */
  lockLifetimeMs?: number;
  /** Agenda's processEvery: the scan window is `now + processEveryMs` (default 5 s). */
  processEveryMs?: number;
}

/** One call the way JobProcessor.findAndLockNextJob makes it. */
function claimNext(repository: JobRepository, name: string, options: ClaimOptions = {}): Promise<JobParameters | undefined> {
  const reference = options.now?.getTime() ?? Date.now();
  const nextScanAt = new Date(reference + (options.processEveryMs ?? 5_000));
  const lockDeadline = new Date(reference - (options.lockLifetimeMs ?? 10 * 60_000));
  return repository.getNextJobToRun(name, nextScanAt, lockDeadline, options.now, undefined);
}

/** Claims one after another, as Agenda's serial fill chain does, until nothing comes back. */
async function claimAll(repository: JobRepository, name: string): Promise<JobParameters[]> {
  const claimed: JobParameters[] = [];
  for (let job = await claimNext(repository, name); job; job = await claimNext(repository, name)) claimed.push(job);
  return claimed;
}

/** Runs `callersPerRepository` claim loops on each repository at once; returns every id handed out. */
async function claimConcurrently(repositories: JobRepository[], name: string, callersPerRepository: number): Promise<string[]> {
  const handedOut: string[] = [];
  const callers = repositories.flatMap((repository) =>
    Array.from({ length: callersPerRepository }, async () => {
      for (const job of await claimAll(repository, name)) handedOut.push(idOf(job));
    }),
  );
  await Promise.all(callers);
  return handedOut;
}
