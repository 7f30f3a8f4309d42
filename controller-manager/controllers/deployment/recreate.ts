/** The Recreate strategy (deployment/recreate.go): every old pod is gone before the new ReplicaSet scales up. */
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { deploymentComplete } from './conditions.js';
import { replicasOf } from './fenceposts.js';
import { syncRolloutStatus } from './progress.js';
import { activeReplicaSets, actualReplicaCount } from './replicasets.js';
import type { DeploymentSync, MDeployment } from './sync.js';

/** Pods of the deployment grouped by the uid of the ReplicaSet controlling them. */
export type PodMap = Map<string, Pod[]>;

export async function rolloutRecreate(s: DeploymentSync, d: MDeployment, rsList: readonly ReplicaSet[], podMap: PodMap): Promise<void> {
  let { newRS, oldRSs } = await s.getAllReplicaSetsAndSyncRevision(d, rsList, false);
  let allRSs: (ReplicaSet | undefined)[] = [...oldRSs, newRS];
  let scaledDown = false;
  for (const rs of activeReplicaSets(oldRSs)) {
    if ((await s.scaleReplicaSetAndRecordEvent(rs, 0, d)).scaled) scaledDown = true;
  }
  if (scaledDown) return syncRolloutStatus(s, allRSs, newRS, d);
  if (oldPodsRunning(newRS, oldRSs, podMap)) return syncRolloutStatus(s, allRSs, newRS, d);
  if (!newRS) {
    ({ newRS, oldRSs } = await s.getAllReplicaSetsAndSyncRevision(d, rsList, true));
    allRSs = [...oldRSs, newRS];
  }
  if (newRS) await s.scaleReplicaSetAndRecordEvent(newRS, replicasOf(d), d);
  if (deploymentComplete(d, (d).status ?? {})) await s.cleanupDeployment(oldRSs, d);
  return syncRolloutStatus(s, allRSs, newRS, d);
}

/** oldPodsRunning: old ReplicaSets still report pods, or a non-terminal pod of an old ReplicaSet exists. */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[], podMap: PodMap): boolean {
  if (actualReplicaCount(oldRSs) > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata?.uid === uid) continue;
    for (const pod of pods) {
      const phase = pod.status?.phase;
      if (phase === 'Failed' || phase === 'Succeeded') continue;
      return true;
    }
  }
  return false;
}

