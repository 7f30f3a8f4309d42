/** The RollingUpdate strategy (deployment/rolling.go). */
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { ApiError } from '../../../api/errors.js';
import { deploymentComplete } from './conditions.js';
import { maxUnavailable, newRSNewReplicas, replicaCount, replicasOf, specReplicas } from './fenceposts.js';
import { syncRolloutStatus } from './progress.js';
import { activeReplicaSets, byCreation, keptAvailableReplicaCount } from './replicasets.js';
import type { DeploymentSync, MDeployment } from './sync.js';

export async function rolloutRolling(s: DeploymentSync, d: MDeployment, rsList: readonly ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await s.getAllReplicaSetsAndSyncRevision(d, rsList, true);
  const allRSs = [...oldRSs, newRS];
  if (!newRS) return;
  if (await reconcileNewReplicaSet(s, allRSs, newRS, d)) return syncRolloutStatus(s, allRSs, newRS, d);
  if (await reconcileOldReplicaSets(s, allRSs, activeReplicaSets(oldRSs), newRS, d)) return syncRolloutStatus(s, allRSs, newRS, d);
  if (deploymentComplete(d, (d).status ?? {})) await s.cleanupDeployment(oldRSs, d);
  return syncRolloutStatus(s, allRSs, newRS, d);
}

/** Scales the new ReplicaSet up as far as maxSurge allows (or down to the deployment's size). */
async function reconcileNewReplicaSet(s: DeploymentSync, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet, d: MDeployment): Promise<boolean> {
  const replicas = replicasOf(d);
  if (specReplicas(newRS) === replicas) return false;
  if (specReplicas(newRS) > replicas) return (await s.scaleReplicaSetAndRecordEvent(newRS, replicas, d)).scaled;
  const count = newRSNewReplicas(d, allRSs, newRS);
  return (await s.scaleReplicaSetAndRecordEvent(newRS, count, d)).scaled;
}

/** Scales old ReplicaSets down as far as maxUnavailable allows, unhealthy replicas first. */
async function reconcileOldReplicaSets(
  s: DeploymentSync,
  allRSs: (ReplicaSet | undefined)[],
  oldRSs: ReplicaSet[],
  newRS: ReplicaSet,
  d: MDeployment,
): Promise<boolean> {
  const oldPods = replicaCount(oldRSs);
  if (oldPods === 0) return false;
  const allPods = replicaCount(allRSs);
  const dep = d;
  const minAvailable = replicasOf(dep) - maxUnavailable(dep);
  const newUnavailable = specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const { rss, cleaned } = await cleanupUnhealthyReplicas(s, oldRSs, d, maxScaledDown);
  const scaledDown = await scaleDownOldReplicaSetsForRollingUpdate(s, [...rss, newRS], rss, d);
  return cleaned + scaledDown > 0;
}

/** cleanupUnhealthyReplicas: removes old replicas that are not available, up to `maxCleanup`. */
async function cleanupUnhealthyReplicas(s: DeploymentSync, oldRSs: ReplicaSet[], d: MDeployment, maxCleanup: number): Promise<{ rss: ReplicaSet[]; cleaned: number }> {
  const rss = [...oldRSs].sort(byCreation);
  let total = 0;
  for (let i = 0; i < rss.length; i++) {
    if (total >= maxCleanup) break;
    const rs = rss[i];
    const spec = specReplicas(rs);
    const available = rs.status?.availableReplicas ?? 0;
    if (spec === 0 || spec === available) continue;
    const down = Math.min(maxCleanup - total, spec - available);
    const next = spec - down;
    if (next > spec) throw ApiError.badRequest(`when cleaning up unhealthy replicas, got invalid request to scale down ${rs.metadata?.name ?? ''} ${spec} -> ${next}`);
    const r = await s.scaleReplicaSetAndRecordEvent(rs, next, d);
    total += down;
    rss[i] = r.rs;
  }
  return { rss, cleaned: total };
}

/** scaleDownOldReplicaSetsForRollingUpdate: scales old ReplicaSets down while availability stays ≥ minAvailable. */
async function scaleDownOldReplicaSetsForRollingUpdate(s: DeploymentSync, allRSs: ReplicaSet[], oldRSs: ReplicaSet[], d: MDeployment): Promise<number> {
  const dep = d;
  const minAvailable = replicasOf(dep) - maxUnavailable(dep);
  const available = keptAvailableReplicaCount(allRSs);
  if (available <= minAvailable) return 0;
  const rss = [...oldRSs].sort(byCreation);
  const totalToScaleDown = available - minAvailable;
  let total = 0;
  for (const rs of rss) {
    if (total >= totalToScaleDown) break;
    if (specReplicas(rs) === 0) continue;
    const down = Math.min(specReplicas(rs), totalToScaleDown - total);
    const next = specReplicas(rs) - down;
    await s.scaleReplicaSetAndRecordEvent(rs, next, d);
    total += down;
  }
  return total;
}
