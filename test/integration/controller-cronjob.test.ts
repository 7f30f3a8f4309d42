/**
 * The CronJob controller against a real api-server + etcd, on a manual clock (schedules are minutes apart):
 * a Job per scheduled time named `<cronjob>-<minutes>`, status.active / lastScheduleTime / lastSuccessfulTime,
 * concurrencyPolicy Forbid and Replace, the history limit, suspend, and validation of schedules.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import type { Event } from 'kubernetes-types/core/v1.js';
import { ApiError } from '../../api/errors.js';
import { requireResource } from '../../api/resources.js';
import { RestClient } from '../../client/rest.js';
import { FakeClock } from '../../common/clock.js';
import type { ControllerManager } from '../../controller-manager/manager.js';
import { startTestManager } from '../../controller-manager/testing.js';
import { startTestCluster, type TestCluster } from '../support/api-server.js';

const NAMESPACES = requireResource('', 'v1', 'namespaces');
const CRONJOBS = requireResource('batch', 'v1', 'cronjobs');
const JOBS = requireResource('batch', 'v1', 'jobs');
const EVENTS = requireResource('', 'v1', 'events');
const NS = 'cronjob-it';
const FIVE_MIN = 5 * 60_000;

function cronJob(name: string, spec: Partial<NonNullable<CronJob['spec']>> = {}): CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: NS },
    spec: {
      schedule: '*/5 * * * *',
      jobTemplate: { metadata: { labels: { team: 'a' } }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'img:1' }] } } } },
      ...spec,
    },
  };
}

