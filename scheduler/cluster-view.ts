/**
 * What plugins see of the cluster (framework.ClusterView): the scheduler cache plus the Namespace, Service and
 * workload-controller listers that inter-pod affinity namespace selectors and default spreading need.
 */
import type { Namespace, Pod, ReplicationController, Service } from 'kubernetes-types/core/v1.js';
import type { ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import { selectorFromLabelSelector, selectorFromSet, Selector, type Requirement } from '../api/labels.js';
import type { Lister } from '../client/lister.js';
import type { SchedulerCache } from './cache/cache.js';
import type { NodeInfo } from './cache/node-info.js';
import type { ClusterView } from './framework/types.js';
import { ApiError } from '../api/errors.js';

export interface WorkloadListers {
  namespaces: Lister<Namespace>;
  services: Lister<Service>;
  replicaSets: Lister<ReplicaSet>;
  /** Absent when the api-server does not serve the resource. */
  statefulSets?: Lister<StatefulSet>;
  replicationControllers?: Lister<ReplicationController>;
}

/** helper.DefaultSelector: the Services selecting the pod, and its controlling RC / ReplicaSet / StatefulSet. */
export function defaultSelector(pod: Pod, l: WorkloadListers): Selector {
  const ns = pod.metadata?.namespace ?? '';
  const podLabels = pod.metadata?.labels ?? {};
  let set: Record<string, string> = {};
  for (const svc of l.services.listNamespace(ns)) {
    const sel = svc.spec?.selector;
    if (!sel) continue;
    if (selectorFromSet(sel).matches(podLabels)) set = { ...set, ...sel };
  }
  let selector = selectorFromSet(set);
  const owner = (pod.metadata?.ownerReferences ?? []).find((o) => o.controller === true);
  if (!owner) return selector;
  const extra = (ls: Parameters<typeof selectorFromLabelSelector>[0]): Requirement[] => {
    try {
      return [...selectorFromLabelSelector(ls).requirements];
    } catch (e) {
      if (e instanceof ApiError) return [];
      throw e;
    }
  };
  if (owner.apiVersion === 'v1' && owner.kind === 'ReplicationController') {
    const rc = l.replicationControllers?.get(ns, owner.name);
    if (rc?.spec?.selector) selector = selectorFromSet({ ...set, ...rc.spec.selector });
  } else if (owner.apiVersion === 'apps/v1' && owner.kind === 'ReplicaSet') {
    const rs = l.replicaSets.get(ns, owner.name);
    if (rs) selector = selector.add(...extra(rs.spec?.selector));
  } else if (owner.apiVersion === 'apps/v1' && owner.kind === 'StatefulSet') {
    const ss = l.statefulSets?.get(ns, owner.name);
    if (ss) selector = selector.add(...extra(ss.spec?.selector));
  }
  return selector;
}

export function clusterView(cache: SchedulerCache, listers: WorkloadListers): ClusterView {
  return {
    nodeInfos: (): readonly NodeInfo[] => cache.nodeInfos(),
    nodeInfo: (name) => cache.nodeInfo(name),
    nodesWithAffinityPods: () => cache.nodesWithAffinityPods(),
    namespaceLabels: (ns) => listers.namespaces.get(undefined, ns)?.metadata?.labels,
    defaultSelector: (pod) => defaultSelector(pod, listers),
  };
}
