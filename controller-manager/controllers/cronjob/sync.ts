/** syncCronJob (k/k pkg/controller/cronjob/cronjob_controllerv2.go). */
import type { CronJob, CronJobStatus, Job } from 'kubernetes-types/batch/v1.js';
import type { ObjectReference } from 'kubernetes-types/core/v1.js';
import { isKnownTimeZone, parseSchedule, type Schedule } from '../../../api/cron.js';
import { isApiError } from '../../../api/errors.js';
import { deepEqual } from '../../../api/validation/util.js';
import type { EventRecorder } from '../../../client/events.js';
import type { Lister } from '../../../client/lister.js';
import type { RestClient } from '../../../client/rest.js';
import { splitKey } from '../../../client/types.js';
import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/logger.js';
import { errorMessage } from '../util/errors.js';
import { mutableCopy, typed } from '../util/kinds.js';
import { CONTROLLER_UID_INDEX, newControllerRef } from '../util/owner.js';
import { rfc3339 } from '../util/time.js';
import { conditionTrue, isFinished } from '../job/conditions.js';
import { JOBS } from '../job/resources.js';
import { formatInZone, jobNameFor, MANY_MISSED, scheduleDecision } from './schedule.js';
import { CRONJOBS } from './resources.js';

export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

export interface CronJobSyncDeps {
  rest: RestClient;
  cronJobLister: Lister<CronJob>;
  jobLister: Lister<Job>;
  recorder: EventRecorder;
  clock: Clock;
  log: Logger;
  enqueueAfter(key: string, ms: number): void;
}

const asCronJob = (cj: CronJob): CronJob => typed(cj, 'batch/v1', 'CronJob');

function refTo(job: Job): ObjectReference {
  return { apiVersion: 'batch/v1', kind: 'Job', namespace: job.metadata?.namespace, name: job.metadata?.name, uid: job.metadata?.uid, resourceVersion: job.metadata?.resourceVersion };
}

function finishedType(job: Job): 'Complete' | 'Failed' | undefined {
  if (conditionTrue(job, 'Complete')) return 'Complete';
  if (conditionTrue(job, 'Failed')) return 'Failed';
  return undefined;
}

