/** syncReplicaSet and manageReplicas (k8s.io/kubernetes/pkg/controller/replicaset/replica_set.go). */
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isApiError } from '../../../api/errors.js';
import type { Lister } from '../../../client/lister.js';
import type { RestClient } from '../../../client/rest.js';
import { splitKey } from '../../../client/types.js';
import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/logger.js';
import { claimChildren } from '../util/claim.js';
import { typed } from '../util/kinds.js';
import { CONTROLLER_UID_INDEX, CONTROLLER_UID_OR_ORPHAN_INDEX, getControllerOf, newControllerRef } from '../util/owner.js';
import { PODS, type PodControl } from '../util/pod-control.js';
import { isPodActive, podKey } from '../util/pods.js';
import { tryLabelSelector } from '../util/selectors.js';
import { asError, hasStatusCause, NAMESPACE_TERMINATING_CAUSE } from '../util/errors.js';
import type { ControllerExpectations } from '../util/expectations.js';
import { podsToDelete } from './rank.js';
import { slowStartBatch, SLOW_START_INITIAL_BATCH_SIZE } from './slow-start.js';
import { calculateStatus, REPLICASETS, updateReplicaSetStatus } from './status.js';

/** Upstream's burstReplicas: at most this many creates or deletes per sync. */
export const BURST_REPLICAS = 500;

export interface ReplicaSetSyncDeps {
  rest: RestClient;
  rsLister: Lister<ReplicaSet>;
  podLister: Lister<Pod>;
  expectations: ControllerExpectations;
  podControl: PodControl;
  clock: Clock;
  log: Logger;
  /** Re-queue the key after `ms` (minReadySeconds re-check). */
  enqueueAfter(key: string, ms: number): void;
}

export const asRS = (rs: ReplicaSet): ReplicaSet => typed(rs, 'apps/v1', 'ReplicaSet');

export async function syncReplicaSet(d: ReplicaSetSyncDeps, key: string): Promise<void> {
  const { namespace, name } = splitKey(key);
  const cached = d.rsLister.get(namespace, name);
  if (!cached) {
    d.expectations.delete(key);
    return;
  }
  const rs = asRS(cached);
  const needsSync = d.expectations.satisfied(key);
  const selector = tryLabelSelector(rs.spec?.selector);
  if (!selector) {
    d.log.error({ rs: key }, 'invalid selector; not syncing');
    return;
  }
  const ns = namespace ?? '';
  const uid = rs.metadata?.uid ?? '';
  // its own pods and the orphans (getRSPods), not every pod of the namespace
  const candidates = [...d.podLister.byIndex(CONTROLLER_UID_OR_ORPHAN_INDEX, uid), ...d.podLister.byIndex(CONTROLLER_UID_OR_ORPHAN_INDEX, '')];
  const active = candidates.filter((p) => (p.metadata?.namespace ?? '') === ns && isPodActive(p));
  const claimed = await claimChildren(d.rest, { obj: rs, resource: REPLICASETS, apiVersion: 'apps/v1', kind: 'ReplicaSet' }, PODS, active, selector);

  let manageError: unknown;
  if (needsSync && !rs.metadata?.deletionTimestamp) {
    try {
      await manageReplicas(d, key, claimed, rs);
    } catch (e) {
      manageError = e;
    }
  }
  const status = calculateStatus(rs, claimed, manageError, d.clock.now());
  const updated = await updateReplicaSetStatus(d.rest, rs, status);
  const minReady = updated.spec?.minReadySeconds ?? 0;
  const replicas = updated.spec?.replicas ?? 1;
  if (manageError === undefined && minReady > 0 && updated.status?.readyReplicas === replicas && updated.status?.availableReplicas !== replicas) {
    // a last line of defence against missing the moment pods become available
    d.enqueueAfter(key, minReady * 1000);
  }
  if (manageError !== undefined) throw asError(manageError);
}

async function manageReplicas(d: ReplicaSetSyncDeps, key: string, pods: Pod[], rs: ReplicaSet): Promise<void> {
  const ns = rs.metadata?.namespace ?? '';
  let diff = pods.length - (rs.spec?.replicas ?? 1);
  if (diff < 0) {
    diff = Math.min(-diff, BURST_REPLICAS);
    d.expectations.expectCreations(key, diff);
    d.log.debug({ rs: key, need: diff }, 'too few replicas; creating');
    const ref = newControllerRef(rs, 'apps/v1', 'ReplicaSet');
    const template = rs.spec?.template ?? {};
    const { successes, error } = await slowStartBatch(diff, SLOW_START_INITIAL_BATCH_SIZE, async () => {
      try {
        await d.podControl.createPod(ns, template, rs, ref);
      } catch (e) {
        // nothing can be created in a terminating namespace; not an error worth retrying
        if (hasStatusCause(e, NAMESPACE_TERMINATING_CAUSE)) return;
        throw e;
      }
    });
    // the informer will never see the pods we did not create
    for (let i = successes; i < diff; i++) d.expectations.creationObserved(key);
    if (error !== undefined) throw asError(error);
    return;
  }
  if (diff > 0) {
    diff = Math.min(diff, BURST_REPLICAS);
    const victims = podsToDelete(pods, relatedPods(d, rs), diff, d.clock.now());
    d.log.debug({ rs: key, excess: diff }, 'too many replicas; deleting');
    d.expectations.expectDeletions(key, victims.map(podKey));
    const results = await Promise.allSettled(
      victims.map(async (p) => {
        try {
          await d.podControl.deletePod(ns, p.metadata?.name ?? '', rs);
        } catch (e) {
          d.expectations.deletionObserved(key, podKey(p));
          if (!isApiError(e, 'NotFound')) throw e;
        }
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

/** Active pods of this ReplicaSet and its siblings (same controller), to rank pods doubled up on a node. */
function relatedPods(d: ReplicaSetSyncDeps, rs: ReplicaSet): Pod[] {
  const owner = getControllerOf(rs);
  const siblings = owner ? d.rsLister.byIndex(CONTROLLER_UID_INDEX, owner.uid) : [rs];
  const out: Pod[] = [];
  const seen = new Set<string>();
  for (const s of siblings) {
    const sel = tryLabelSelector(s.spec?.selector);
    if (!sel) continue;
    for (const p of d.podLister.listNamespace(s.metadata?.namespace ?? '', sel)) {
      const uid = p.metadata?.uid ?? '';
      if (seen.has(uid)) continue;
      seen.add(uid);
      out.push(p);
    }
  }
  return out;
}

