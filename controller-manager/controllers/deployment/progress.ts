/**
 * syncRolloutStatus and requeueStuckDeployment (deployment/progress.go): the Progressing condition
 * (ReplicaSetUpdated → NewReplicaSetAvailable, or ProgressDeadlineExceeded after progressDeadlineSeconds without
 * progress) and ReplicaFailure copied from the ReplicaSets.
 */
import type { Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { objectKey } from '../../../client/types.js';
import {
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  fromReplicaSetCondition,
  getCondition,
  hasProgressDeadline,
  newCondition,
  REASON,
  removeCondition,
  setCondition,
} from './conditions.js';
import { calculateStatus, statusChanged } from './status.js';
import type { DeploymentSync, MDeployment } from './sync.js';

export async function syncRolloutStatus(s: DeploymentSync, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: MDeployment): Promise<void> {
  const dep = d;
  const now = s.now();
  const status = calculateStatus(allRSs, newRS, dep, now);
  if (!hasProgressDeadline(dep)) removeCondition(status, 'Progressing');
  const current = getCondition(dep.status, 'Progressing');
  const isComplete = status.replicas === status.updatedReplicas && current?.reason === REASON.NewRSAvailable;
  if (hasProgressDeadline(dep) && !isComplete) {
    const rsName = newRS?.metadata?.name;
    if (deploymentComplete(dep, status)) {
      const msg = rsName ? `ReplicaSet "${rsName}" has successfully progressed.` : `Deployment "${dep.metadata?.name ?? ''}" has successfully progressed.`;
      setCondition(status, newCondition('Progressing', 'True', REASON.NewRSAvailable, msg, now));
    } else if (deploymentProgressing(dep, status)) {
      const msg = rsName ? `ReplicaSet "${rsName}" is progressing.` : `Deployment "${dep.metadata?.name ?? ''}" is progressing.`;
      const cond = newCondition('Progressing', 'True', REASON.ReplicaSetUpdated, msg, now);
      // progress moves lastUpdateTime even when the reason stays the same
      if (current) {
        if (current.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
        removeCondition(status, 'Progressing');
      }
      setCondition(status, cond);
    } else if (deploymentTimedOut(dep, status, now)) {
      const msg = rsName ? `ReplicaSet "${rsName}" has timed out progressing.` : `Deployment "${dep.metadata?.name ?? ''}" has timed out progressing.`;
      setCondition(status, newCondition('Progressing', 'False', REASON.TimedOut, msg, now));
    }
  }
  const failures = replicaFailures(allRSs, newRS);
  if (failures.length > 0) setCondition(status, failures[0]);
  else removeCondition(status, 'ReplicaFailure');

  if (!statusChanged(dep.status, status)) {
    requeueStuckDeployment(s, dep, status);
    return;
  }
  d.status = status;
  await s.updateStatus(d);
}

/** getReplicaFailures: ReplicaFailure of the new ReplicaSet first, else of any. */
function replicaFailures(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): DeploymentCondition[] {
  const of = (rs: ReplicaSet | undefined): DeploymentCondition[] =>
    (rs?.status?.conditions ?? []).filter((c) => c.type === 'ReplicaFailure').map(fromReplicaSetCondition);
  const fromNew = of(newRS);
  if (fromNew.length > 0) return fromNew;
  return allRSs.flatMap(of);
}

/**
 * requeueStuckDeployment: a rollout without progress is looked at again when its deadline passes
 * (lastUpdateTime + progressDeadlineSeconds), so ProgressDeadlineExceeded appears on time. Returns the delay, or
 * -1 when no check is needed.
 */
export function requeueStuckDeployment(s: DeploymentSync, d: Deployment, status: DeploymentStatus): number {
  const current = getCondition(d.status, 'Progressing');
  if (!hasProgressDeadline(d) || !current) return -1;
  if (deploymentComplete(d, status) || current.reason === REASON.TimedOut) return -1;
  const last = current.lastUpdateTime ? Date.parse(current.lastUpdateTime) : NaN;
  if (Number.isNaN(last)) return -1;
  const after = last + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 - s.now();
  const key = objectKey(d);
  if (after < 1000) {
    s.deps.enqueueRateLimited(key);
    return 0;
  }
  s.deps.enqueueAfter(key, after + 1000);
  return after;
}
