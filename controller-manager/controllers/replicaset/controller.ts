/**
 * The ReplicaSet controller: keeps `spec.replicas` active pods for each ReplicaSet (informer → work queue →
 * syncReplicaSet). Pod events resolve their owner by controller reference (or, for orphans, by selector) and
 * lower the owner's expectations.
 */
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { runController } from '../../../client/controller-runner.js';
import type { Lister } from '../../../client/lister.js';
import { objectKey } from '../../../client/types.js';
import { WorkQueue } from '../../../client/workqueue.js';
import type { Controller, ControllerContext } from '../context.js';
import { requeueOnConflict } from '../util/errors.js';
import { CONTROLLER_UID_INDEX, CONTROLLER_UID_OR_ORPHAN_INDEX, controllerUidIndex, controllerUidOrOrphanIndex, getControllerOf } from '../util/owner.js';
import { PodControl, PODS } from '../util/pod-control.js';
import { isPodReady, podKey } from '../util/pods.js';
import { tryLabelSelector } from '../util/selectors.js';
import { ControllerExpectations } from '../util/expectations.js';
import { REPLICASETS } from './status.js';
import { syncReplicaSet, type ReplicaSetSyncDeps } from './sync.js';

export const REPLICASET_CONTROLLER = 'replicaset-controller';

export function newReplicaSetController(ctx: ControllerContext): Controller {
  const queue = new WorkQueue<string>({ name: 'replicaset', clock: ctx.clock });
  const rsLister: Lister<ReplicaSet> = ctx.informers.lister<ReplicaSet>(REPLICASETS);
  const podLister: Lister<Pod> = ctx.informers.lister<Pod>(PODS);
  ctx.informers.ensureIndex<ReplicaSet>(REPLICASETS, CONTROLLER_UID_INDEX, controllerUidIndex);
  ctx.informers.ensureIndex<Pod>(PODS, CONTROLLER_UID_OR_ORPHAN_INDEX, controllerUidOrOrphanIndex);
  const expectations = new ControllerExpectations(ctx.clock);
  const deps: ReplicaSetSyncDeps = {
    rest: ctx.rest,
    rsLister,
    podLister,
    expectations,
    podControl: new PodControl(ctx.rest, ctx.recorder(REPLICASET_CONTROLLER)),
    clock: ctx.clock,
    log: ctx.log,
    enqueueAfter: (key, ms) => queue.addAfter(key, ms),
  };

  const enqueue = (rs: ReplicaSet): void => queue.add(objectKey(rs));

  /** The ReplicaSet a controller reference points to, if it exists with that uid. */
  const resolve = (ns: string, ref: OwnerReference): ReplicaSet | undefined => {
    if (ref.kind !== 'ReplicaSet') return undefined;
    const rs = rsLister.get(ns, ref.name);
    return rs && rs.metadata?.uid === ref.uid ? rs : undefined;
  };

  /** ReplicaSets whose (non-empty) selector matches an orphan pod's labels. */
  const selecting = (pod: Pod): ReplicaSet[] => {
    const labels = pod.metadata?.labels ?? {};
    return rsLister.listNamespace(pod.metadata?.namespace ?? '').filter((rs) => {
      const sel = tryLabelSelector(rs.spec?.selector);
      return !!sel && !sel.isEmpty() && sel.matches(labels);
    });
  };

  const podDeleted = (pod: Pod): void => {
    const ref = getControllerOf(pod);
    if (!ref) return;
    const rs = resolve(pod.metadata?.namespace ?? '', ref);
    if (!rs) return;
    const key = objectKey(rs);
    expectations.deletionObserved(key, podKey(pod));
    queue.add(key);
  };

  ctx.informers.informer<ReplicaSet>(REPLICASETS).addEventHandler({
    onAdd: enqueue,
    onUpdate: (_old, cur) => enqueue(cur),
    onDelete: (rs) => {
      const key = objectKey(rs);
      expectations.delete(key);
      queue.add(key);
    },
  });

  ctx.informers.informer<Pod>(PODS).addEventHandler({
    onAdd: (pod) => {
      if (pod.metadata?.deletionTimestamp) {
        // a restarted controller sees pods pending deletion as adds
        podDeleted(pod);
        return;
      }
      const ref = getControllerOf(pod);
      if (ref) {
        const rs = resolve(pod.metadata?.namespace ?? '', ref);
        if (!rs) return;
        const key = objectKey(rs);
        expectations.creationObserved(key);
        queue.add(key);
        return;
      }
      for (const rs of selecting(pod)) enqueue(rs);
    },
    onUpdate: (old, cur) => {
      if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
      const labelsChanged = JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(cur.metadata?.labels ?? {});
      if (cur.metadata?.deletionTimestamp) {
        // graceful deletion: count it as deleted now, as the ReplicaSet no longer counts it
        podDeleted(cur);
        if (labelsChanged) podDeleted(old);
        return;
      }
      const ns = cur.metadata?.namespace ?? '';
      const curRef = getControllerOf(cur);
      const oldRef = getControllerOf(old);
      const refChanged = curRef?.uid !== oldRef?.uid;
      if (refChanged && oldRef) {
        const rs = resolve(ns, oldRef);
        if (rs) enqueue(rs);
      }
      if (curRef) {
        const rs = resolve(ns, curRef);
        if (!rs) return;
        enqueue(rs);
        const minReady = rs.spec?.minReadySeconds ?? 0;
        // re-check availability once the pod has been ready for minReadySeconds
        if (minReady > 0 && !isPodReady(old) && isPodReady(cur)) queue.addAfter(objectKey(rs), minReady * 1000 + 1000);
        return;
      }
      if (labelsChanged || refChanged) for (const rs of selecting(cur)) enqueue(rs);
    },
    onDelete: podDeleted,
  });

  return {
    run: (signal) =>
      runController({
        name: REPLICASET_CONTROLLER,
        queue,
        workers: ctx.settings.concurrentReplicaSetSyncs,
        sync: ctx.metrics.wrap(REPLICASET_CONTROLLER, requeueOnConflict((key: string) => syncReplicaSet(deps, key), (key) => queue.addAfter(key, 50))),
        log: ctx.log,
        signal,
      }),
  };
}
