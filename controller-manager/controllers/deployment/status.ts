/** The Deployment's status from its ReplicaSets (deployment/sync.go calculateStatus, syncDeploymentStatus). */
import type { Deployment, DeploymentStatus, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { deepCopy } from '../../../api/object.js';
import { deepEqual } from '../../../api/validation/util.js';
import { newCondition, REASON, setCondition, type MutableStatus } from './conditions.js';
import { maxUnavailable, replicaCount, replicasOf } from './fenceposts.js';
import { actualReplicaCount, availableReplicaCount, readyReplicaCount } from './replicasets.js';

export function calculateStatus(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment, nowMs: number): MutableStatus {
  const available = availableReplicaCount(allRSs);
  const total = replicaCount(allRSs);
  const status: MutableStatus = {
    observedGeneration: d.metadata?.generation ?? 0,
    replicas: actualReplicaCount(allRSs),
    updatedReplicas: actualReplicaCount([newRS]),
    readyReplicas: readyReplicaCount(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
  };
  // zero counters are omitted on the wire, as upstream's omitempty fields
  for (const k of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'] as const) if (status[k] === 0) delete status[k];
  if (d.status?.collisionCount !== undefined && d.status.collisionCount !== null) status.collisionCount = d.status.collisionCount;
  if (d.status?.conditions) status.conditions = deepCopy(d.status.conditions);
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    setCondition(status, newCondition('Available', 'True', REASON.MinimumReplicasAvailable, 'Deployment has minimum availability.', nowMs));
  } else {
    setCondition(status, newCondition('Available', 'False', REASON.MinimumReplicasUnavailable, 'Deployment does not have minimum availability.', nowMs));
  }
  return status;
}

/** Whether a computed status differs from the stored one (absent counters are zero). */
export function statusChanged(cur: DeploymentStatus | undefined, next: DeploymentStatus): boolean {
  return !deepEqual(normalize(cur ?? {}), normalize(next));
}

function normalize(s: DeploymentStatus): unknown {
  return {
    observedGeneration: s.observedGeneration ?? 0,
    replicas: s.replicas ?? 0,
    updatedReplicas: s.updatedReplicas ?? 0,
    readyReplicas: s.readyReplicas ?? 0,
    availableReplicas: s.availableReplicas ?? 0,
    unavailableReplicas: s.unavailableReplicas ?? 0,
    collisionCount: s.collisionCount ?? undefined,
    conditions: s.conditions ?? [],
  };
}

