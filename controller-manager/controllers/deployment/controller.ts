/**
 * The deployment controller (deployment/deployment_controller.go): Deployments → ReplicaSets. ReplicaSet and pod
 * events are mapped back to their Deployment by controller reference (or, for orphans, by selector).
 */
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { ApiError } from '../../../api/errors.js';

import { runController } from '../../../client/controller-runner.js';
import type { Lister } from '../../../client/lister.js';
import { objectKey, splitKey } from '../../../client/types.js';
import { WorkQueue } from '../../../client/workqueue.js';
import type { Controller, ControllerContext } from '../context.js';
import { claimChildren } from '../util/claim.js';
import { requeueOnConflict } from '../util/errors.js';
import { CONTROLLER_UID_OR_ORPHAN_INDEX, controllerUidOrOrphanIndex, getControllerOf } from '../util/owner.js';
import { PODS } from '../util/pod-control.js';
import { tryLabelSelector } from '../util/selectors.js';
import { REPLICASETS } from '../replicaset/status.js';
import { rolloutRecreate, type PodMap } from './recreate.js';
import { rollback } from './rollback.js';
import { rolloutRolling } from './rolling.js';
import { DEPLOYMENTS, DeploymentSync, rollbackTo } from './sync.js';
import { mutableCopy } from '../util/kinds.js';

export const DEPLOYMENT_CONTROLLER = 'deployment-controller';

