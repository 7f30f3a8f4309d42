/**
 * The Job controller: runs each Job's pods to completion (informer → work queue → syncJob). Pod events resolve
 * their Job by controller reference and lower its expectations; pods that still carry the job-tracking finalizer
 * after their Job is gone are released by a second queue (upstream's orphan pod handling).
 */
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { runController } from '../../../client/controller-runner.js';
import type { Lister } from '../../../client/lister.js';
import { objectKey, splitKey } from '../../../client/types.js';
import { WorkQueue } from '../../../client/workqueue.js';
import type { Controller, ControllerContext } from '../context.js';
import { asError, requeueOnConflict } from '../util/errors.js';
import { ControllerExpectations } from '../util/expectations.js';
import { CONTROLLER_UID_OR_ORPHAN_INDEX, controllerUidOrOrphanIndex, getControllerOf } from '../util/owner.js';
import { PodControl, PODS } from '../util/pod-control.js';
import { podKey } from '../util/pods.js';
import { tryLabelSelector } from '../util/selectors.js';
import { hasTrackingFinalizer } from './pods.js';
import { JOBS } from './resources.js';
import { syncJob, type JobSyncDeps } from './sync.js';
import { FinalizerRemovals, removeFinalizers } from './tracking.js';

export const JOB_CONTROLLER = 'job-controller';

export function newJobController(ctx: ControllerContext): Controller {
  const queue = new WorkQueue<string>({ name: 'job', clock: ctx.clock });
  const orphans = new WorkQueue<string>({ name: 'job_orphan_pod', clock: ctx.clock });
  const jobLister: Lister<Job> = ctx.informers.lister<Job>(JOBS);
  const podLister: Lister<Pod> = ctx.informers.lister<Pod>(PODS);
  ctx.informers.ensureIndex<Pod>(PODS, CONTROLLER_UID_OR_ORPHAN_INDEX, controllerUidOrOrphanIndex);
  const recorder = ctx.recorder(JOB_CONTROLLER);
  const finalizerRemovals = new FinalizerRemovals();
  const { jobBackoffBaseMs, jobBackoffMaxMs } = ctx.settings;
  const deps: JobSyncDeps = {
    rest: ctx.rest,
    jobLister,
    podLister,
    expectations: new ControllerExpectations(ctx.clock),
    finalizerRemovals,
    failures: new Map(),
    backoff: { delayMs: (n) => Math.min(jobBackoffMaxMs, jobBackoffBaseMs * 2 ** Math.max(0, n - 1)) },
    podControl: new PodControl(ctx.rest, recorder),
    recorder,
    clock: ctx.clock,
    log: ctx.log,
    enqueueAfter: (key, ms) => queue.addAfter(key, ms),
  };

  /** The Job a controller reference points to, if it exists with that uid. */
  const resolve = (ns: string, ref: OwnerReference | undefined): Job | undefined => {
    if (ref?.kind !== 'Job') return undefined;
    const job = jobLister.get(ns, ref.name);
    return job && job.metadata?.uid === ref.uid ? job : undefined;
  };

  const onPod = (pod: Pod, deleted: boolean): void => {
    const ns = pod.metadata?.namespace ?? '';
    const ref = getControllerOf(pod);
    const job = resolve(ns, ref);
    if (ref?.kind === 'Job' && (deleted || !hasTrackingFinalizer(pod))) finalizerRemovals.observed(ref.uid, pod.metadata?.uid ?? '');
    if (!job) {
      if (ref?.kind === 'Job' || !ref) {
        if (!deleted && hasTrackingFinalizer(pod)) orphans.add(podKey(pod));
      }
      if (!ref && !deleted) {
        // an orphan the selector of a Job may adopt
        for (const j of jobLister.listNamespace(ns)) {
          const sel = tryLabelSelector(j.spec?.selector);
          if (sel && !sel.isEmpty() && sel.matches(pod.metadata?.labels ?? {})) queue.add(objectKey(j));
        }
      }
      return;
    }
    const key = objectKey(job);
    if (deleted || pod.metadata?.deletionTimestamp) deps.expectations.deletionObserved(key, podKey(pod));
    queue.add(key);
  };

  ctx.informers.informer<Job>(JOBS).addEventHandler({
    onAdd: (job) => queue.add(objectKey(job)),
    onUpdate: (_old, cur) => queue.add(objectKey(cur)),
    onDelete: (job) => {
      const key = objectKey(job);
      deps.expectations.delete(key);
      finalizerRemovals.forget(job.metadata?.uid ?? '');
      deps.failures.delete(job.metadata?.uid ?? '');
      // its pods may still hold the finalizer
      for (const p of podLister.byIndex(CONTROLLER_UID_OR_ORPHAN_INDEX, job.metadata?.uid ?? '')) if (hasTrackingFinalizer(p)) orphans.add(podKey(p));
      queue.add(key);
    },
  });

  ctx.informers.informer<Pod>(PODS).addEventHandler({
    onAdd: (pod) => {
      const job = resolve(pod.metadata?.namespace ?? '', getControllerOf(pod));
      if (job && !pod.metadata?.deletionTimestamp) deps.expectations.creationObserved(objectKey(job));
      onPod(pod, false);
    },
    onUpdate: (old, cur) => {
      if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
      const oldRef = getControllerOf(old);
      if (oldRef && oldRef.uid !== getControllerOf(cur)?.uid) {
        const prev = resolve(old.metadata?.namespace ?? '', oldRef);
        if (prev) queue.add(objectKey(prev));
      }
      onPod(cur, false);
    },
    onDelete: (pod) => onPod(pod, true),
  });

  /** Releases a pod whose Job is gone (or that never had one) from the job-tracking finalizer. */
  const syncOrphan = async (key: string): Promise<void> => {
    const { namespace, name } = splitKey(key);
    const pod = podLister.get(namespace, name);
    if (!pod || !hasTrackingFinalizer(pod)) return;
    if (resolve(namespace ?? '', getControllerOf(pod))) return;
    const { error } = await removeFinalizers(ctx.rest, [pod]);
    if (error !== undefined) throw asError(error);
  };

  return {
    run: async (signal) => {
      await Promise.all([
        runController({
          name: JOB_CONTROLLER,
          queue,
          workers: ctx.settings.concurrentJobSyncs,
          sync: ctx.metrics.wrap(JOB_CONTROLLER, requeueOnConflict((key: string) => syncJob(deps, key), (key) => queue.addAfter(key, 50))),
          log: ctx.log,
          signal,
        }),
        runController({ name: `${JOB_CONTROLLER}-orphan-pods`, queue: orphans, workers: 1, sync: syncOrphan, log: ctx.log, signal }),
      ]);
    },
  };
}