describe('cronjob controller against a real api-server (manual clock)', () => {
  let c: TestCluster;
  let rest: RestClient;
  let manager: ControllerManager;
  const clock = new FakeClock(Date.now());

  /** Polls cond, letting the manual clock run timers (event batching, queue delays) between tries. */
  const until = async (cond: () => Promise<boolean>, what: string): Promise<void> => {
    const deadline = Date.now() + 20_000;
    while (!(await cond())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await clock.advance(10);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  /** Moves the clock to `s` seconds after the next multiple of five minutes. */
  const toNextSlot = async (s = 1): Promise<number> => {
    const slot = Math.floor(clock.now() / FIVE_MIN) * FIVE_MIN + FIVE_MIN;
    await clock.advanceTo(slot + s * 1000);
    return slot;
  };
  const jobsOf = async (name: string): Promise<Job[]> => (await rest.list<Job>(JOBS, NS)).items.filter((j) => j.metadata?.ownerReferences?.[0]?.name === name && !j.metadata.deletionTimestamp);
  const getCJ = (name: string): Promise<CronJob> => rest.get<CronJob>(CRONJOBS, NS, name);
  const complete = async (j: Job): Promise<void> => {
    const now = new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const cur = await rest.get<Job>(JOBS, NS, j.metadata?.name ?? '');
    await rest.updateStatus(JOBS, NS, { ...cur, status: { startTime: now, completionTime: now, succeeded: 1, conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }, { type: 'Complete', status: 'True' }] } });
  };
  const events = async (name: string, reason: string): Promise<Event[]> => (await rest.list<Event>(EVENTS, NS)).items.filter((e) => e.involvedObject.name === name && e.reason === reason);

  before(async () => {
    c = await startTestCluster();
    rest = new RestClient({ server: c.url, timeoutMs: 10_000 });
    await rest.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    manager = await startTestManager(c.url, { controllers: ['cronjob'], clock });
  });

  after(async () => {
    await manager?.close();
    rest?.close();
    await c?.stop();
  });

  test('validation: schedule, time zone, name length, jobTemplate selector', async () => {
    const bad = async (cj: CronJob, re: RegExp): Promise<void> => {
      await assert.rejects(rest.create(CRONJOBS, NS, cj), (e: unknown) => e instanceof ApiError && e.code === 422 && re.test(e.message));
    };
    await bad(cronJob('fields', { schedule: '* * * *' }), /spec\.schedule: Invalid value: "\* \* \* \*": expected exactly 5 fields, found 4: \[\* \* \* \*\]/);
    await bad(cronJob('tz', { schedule: 'TZ=UTC 0 * * * *' }), /cannot use TZ or CRON_TZ in schedule, use timeZone field instead/);
    await bad(cronJob('zone', { timeZone: 'Mars/Olympus' }), /spec\.timeZone: Invalid value: "Mars\/Olympus": unknown time zone Mars\/Olympus/);
    await bad(cronJob('x'.repeat(53)), /metadata\.name: Invalid value: "x{53}": must be no more than 52 characters/);
    const sel = cronJob('sel');
    sel.spec!.jobTemplate.spec!.selector = { matchLabels: { a: 'b' } };
    await bad(sel, /spec\.jobTemplate\.spec\.selector: Invalid value: .*`selector` will be auto-generated/);
    const ok = await rest.create<CronJob>(CRONJOBS, NS, cronJob('defaults', { suspend: true }));
    assert.deepEqual([ok.spec?.concurrencyPolicy, ok.spec?.suspend, ok.spec?.successfulJobsHistoryLimit, ok.spec?.failedJobsHistoryLimit], ['Allow', true, 3, 1]);
  });

  test('a Job per scheduled time; Forbid skips while one runs; the history limit removes old ones', async () => {
    await rest.create<CronJob>(CRONJOBS, NS, cronJob('tick', { concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 1 }));
    const slot = await toNextSlot();
    await until(async () => (await jobsOf('tick')).length === 1, 'the first Job');
    const [first] = await jobsOf('tick');
    const cj = await getCJ('tick');
    assert.equal(first.metadata?.name, `tick-${slot / 60_000}`);
    assert.equal(first.metadata?.labels?.team, 'a');
    assert.equal(first.metadata?.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], new Date(slot).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    assert.deepEqual(first.metadata?.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'tick', uid: cj.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    await until(async () => (await getCJ('tick')).status?.active?.[0]?.name === first.metadata?.name, 'status.active');
    assert.equal((await getCJ('tick')).status?.lastScheduleTime, new Date(slot).toISOString().replace(/\.\d{3}Z$/, 'Z'));

    // Forbid: the next slot passes while the first Job still runs
    const slot2 = await toNextSlot();
    await until(async () => (await events('tick', 'JobAlreadyActive')).length > 0, 'JobAlreadyActive');
    assert.equal((await jobsOf('tick')).length, 1);

    // once it finishes, the skipped run starts (late, as upstream: no startingDeadlineSeconds)
    await complete(first);
    const second = `tick-${slot2 / 60_000}`;
    await until(async () => (await getCJ('tick')).status?.active?.map((r) => r.name).join() === second, 'the skipped run to start');
    assert.ok((await getCJ('tick')).status?.lastSuccessfulTime, 'lastSuccessfulTime');
    await until(async () => (await events('tick', 'SawCompletedJob')).some((e) => e.message === `Saw completed job: ${first.metadata?.name ?? ''}, condition: Complete`), 'SawCompletedJob');

    // successfulJobsHistoryLimit 1: once the second finishes, the first goes
    await complete((await jobsOf('tick')).find((j) => j.metadata?.name === second)!);
    await until(async () => (await jobsOf('tick')).map((j) => j.metadata?.name).join() === second, 'only the newest finished Job kept');
    await until(async () => !(await getCJ('tick')).status?.active?.length, 'status.active empty');
    await rest.delete(CRONJOBS, NS, 'tick');
  });

  test('Replace deletes the running Job for the new one; suspend stops scheduling', async () => {
    await rest.create<CronJob>(CRONJOBS, NS, cronJob('swap', { concurrencyPolicy: 'Replace' }));
    await toNextSlot();
    await until(async () => (await jobsOf('swap')).length === 1, 'the first Job');
    const [first] = await jobsOf('swap');
    const b = await toNextSlot();
    await until(async () => (await jobsOf('swap')).map((j) => j.metadata?.name).join() === `swap-${b / 60_000}`, 'the second Job replacing the first');
    await until(async () => (await events('swap', 'SuccessfulDelete')).some((e) => e.message === `Deleted job ${first.metadata?.name ?? ''}`), 'the SuccessfulDelete event of the replaced Job');
    await rest.patch(CRONJOBS, NS, 'swap', 'merge', { spec: { suspend: true } });
    await until(async () => (await getCJ('swap')).spec?.suspend === true, 'suspend');
    await toNextSlot();
    await clock.advance(1000);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual((await jobsOf('swap')).map((j) => j.metadata?.name), [`swap-${b / 60_000}`], 'no Job while suspended');
  });
});