export function newDeploymentController(ctx: ControllerContext): Controller {
  const queue = new WorkQueue<string>({ name: 'deployment', clock: ctx.clock });
  const dLister: Lister<Deployment> = ctx.informers.lister<Deployment>(DEPLOYMENTS);
  const rsLister: Lister<ReplicaSet> = ctx.informers.lister<ReplicaSet>(REPLICASETS);
  const podLister: Lister<Pod> = ctx.informers.lister<Pod>(PODS);
  ctx.informers.ensureIndex<Pod>(PODS, CONTROLLER_UID_OR_ORPHAN_INDEX, controllerUidOrOrphanIndex);
  const s = new DeploymentSync({
    rest: ctx.rest,
    rsLister,
    podLister,
    recorder: ctx.recorder(DEPLOYMENT_CONTROLLER),
    clock: ctx.clock,
    log: ctx.log,
    enqueueAfter: (key, ms) => queue.addAfter(key, ms),
    enqueueRateLimited: (key) => queue.addRateLimited(key),
  });

  const enqueue = (d: Deployment): void => queue.add(objectKey(d));

  const resolve = (ns: string, ref: OwnerReference): Deployment | undefined => {
    if (ref.kind !== 'Deployment') return undefined;
    const d = dLister.get(ns, ref.name);
    return d && d.metadata?.uid === ref.uid ? d : undefined;
  };

  /** Deployments whose non-empty selector matches an orphan ReplicaSet. */
  const selecting = (rs: ReplicaSet): Deployment[] =>
    dLister.listNamespace(rs.metadata?.namespace ?? '').filter((d) => {
      const sel = tryLabelSelector(d.spec?.selector);
      return !!sel && !sel.isEmpty() && sel.matches(rs.metadata?.labels ?? {});
    });

  const rsDeleted = (rs: ReplicaSet): void => {
    const ref = getControllerOf(rs);
    const d = ref && resolve(rs.metadata?.namespace ?? '', ref);
    if (d) enqueue(d);
  };

  ctx.informers.informer<Deployment>(DEPLOYMENTS).addEventHandler({
    onAdd: enqueue,
    onUpdate: (_o, cur) => enqueue(cur),
    onDelete: enqueue,
  });

  ctx.informers.informer<ReplicaSet>(REPLICASETS).addEventHandler({
    onAdd: (rs) => {
      if (rs.metadata?.deletionTimestamp) {
        rsDeleted(rs);
        return;
      }
      const ref = getControllerOf(rs);
      if (ref) {
        const d = resolve(rs.metadata?.namespace ?? '', ref);
        if (d) enqueue(d);
        return;
      }
      for (const d of selecting(rs)) enqueue(d);
    },
    onUpdate: (old, cur) => {
      if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
      const ns = cur.metadata?.namespace ?? '';
      const curRef = getControllerOf(cur);
      const oldRef = getControllerOf(old);
      const refChanged = curRef?.uid !== oldRef?.uid;
      if (refChanged && oldRef) {
        const d = resolve(ns, oldRef);
        if (d) enqueue(d);
      }
      if (curRef) {
        const d = resolve(ns, curRef);
        if (d) enqueue(d);
        return;
      }
      const labelsChanged = JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(cur.metadata?.labels ?? {});
      if (labelsChanged || refChanged) for (const d of selecting(cur)) enqueue(d);
    },
    onDelete: rsDeleted,
  });

  // a Recreate rollout waits for the old pods to be gone
  ctx.informers.informer<Pod>(PODS).addEventHandler({
    onDelete: (pod) => {
      const ns = pod.metadata?.namespace ?? '';
      const podRef = getControllerOf(pod);
      if (podRef?.kind !== 'ReplicaSet') return;
      const rs = rsLister.get(ns, podRef.name);
      if (!rs || rs.metadata?.uid !== podRef.uid) return;
      const rsRef = getControllerOf(rs);
      const d = rsRef && resolve(ns, rsRef);
      if (!d || d.spec?.strategy?.type !== 'Recreate') return;
      const rsList = rsLister.listNamespace(ns).filter((r) => getControllerOf(r)?.uid === d.metadata?.uid);
      let n = 0;
      for (const pods of podMapFor(d, rsList).values()) n += pods.length;
      if (n === 0) enqueue(d);
    },
  });

  /** getPodMapForDeployment: the deployment's pods grouped by the ReplicaSet (uid) controlling them. */
  const podMapFor = (d: Deployment, rsList: readonly ReplicaSet[]): PodMap => {
    const map: PodMap = new Map();
    for (const rs of rsList) map.set(rs.metadata?.uid ?? '', []);
    const sel = tryLabelSelector(d.spec?.selector);
    if (!sel) return map;
    // the pods each ReplicaSet controls (an index lookup), of those the ones the selector matches
    const ns = d.metadata?.namespace ?? '';
    for (const [uid, list] of map) {
      if (uid === '') continue;
      for (const pod of podLister.byIndex(CONTROLLER_UID_OR_ORPHAN_INDEX, uid)) {
        if ((pod.metadata?.namespace ?? '') === ns && sel.matches(pod.metadata?.labels ?? {})) list.push(pod);
      }
    }
    return map;
  };

  /** getReplicaSetsForDeployment: claims (adopts/releases) the ReplicaSets of the namespace. */
  const replicaSetsFor = async (d: Deployment): Promise<ReplicaSet[]> => {
    const ns = d.metadata?.namespace ?? '';
    const sel = tryLabelSelector(d.spec?.selector);
    if (!sel) throw ApiError.badRequest(`deployment ${ns}/${d.metadata?.name ?? ''} has an invalid label selector`);
    return claimChildren(ctx.rest, { obj: d, resource: DEPLOYMENTS, apiVersion: 'apps/v1', kind: 'Deployment' }, REPLICASETS, rsLister.listNamespace(ns), sel);
  };

  const sync = async (key: string): Promise<void> => {
    const { namespace, name } = splitKey(key);
    const cached = dLister.get(namespace, name);
    if (!cached) return;
    const d = mutableCopy(cached);
    const selector = d.spec?.selector;
    if (selector && Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0) {
      s.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) {
        d.status = { ...(d.status ?? {}), observedGeneration: d.metadata?.generation ?? 0 };
        await s.updateStatus(d);
      }
      return;
    }
    const rsList = await replicaSetsFor(cached);
    const podMap = podMapFor(cached, rsList);
    if (d.metadata?.deletionTimestamp) return s.syncStatusOnly(d, rsList);
    await s.checkPausedConditions(d);
    if (d.spec?.paused) return s.sync(d, rsList);
    if (rollbackTo(d) !== undefined) return rollback(s, d, rsList);
    if (await s.isScalingEvent(d, rsList)) return s.sync(d, rsList);
    switch (d.spec?.strategy?.type) {
      case 'Recreate':
        return rolloutRecreate(s, d, rsList, podMap);
      case 'RollingUpdate':
        return rolloutRolling(s, d, rsList);
      default:
        throw ApiError.badRequest(`unexpected deployment strategy type: ${d.spec?.strategy?.type ?? ''}`);
    }
  };

  return {
    run: (signal) =>
      runController({
        name: DEPLOYMENT_CONTROLLER,
        queue,
        workers: ctx.settings.concurrentDeploymentSyncs,
        sync: ctx.metrics.wrap(DEPLOYMENT_CONTROLLER, requeueOnConflict(sync, (key) => queue.addAfter(key, 50))),
        log: ctx.log,
        signal,
      }),
  };
}