export async function syncCronJob(d: CronJobSyncDeps, key: string): Promise<void> {
  const { namespace, name } = splitKey(key);
  const cached = d.cronJobLister.get(namespace, name);
  if (!cached) return;
  const cj = asCronJob(cached);
  const ns = namespace ?? '';
  const now = new Date(d.clock.now());
  const jobs = d.jobLister.byIndex(CONTROLLER_UID_INDEX, cj.metadata?.uid ?? '').filter((j) => j.metadata?.namespace === ns);
  const status: CronJobStatus = mutableCopy(cj.status ?? {});
  const active = new Map((status.active ?? []).map((r) => [r.uid ?? '', r]));

  // 1. the active list follows the Jobs: finished ones leave it, running ones it lost come back
  for (const job of jobs) {
    const uid = job.metadata?.uid ?? '';
    const done = finishedType(job);
    if (!done && !active.has(uid)) active.set(uid, refTo(job));
    if (done && active.has(uid)) {
      active.delete(uid);
      d.recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${job.metadata?.name ?? ''}, condition: ${done}`);
    }
    if (done === 'Complete') {
      const at = job.status?.completionTime;
      if (at && (!status.lastSuccessfulTime || Date.parse(at) > Date.parse(status.lastSuccessfulTime))) status.lastSuccessfulTime = at;
    }
  }
  const known = new Set(jobs.map((j) => j.metadata?.uid ?? ''));
  for (const [uid, ref] of [...active]) {
    if (known.has(uid)) continue;
    // not in the cache: gone, or too new for the cache; ask the API
    try {
      const j = await d.rest.get<Job>(JOBS, ns, ref.name ?? '');
      if (j.metadata?.uid === uid && !isFinished(j)) continue;
    } catch (e) {
      if (!isApiError(e, 'NotFound')) throw e;
      d.recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name ?? ''}`);
    }
    active.delete(uid);
  }
  status.active = [...active.values()];

  const finishStatus = async (): Promise<void> => {
    await writeStatus(d, cj, status);
  };
  if (cj.metadata?.deletionTimestamp) return finishStatus();

  // 2. history limits
  await cleanupFinished(d, cj, jobs);

  if (cj.spec?.suspend === true) return finishStatus();
  const tz = cj.spec?.timeZone ?? undefined;
  if (tz && !isKnownTimeZone(tz)) {
    d.recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: "${tz}": unknown time zone ${tz}`);
    return finishStatus();
  }
  let schedule: Schedule;
  try {
    schedule = parseSchedule(cj.spec?.schedule ?? '', tz);
  } catch (e) {
    d.recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: "${cj.spec?.schedule ?? ''}" : ${errorMessage(e)}`);
    return finishStatus();
  }

  // 3. the most recent scheduled time, if it is due and not run yet
  const decision = scheduleDecision(cj, schedule, now);
  const requeue = (): void => d.enqueueAfter(key, Math.max(0, decision.next.getTime() - now.getTime()) + 100);
  const scheduled = decision.mostRecent;
  if (!scheduled) {
    requeue();
    return finishStatus();
  }
  if (decision.missed > MANY_MISSED) {
    d.recorder.event(cj, 'Warning', 'TooManyMissedTimes', `too many missed start times: ${decision.missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`);
  }
  const deadline = cj.spec?.startingDeadlineSeconds;
  if (deadline !== undefined && deadline !== null && scheduled.getTime() + deadline * 1000 < now.getTime()) {
    d.recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${formatInZone(scheduled, tz)}`);
    requeue();
    return finishStatus();
  }
  const jobName = jobNameFor(cj.metadata?.name ?? '', scheduled);
  const alreadyRan = status.lastScheduleTime && Date.parse(status.lastScheduleTime) >= scheduled.getTime();
  if (alreadyRan || status.active.some((r) => r.name === jobName)) {
    requeue();
    return finishStatus();
  }
  const policy = cj.spec?.concurrencyPolicy ?? 'Allow';
  if (policy === 'Forbid' && status.active.length > 0) {
    d.recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
    requeue();
    return finishStatus();
  }
  if (policy === 'Replace') {
    for (const ref of status.active) {
      try {
        await d.rest.delete(JOBS, ns, ref.name ?? '', { propagationPolicy: 'Background' });
        d.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${ref.name ?? ''}`);
      } catch (e) {
        if (!isApiError(e, 'NotFound')) {
          d.recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${errorMessage(e)}`);
          throw e;
        }
      }
    }
    status.active = [];
  }

  // 4. the Job for this scheduled time
  const created = await createJob(d, cj, jobName, scheduled, tz);
  if (created) status.active = [...status.active, refTo(created)];
  status.lastScheduleTime = rfc3339(scheduled.getTime());
  requeue();
  return finishStatus();
}

/** getJobFromTemplate2: the template's labels, annotations and spec, owned by the CronJob. */
async function createJob(d: CronJobSyncDeps, cj: CronJob, name: string, scheduled: Date, tz: string | undefined): Promise<Job | undefined> {
  const ns = cj.metadata?.namespace ?? '';
  const template = cj.spec?.jobTemplate;
  const job: Job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: ns,
      labels: { ...(template?.metadata?.labels ?? {}) },
      annotations: { ...(template?.metadata?.annotations ?? {}), [SCHEDULED_TIMESTAMP_ANNOTATION]: formatInZone(scheduled, tz) },
      ownerReferences: [newControllerRef(cj, 'batch/v1', 'CronJob')],
    },
    spec: mutableCopy(template?.spec ?? { template: {} }),
  };
  try {
    const out = await d.rest.create<Job>(JOBS, ns, job);
    d.recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${name}`);
    return out;
  } catch (e) {
    if (isApiError(e, 'AlreadyExists')) {
      // created by an earlier sync whose status write was lost: adopt it if it is ours
      const existing = await d.rest.get<Job>(JOBS, ns, name);
      const ours = existing.metadata?.ownerReferences?.some((r) => r.controller && r.uid === cj.metadata?.uid);
      return ours && !isFinished(existing) ? existing : undefined;
    }
    d.recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${errorMessage(e)}`);
    throw e;
  }
}

/** cleanupFinishedJobs: keeps the newest successfulJobsHistoryLimit / failedJobsHistoryLimit finished Jobs. */
async function cleanupFinished(d: CronJobSyncDeps, cj: CronJob, jobs: readonly Job[]): Promise<void> {
  const limits = { Complete: cj.spec?.successfulJobsHistoryLimit, Failed: cj.spec?.failedJobsHistoryLimit };
  for (const type of ['Complete', 'Failed'] as const) {
    const limit = limits[type];
    if (limit === undefined || limit === null) continue;
    const done = jobs.filter((j) => finishedType(j) === type && !j.metadata?.deletionTimestamp);
    if (done.length <= limit) continue;
    const startOf = (j: Job) => Date.parse(j.status?.startTime ?? j.metadata?.creationTimestamp ?? '') || 0;
    done.sort((a, b) => startOf(a) - startOf(b));
    for (const j of done.slice(0, done.length - limit)) {
      try {
        await d.rest.delete(JOBS, j.metadata?.namespace, j.metadata?.name ?? '', { propagationPolicy: 'Background' });
        d.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata?.name ?? ''}`);
      } catch (e) {
        if (!isApiError(e, 'NotFound')) d.recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${errorMessage(e)}`);
      }
    }
  }
}

async function writeStatus(d: CronJobSyncDeps, cj: CronJob, status: CronJobStatus): Promise<void> {
  const clean: CronJobStatus = { ...status };
  if (!clean.active?.length) delete clean.active;
  if (deepEqual(cj.status ?? {}, clean)) return;
  const next = mutableCopy(cj);
  next.status = clean;
  await d.rest.updateStatus(CRONJOBS, cj.metadata?.namespace, next);
}
