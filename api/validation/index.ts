/**
 * Upstream validation for the kinds kubemu serves. Each validator returns FieldError[] (empty = valid);
 * wrap them with ApiError.invalid(kind, group, name, errors). Validate defaulted objects (api/defaults).
 *
 * `validateCreate(resource, obj)` / `validateUpdate(resource, obj, old)` dispatch by plural resource name;
 * unknown resources get generic ObjectMeta validation.
 */
import type { KubeObject } from '../object.js';
import type { FieldError } from '../errors.js';
import { RESOURCES } from '../resources.js';
import {
  validateConfigMap,
  validateConfigMapUpdate,
  validateEndpointSlice,
  validateEndpointSliceUpdate,
  validateEndpoints,
  validateEndpointsUpdate,
  validateEvent,
  validateEventUpdate,
  validateLease,
  validateLeaseUpdate,
  validateNamespace,
  validateNamespaceUpdate,
  validateNode,
  validateNodeUpdate,
  validateSecret,
  validateSecretUpdate,
  validateServiceAccount,
  validateServiceAccountUpdate,
} from './core.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './metadata.js';
import { nameIsDNSSubdomain } from './names.js';
import { validatePod, validatePodUpdate } from './pod.js';
import { validateService, validateServiceUpdate } from './service.js';
import {
  validateDaemonSet,
  validateDaemonSetUpdate,
  validateDeployment,
  validateDeploymentUpdate,
  validateReplicaSet,
  validateReplicaSetUpdate,
  validateStatefulSet,
  validateStatefulSetUpdate,
} from './workloads.js';
import { validateJob, validateJobUpdate } from './jobs.js';
import { validateCronJob, validateCronJobUpdate } from './cronjobs.js';

export * from './container.js';
export * from './core.js';
export * from './gofmt.js';
export * from './metadata.js';
export * from './names.js';
export * from './pod.js';
export * from './service.js';
export * from './workloads.js';
export * from './jobs.js';
export * from './cronjobs.js';

type CreateFn = (obj: never) => FieldError[];
type UpdateFn = (obj: never, old: never) => FieldError[];

const CREATE: Record<string, CreateFn> = {
  pods: validatePod,
  services: validateService,
  namespaces: validateNamespace,
  configmaps: validateConfigMap,
  secrets: validateSecret,
  nodes: validateNode,
  endpoints: validateEndpoints,
  events: validateEvent,
  serviceaccounts: validateServiceAccount,
  leases: validateLease,
  endpointslices: validateEndpointSlice,
  deployments: validateDeployment,
  replicasets: validateReplicaSet,
  statefulsets: validateStatefulSet,
  daemonsets: validateDaemonSet,
  jobs: validateJob,
  cronjobs: validateCronJob,
};

const UPDATE: Record<string, UpdateFn> = {
  pods: validatePodUpdate,
  services: validateServiceUpdate,
  namespaces: validateNamespaceUpdate,
  configmaps: validateConfigMapUpdate,
  secrets: validateSecretUpdate,
  nodes: validateNodeUpdate,
  endpoints: validateEndpointsUpdate,
  events: validateEventUpdate,
  serviceaccounts: validateServiceAccountUpdate,
  leases: validateLeaseUpdate,
  endpointslices: validateEndpointSliceUpdate,
  deployments: validateDeploymentUpdate,
  replicasets: validateReplicaSetUpdate,
  statefulsets: validateStatefulSetUpdate,
  daemonsets: validateDaemonSetUpdate,
  jobs: validateJobUpdate,
  cronjobs: validateCronJobUpdate,
};

function namespaced(resource: string): boolean {
  return RESOURCES.find((r) => r.resource === resource)?.namespaced ?? true;
}

export function validateCreate(resource: string, obj: KubeObject): FieldError[] {
  const fn = CREATE[resource] as ((o: KubeObject) => FieldError[]) | undefined;
  if (fn) return fn(obj);
  return validateObjectMeta(obj.metadata, { namespaced: namespaced(resource), nameFn: nameIsDNSSubdomain });
}

export function validateUpdate(resource: string, obj: KubeObject, old: KubeObject): FieldError[] {
  const fn = UPDATE[resource] as ((o: KubeObject, p: KubeObject) => FieldError[]) | undefined;
  if (fn) return fn(obj, old);
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  errs.push(...validateObjectMeta(obj.metadata, { namespaced: namespaced(resource), nameFn: nameIsDNSSubdomain }).filter((e) => !e.field.startsWith('metadata.name')));
  return errs;
}
