/** syncJob (k/k pkg/controller/job/job_controller.go), for NonIndexed and Indexed Jobs. */
import type { Job, JobCondition, JobStatus } from 'kubernetes-types/batch/v1.js';
import type { Pod, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { isApiError } from '../../../api/errors.js';
import type { EventRecorder } from '../../../client/events.js';
import type { Lister } from '../../../client/lister.js';
import type { RestClient } from '../../../client/rest.js';
import { splitKey } from '../../../client/types.js';
import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/logger.js';
import { claimChildren } from '../util/claim.js';
import type { ControllerExpectations } from '../util/expectations.js';
import { asError, hasStatusCause, NAMESPACE_TERMINATING_CAUSE } from '../util/errors.js';
import { mutableCopy, typed } from '../util/kinds.js';
import { CONTROLLER_UID_OR_ORPHAN_INDEX, newControllerRef } from '../util/owner.js';
import { PODS, type PodControl } from '../util/pod-control.js';
import { isPodActive, isPodReady, podKey } from '../util/pods.js';
import { tryLabelSelector } from '../util/selectors.js';
import { rfc3339 } from '../util/time.js';
import { deepEqual } from '../../../api/validation/util.js';
import { slowStartBatch, SLOW_START_INITIAL_BATCH_SIZE } from '../replicaset/slow-start.js';
import { podsToDelete } from '../replicaset/rank.js';
import {
  BACKOFF_LIMIT_EXCEEDED,
  COMPLETIONS_REACHED,
  conditionTrue,
  conditionTypes,
  DEADLINE_EXCEEDED,
  isFinished,
  recordedVerdict,
  setCondition,
  type Verdict,
} from './conditions.js';
import { formatIndexes, indexedTemplate, parseIndexes, planIndexed, podIndex } from './indexed.js';
import { hasTrackingFinalizer, isPodTerminating, JOB_TRACKING_FINALIZER, podRestarts } from './pods.js';
import { collectFinished, flushUncounted, removeFinalizers, uncountedOf, uncountedStatus, type FinalizerRemovals } from './tracking.js';
import { JOBS } from './resources.js';

export interface JobBackoff {
  /** delay before replacing a failed pod after `failures` failures in a row */
  delayMs(failures: number): number;
}

export interface JobSyncDeps {
  rest: RestClient;
  jobLister: Lister<Job>;
  podLister: Lister<Pod>;
  expectations: ControllerExpectations;
  finalizerRemovals: FinalizerRemovals;
  /** per Job uid: failures since the last success and when the last one was counted */
  failures: Map<string, { count: number; at: number }>;
  backoff: JobBackoff;
  podControl: PodControl;
  recorder: EventRecorder;
  clock: Clock;
  log: Logger;
  enqueueAfter(key: string, ms: number): void;
}

const asJob = (j: Job): Job => typed(j, 'batch/v1', 'Job');

export async function syncJob(d: JobSyncDeps, key: string): Promise<void> {
  const { namespace, name } = splitKey(key);
  const cached = d.jobLister.get(namespace, name);
  if (!cached) {
    d.expectations.delete(key);
    return;
  }
  const job = asJob(cached);
  // a Job another controller manages (spec.managedBy) is left alone
  const managedBy = job.spec?.managedBy;
  if (managedBy !== undefined && managedBy !== null && managedBy !== 'kubernetes.io/job-controller') return;
  const uid = job.metadata?.uid ?? '';
  const needsSync = d.expectations.satisfied(key);
  const pods = await claimPods(d, job);
  const inFlight = d.finalizerRemovals.pending(uid);
  const finished = isFinished(job);

  // 1. count finished pods exactly once (record → remove finalizer → count)
  const u = uncountedOf(job);
  const before = u.succeeded.size + u.failed.size;
  // pods deleted because the Job succeeded are not failures
  const succeeding = conditionTrue(job, 'Complete') || recordedVerdict(job)?.kind === 'success';
  const { release, failJob } = collectFinished(job, pods, u, inFlight, finished, succeeding);
  // Indexed: the indexes of succeeded pods are written together with their uids, before a finalizer goes
  const indexed = job.spec?.completionMode === 'Indexed';
  const completions = job.spec?.completions ?? 0;
  const completed = parseIndexes(job.status?.completedIndexes);
  if (indexed) {
    for (const p of pods) {
      const i = p.status?.phase === 'Succeeded' ? podIndex(p, completions) : undefined;
      if (i !== undefined) completed.add(i);
    }
  }
  const indexStatus = (s: JobStatus): JobStatus => (indexed ? { ...s, completedIndexes: formatIndexes(completed) || undefined, succeeded: completed.size } : s);
  let cur = job;
  // a FailJob rule's verdict is written with the pod that matched it, so it survives the pod's finalizer
  const policyVerdict = failJob && !finished && !recordedVerdict(job) ? { kind: 'failure' as const, reason: 'PodFailurePolicy', message: failJob.message } : undefined;
  if (u.succeeded.size + u.failed.size > before || policyVerdict) {
    const next: JobStatus = indexStatus({ ...(cur.status ?? {}), uncountedTerminatedPods: uncountedStatus(u) });
    if (policyVerdict) {
      const conditions = mutableCopy(cur.status?.conditions ?? []);
      setCondition(conditions, 'FailureTarget', 'True', policyVerdict.reason, policyVerdict.message, rfc3339(d.clock.now()));
      next.conditions = conditions;
    }
    cur = await writeStatus(d, cur, next);
  }
  const { removed, error: removeError } = await removeFinalizers(d.rest, release);
  for (const r of removed) d.finalizerRemovals.pending(uid).add(r);
  const moved = flushUncounted(u, pods, removed);
  const status: JobStatus & { conditions: JobCondition[] } = {
    ...mutableCopy(cur.status ?? {}),
    conditions: mutableCopy(cur.status?.conditions ?? []),
    succeeded: (cur.status?.succeeded ?? 0) + moved.succeeded,
    failed: (cur.status?.failed ?? 0) + moved.failed,
    uncountedTerminatedPods: uncountedStatus(u),
    ...(indexed ? { completedIndexes: formatIndexes(completed) || undefined, succeeded: completed.size } : {}),
  };
  if (!status.uncountedTerminatedPods) delete status.uncountedTerminatedPods;
  const nowMs = d.clock.now();
  const now = rfc3339(nowMs);
  if (moved.failed > 0) {
    const f = d.failures.get(uid);
    d.failures.set(uid, { count: (f?.count ?? 0) + moved.failed, at: nowMs });
  } else if (moved.succeeded > 0) d.failures.delete(uid);

  if (finished) {
    await writeStatus(d, cur, status);
    if (removeError !== undefined) throw asError(removeError);
    return;
  }

  const active = pods.filter(isPodActive);
  const terminating = pods.filter(isPodTerminating).length;
  // an Indexed Job counts completed indexes, which already include the pods not counted yet
  const succeeded = indexed ? completed.size : (status.succeeded ?? 0) + u.succeeded.size;
  const failed = (status.failed ?? 0) + u.failed.size;
  const spec = job.spec ?? { template: {} };
  const suspended = spec.suspend === true;

  // events of a status change go out once it is written (a sync on a stale cache may redo the change and fail)
  const events: [type: 'Normal' | 'Warning', reason: string, message: string][] = [];
  // 2. suspension and start time
  if (suspended) {
    if (setCondition(status.conditions, 'Suspended', 'True', 'JobSuspended', 'Job suspended', now)) events.push(['Normal', 'Suspended', 'Job suspended']);
  } else if (conditionTrue(job, 'Suspended')) {
    setCondition(status.conditions, 'Suspended', 'False', 'JobResumed', 'Job resumed', now);
    events.push(['Normal', 'Resumed', 'Job resumed']);
    // the active deadline counts from the resume
    status.startTime = now;
  }
  if (!suspended && !status.startTime) status.startTime = now;
  const deadline = spec.activeDeadlineSeconds;
  if (!suspended && deadline !== undefined && deadline !== null && status.startTime) {
    const left = Date.parse(status.startTime) + deadline * 1000 - nowMs;
    if (left > 0) d.enqueueAfter(key, left + 10);
  }

  // 3. the verdict: once reached it stays, and the Job finishes when its last pod has terminated
  const verdict = recordedVerdict(cur) ?? judge(job, status, active, succeeded, failed, nowMs);
  let manageError: unknown;
  if (verdict) {
    const { interim, final } = conditionTypes(verdict);
    setCondition(status.conditions, interim, 'True', verdict.reason, verdict.message, now);
    if (active.length > 0) manageError = await deletePods(d, key, job, active);
    // not while creations or deletions of this controller are still unseen: the cache may miss pods
    if (needsSync && active.length === 0 && terminating === 0 && u.succeeded.size + u.failed.size === 0) {
      setCondition(status.conditions, final, 'True', verdict.reason, verdict.message, now);
      if (verdict.kind === 'success') {
        status.completionTime = now;
        events.push(['Normal', 'Completed', 'Job completed']);
      } else {
        events.push(['Warning', verdict.reason, verdict.message]);
      }
    }
  } else if (needsSync && !job.metadata?.deletionTimestamp) {
    manageError = indexed ? await manageIndexed(d, key, job, active, completed, suspended) : await manage(d, key, job, active, succeeded, suspended);
  }

  status.active = active.length;
  status.ready = active.filter(isPodReady).length;
  status.terminating = terminating;
  await writeStatus(d, cur, status);
  for (const [type, reason, message] of events) d.recorder.event(job, type, reason, message);
  if (removeError !== undefined) throw asError(removeError);
  if (manageError !== undefined) throw asError(manageError);
}

/** pastBackoffLimit / pastActiveDeadline / the success criteria, in upstream's order. */
function judge(job: Job, status: JobStatus, active: readonly Pod[], succeeded: number, failed: number, nowMs: number): Verdict | undefined {
  const spec = job.spec ?? { template: {} };
  const limit = spec.backoffLimit ?? 6;
  const restarts = spec.template?.spec?.restartPolicy === 'OnFailure' ? active.reduce((n, p) => n + podRestarts(p), 0) : 0;
  // restartPolicy OnFailure: container restarts of running pods count (upstream pastBackoffLimitOnFailure)
  const pastOnFailure = limit === 0 ? restarts > 0 : restarts >= limit;
  if (failed > limit || (spec.template?.spec?.restartPolicy === 'OnFailure' && pastOnFailure)) return BACKOFF_LIMIT_EXCEEDED;
  const deadline = spec.activeDeadlineSeconds;
  if (spec.suspend !== true && deadline !== undefined && deadline !== null && status.startTime && nowMs - Date.parse(status.startTime) >= deadline * 1000) {
    return DEADLINE_EXCEEDED;
  }
  const completions = spec.completions;
  if (completions === undefined || completions === null) return succeeded > 0 && active.length === 0 ? COMPLETIONS_REACHED : undefined;
  return succeeded >= completions ? COMPLETIONS_REACHED : undefined;
}

/** Creates or deletes pods so that min(parallelism, remaining completions) run, after the failure back-off. */
async function manage(d: JobSyncDeps, key: string, job: Job, active: Pod[], succeeded: number, suspended: boolean): Promise<unknown> {
  const spec = job.spec ?? { template: {} };
  const parallelism = spec.parallelism ?? 1;
  const completions = spec.completions;
  let want: number;
  if (suspended) want = 0;
  else if (completions === undefined || completions === null) want = succeeded > 0 ? active.length : parallelism;
  else want = Math.max(0, Math.min(parallelism, completions - succeeded));
  const diff = active.length - want;
  if (diff > 0) return deletePods(d, key, job, podsToDelete(active, active, diff, d.clock.now()), true);
  if (diff === 0) return undefined;
  if (backingOff(d, key, job)) return undefined;
  const template = trackedTemplate(spec.template);
  return createPods(d, key, job, Array.from({ length: -diff }, () => ({ template })));
}

/** Indexed: a pod for each pending index (lowest first, up to parallelism); pods of done or doubled indexes go. */
async function manageIndexed(d: JobSyncDeps, key: string, job: Job, active: Pod[], completed: ReadonlySet<number>, suspended: boolean): Promise<unknown> {
  const spec = job.spec ?? { template: {} };
  const plan = planIndexed(spec.completions ?? 0, suspended ? 0 : (spec.parallelism ?? 1), completed, active);
  if (plan.remove.length > 0) return deletePods(d, key, job, plan.remove, true);
  if (plan.create.length === 0 || backingOff(d, key, job)) return undefined;
  const name = job.metadata?.name ?? '';
  const base = trackedTemplate(spec.template);
  return createPods(d, key, job, plan.create.map((i) => ({ template: indexedTemplate(base, name, i), namePrefix: `${name}-${i}` })));
}

/** After failures, the next pod waits for the back-off; re-queues and returns true while it does. */
function backingOff(d: JobSyncDeps, key: string, job: Job): boolean {
  const f = d.failures.get(job.metadata?.uid ?? '');
  if (!f) return false;
  const wait = f.at + d.backoff.delayMs(f.count) - d.clock.now();
  if (wait <= 0) return false;
  d.enqueueAfter(key, wait);
  return true;
}

/** Creates the pods in slow-start batches, expecting each creation. */
async function createPods(d: JobSyncDeps, key: string, job: Job, pods: readonly { template: PodTemplateSpec; namePrefix?: string }[]): Promise<unknown> {
  const n = pods.length;
  d.expectations.expectCreations(key, n);
  const ref = newControllerRef(job, 'batch/v1', 'Job');
  const ns = job.metadata?.namespace ?? '';
  let next = 0;
  const { successes, error } = await slowStartBatch(n, SLOW_START_INITIAL_BATCH_SIZE, async () => {
    const p = pods[next++];
    try {
      await d.podControl.createPod(ns, p.template, job, ref, p.namePrefix);
    } catch (e) {
      if (hasStatusCause(e, NAMESPACE_TERMINATING_CAUSE)) return;
      throw e;
    }
  });
  for (let i = successes; i < n; i++) d.expectations.creationObserved(key);
  return error;
}

/** The pod template with the job-tracking finalizer. */
function trackedTemplate(template: PodTemplateSpec | undefined): PodTemplateSpec {
  const t = mutableCopy(template ?? {});
  const meta = (t.metadata ??= {});
  meta.finalizers = [...(meta.finalizers ?? []).filter((f) => f !== JOB_TRACKING_FINALIZER), JOB_TRACKING_FINALIZER];
  return t;
}

/**
 * Deletes pods. With `uncounted` (suspend, scale-down, surplus indexes) their tracking finalizer goes first, as
 * upstream's deleteJobPods: pods this controller removes are neither failures nor successes.
 */
async function deletePods(d: JobSyncDeps, key: string, job: Job, victims: readonly Pod[], uncounted = false): Promise<unknown> {
  const ns = job.metadata?.namespace ?? '';
  if (uncounted) {
    const held = victims.filter(hasTrackingFinalizer);
    const jobUid = job.metadata?.uid ?? '';
    const { removed, error } = await removeFinalizers(d.rest, held);
    for (const r of removed) d.finalizerRemovals.pending(jobUid).add(r);
    if (error !== undefined) return error;
  }
  d.expectations.expectDeletions(key, victims.map(podKey));
  const results = await Promise.allSettled(
    victims.map(async (p) => {
      try {
        await d.podControl.deletePod(ns, p.metadata?.name ?? '', job);
      } catch (e) {
        d.expectations.deletionObserved(key, podKey(p));
        if (!isApiError(e, 'NotFound')) throw e;
      }
    }),
  );
  return results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason;
}

/** getPodsForJob: its own pods and matching orphans (adopted), finished ones included. */
async function claimPods(d: JobSyncDeps, job: Job): Promise<Pod[]> {
  const uid = job.metadata?.uid ?? '';
  const ns = job.metadata?.namespace ?? '';
  const selector = tryLabelSelector(job.spec?.selector);
  if (!selector) return [];
  const candidates = [...d.podLister.byIndex(CONTROLLER_UID_OR_ORPHAN_INDEX, uid), ...d.podLister.byIndex(CONTROLLER_UID_OR_ORPHAN_INDEX, '')].filter(
    (p) => (p.metadata?.namespace ?? '') === ns,
  );
  return claimChildren(d.rest, { obj: job, resource: JOBS, apiVersion: 'batch/v1', kind: 'Job' }, PODS, candidates, selector);
}


/** PUT status unless nothing changed; returns the Job as written. */
async function writeStatus(d: JobSyncDeps, job: Job, status: JobStatus): Promise<Job> {
  const clean: JobStatus = {};
  for (const [k, v] of Object.entries(status)) if (v !== undefined && !(Array.isArray(v) && v.length === 0)) (clean as Record<string, unknown>)[k] = v;
  if (deepEqual(job.status ?? {}, clean)) return job;
  const next = mutableCopy(job);
  next.status = clean;
  return d.rest.updateStatus<Job>(JOBS, job.metadata?.namespace, next);
}
