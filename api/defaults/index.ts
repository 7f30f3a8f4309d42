/**
 * Upstream defaulting for the kinds kubemu serves. Every function mutates the object it is given
 * (callers pass a fresh copy). `applyDefaults(resource, obj)` dispatches by plural resource name.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isRecord, type KubeObject } from '../object.js';
import { defaultCronJob, defaultDaemonSet, defaultDeployment, defaultJob, defaultReplicaSet, defaultStatefulSet } from './apps.js';
import {
  defaultEndpointSlice,
  defaultEndpoints,
  defaultNamespace,
  defaultNode,
  defaultPersistentVolumeClaim,
  defaultPodTemplate,
  defaultReplicationController,
  defaultSecret,
  defaultService,
} from './core.js';
import { defaultPod } from './pod.js';

export * from './apps.js';
export * from './core.js';
export * from './pod.js';

type Defaulter = (obj: never) => void;

const DEFAULTERS: Record<string, Defaulter> = {
  pods: defaultPod,
  podtemplates: defaultPodTemplate,
  replicationcontrollers: defaultReplicationController,
  services: defaultService,
  namespaces: defaultNamespace,
  secrets: defaultSecret,
  nodes: defaultNode,
  endpoints: defaultEndpoints,
  endpointslices: defaultEndpointSlice,
  persistentvolumeclaims: defaultPersistentVolumeClaim,
  deployments: defaultDeployment,
  replicasets: defaultReplicaSet,
  statefulsets: defaultStatefulSet,
  daemonsets: defaultDaemonSet,
  jobs: defaultJob,
  cronjobs: defaultCronJob,
};

/** Applies the defaults of `resource` (plural, e.g. 'deployments') to obj in place; unknown resources are left alone. */
export function applyDefaults(resource: string, obj: KubeObject): void {
  if (!isRecord(obj)) return;
  const fn = DEFAULTERS[resource] as ((o: KubeObject) => void) | undefined;
  fn?.(obj);
}

/** Convenience for tests and controllers: a defaulted copy of a pod. */
export function withPodDefaults(pod: Pod): Pod {
  const copy = structuredClone(pod);
  defaultPod(copy);
  return copy;
}
