/**
 * Finalizer-based pod tracking (upstream trackJobStatusAndRemoveFinalizers): a finished pod is first recorded in
 * status.uncountedTerminatedPods, then its job-tracking finalizer is removed, then it moves into the succeeded
 * or failed count. A pod is therefore counted exactly once, even when it is deleted right after it finishes or
 * the controller restarts in between.
 */
import type { Job, UncountedTerminatedPods } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isApiError } from '../../../api/errors.js';
import type { RestClient } from '../../../client/rest.js';
import { PODS } from '../util/pod-control.js';
import { matchPodFailurePolicy, type FailureMatch } from './failure-policy.js';
import { hasTrackingFinalizer, isPodFailed, isPodSucceeded, JOB_TRACKING_FINALIZER } from './pods.js';

/** Pods whose finalizer this controller removed and whose update the informer has not shown yet, per Job uid. */
export class FinalizerRemovals {
  private readonly byJob = new Map<string, Set<string>>();

  pending(jobUid: string): Set<string> {
    let s = this.byJob.get(jobUid);
    if (!s) {
      s = new Set();
      this.byJob.set(jobUid, s);
    }
    return s;
  }

  /** The informer shows the pod without the finalizer, or the pod is gone. */
  observed(jobUid: string, podUid: string): void {
    const s = this.byJob.get(jobUid);
    s?.delete(podUid);
    if (s?.size === 0) this.byJob.delete(jobUid);
  }

  forget(jobUid: string): void {
    this.byJob.delete(jobUid);
  }
}

export interface Uncounted {
  succeeded: Set<string>;
  failed: Set<string>;
}

export function uncountedOf(job: Job): Uncounted {
  const u = job.status?.uncountedTerminatedPods;
  return { succeeded: new Set(u?.succeeded ?? []), failed: new Set(u?.failed ?? []) };
}

export function uncountedStatus(u: Uncounted): UncountedTerminatedPods | undefined {
  if (u.succeeded.size === 0 && u.failed.size === 0) return undefined;
  const out: { succeeded?: string[]; failed?: string[] } = {};
  if (u.succeeded.size) out.succeeded = [...u.succeeded];
  if (u.failed.size) out.failed = [...u.failed];
  return out;
}

/**
 * Finished pods that still carry the finalizer and are not recorded yet go into `u`; returns the pods whose
 * finalizer should be removed now (finished ones, and once the Job is finished every pod still holding it).
 */
export function collectFinished(
  job: Job,
  pods: readonly Pod[],
  u: Uncounted,
  inFlight: Set<string>,
  finished: boolean,
  succeeding: boolean,
): { release: Pod[]; failJob?: FailureMatch } {
  const release: Pod[] = [];
  let failJob: FailureMatch | undefined;
  for (const pod of pods) {
    const uid = pod.metadata?.uid ?? '';
    if (!hasTrackingFinalizer(pod) || inFlight.has(uid)) continue;
    if (u.succeeded.has(uid) || u.failed.has(uid)) {
      release.push(pod);
      continue;
    }
    if (isPodSucceeded(pod)) u.succeeded.add(uid);
    else if (isPodFailed(pod, job)) {
      // pods that end because the Job succeeded are not failures; podFailurePolicy may ignore a failure or fail the Job
      const match = succeeding ? undefined : matchPodFailurePolicy(job, pod);
      if (!succeeding && match?.action !== 'Ignore') u.failed.add(uid);
      if (match?.action === 'FailJob') failJob ??= match;
    } else if (!finished) continue;
    release.push(pod);
  }
  return { release, failJob };
}

/** Removes the finalizer from each pod; returns the uids it is gone from (a pod that no longer exists counts). */
export async function removeFinalizers(rest: RestClient, pods: readonly Pod[]): Promise<{ removed: Set<string>; error: unknown }> {
  const removed = new Set<string>();
  let error: unknown;
  await Promise.all(
    pods.map(async (pod) => {
      const uid = pod.metadata?.uid ?? '';
      try {
        await rest.patch(PODS, pod.metadata?.namespace, pod.metadata?.name ?? '', 'strategic', {
          metadata: { uid, [`$deleteFromPrimitiveList/finalizers`]: [JOB_TRACKING_FINALIZER] },
        });
        removed.add(uid);
      } catch (e) {
        if (isApiError(e, 'NotFound')) removed.add(uid);
        else error ??= e;
      }
    }),
  );
  return { removed, error };
}

/**
 * Moves recorded pods whose finalizer is gone into the counts: removed now, gone from the cache, or shown
 * without the finalizer. Returns how many succeeded and failed pods were moved.
 */
export function flushUncounted(u: Uncounted, pods: readonly Pod[], removed: ReadonlySet<string>): { succeeded: number; failed: number } {
  const byUid = new Map(pods.map((p) => [p.metadata?.uid ?? '', p]));
  const moved = { succeeded: 0, failed: 0 };
  for (const kind of ['succeeded', 'failed'] as const) {
    for (const uid of [...u[kind]]) {
      const pod = byUid.get(uid);
      if (removed.has(uid) || !pod || !hasTrackingFinalizer(pod)) {
        u[kind].delete(uid);
        moved[kind]++;
      }
    }
  }
  return moved;
}
