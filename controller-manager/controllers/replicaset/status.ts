/** ReplicaSet status (replica_set_utils.go calculateStatus) and its write. */
import type { ReplicaSet, ReplicaSetCondition, ReplicaSetStatus } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isApiError } from '../../../api/errors.js';
import { requireResource } from '../../../api/resources.js';
import type { RestClient } from '../../../client/rest.js';
import { isPodAvailable, isPodReady } from '../util/pods.js';
import { rfc3339 } from '../util/time.js';
import { errorMessage } from '../util/errors.js';
import { mutableCopy } from '../util/kinds.js';

export const REPLICASETS = requireResource('apps', 'v1', 'replicasets');

function templateLabelsMatch(rs: ReplicaSet, pod: Pod): boolean {
  const want = rs.spec?.template?.metadata?.labels ?? {};
  const have = pod.metadata?.labels ?? {};
  return Object.entries(want).every(([k, v]) => have[k] === v);
}

/**
 * The new status from the pods the ReplicaSet owns. A failed create/delete sets the ReplicaFailure condition
 * (reason FailedCreate / FailedDelete, the error as message); a successful manage removes it.
 */
export function calculateStatus(rs: ReplicaSet, pods: readonly Pod[], manageError: unknown, nowMs: number): ReplicaSetStatus {
  const status = mutableCopy<ReplicaSetStatus>(rs.status ?? { replicas: 0 });
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  const minReady = rs.spec?.minReadySeconds ?? 0;
  for (const pod of pods) {
    if (templateLabelsMatch(rs, pod)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, nowMs)) available++;
    }
  }
  const failure = status.conditions?.find((c) => c.type === 'ReplicaFailure');
  if (manageError !== undefined && !failure) {
    const diff = pods.length - (rs.spec?.replicas ?? 1);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    const cond: ReplicaSetCondition = {
      type: 'ReplicaFailure',
      status: 'True',
      lastTransitionTime: rfc3339(nowMs),
      reason,
      message: errorMessage(manageError),
    };
    status.conditions = [...(status.conditions ?? []), cond];
  } else if (manageError === undefined && failure) {
    status.conditions = status.conditions?.filter((c) => c.type !== 'ReplicaFailure');
    if (status.conditions?.length === 0) delete status.conditions;
  }
  status.replicas = pods.length;
  status.fullyLabeledReplicas = fullyLabeled;
  status.readyReplicas = ready;
  status.availableReplicas = available;
  // omitempty upstream (replicas is always sent)
  for (const k of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'] as const) if (status[k] === 0) delete status[k];
  return status;
}

function sameStatus(a: ReplicaSetStatus | undefined, b: ReplicaSetStatus): boolean {
  return (
    (a?.replicas ?? 0) === b.replicas &&
    (a?.fullyLabeledReplicas ?? 0) === (b.fullyLabeledReplicas ?? 0) &&
    (a?.readyReplicas ?? 0) === (b.readyReplicas ?? 0) &&
    (a?.availableReplicas ?? 0) === (b.availableReplicas ?? 0) &&
    JSON.stringify(a?.conditions ?? []) === JSON.stringify(b.conditions ?? [])
  );
}

/**
 * updateReplicaSetStatus: writes `status` (with observedGeneration = generation) unless nothing changed; on a
 * conflict re-reads the ReplicaSet once and tries again, as upstream (statusUpdateRetries = 1).
 */
export async function updateReplicaSetStatus(rest: RestClient, rs: ReplicaSet, status: ReplicaSetStatus): Promise<ReplicaSet> {
  let cur = rs;
  for (let attempt = 0; ; attempt++) {
    if (sameStatus(cur.status, status) && (cur.status?.observedGeneration ?? 0) >= (cur.metadata?.generation ?? 0)) return cur;
    const next = mutableCopy(cur);
    next.status = { ...(mutableCopy(status)), observedGeneration: cur.metadata?.generation ?? 0 };
    try {
      return await rest.updateStatus<ReplicaSet>(REPLICASETS, cur.metadata?.namespace, next);
    } catch (e) {
      if (attempt >= 1 || !isApiError(e, 'Conflict')) throw e;
      cur = await rest.get<ReplicaSet>(REPLICASETS, cur.metadata?.namespace, cur.metadata?.name ?? '');
    }
  }
}
