import type { ConfigMap, Endpoints, Secret, ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { FieldError } from '../../../api/errors.js';
import type { StoredObject } from '../../../api/object.js';
import { requireResource } from '../../../api/resources.js';
import {
  validateConfigMap,
  validateEndpointSlice,
  validateEndpoints,
  validateEvent,
  validateLease,
  validateSecret,
  validateServiceAccount,
} from '../../../api/validation/core.js';
import { baseStrategy, type Strategy } from '../strategy.js';
import { defaultEndpointSlice, defaultEndpoints, defaultSecret } from '../../../api/defaults/index.js';

/** Strategies of the simple resources: validation only, no status subresource. */
export const configMapStrategy: Strategy = baseStrategy(requireResource('', 'v1', 'configmaps'), {
  validate: (o) => validateConfigMap(o as unknown as ConfigMap),
  validateUpdate: (o, old) => [...validateConfigMap(o as unknown as ConfigMap), ...immutableData(o, old)],
});

export const secretStrategy: Strategy = baseStrategy(requireResource('', 'v1', 'secrets'), {
  defaults: (o) => defaultSecret(o as unknown as Secret),
  validate: (o) => validateSecret(o as unknown as Secret),
  validateUpdate: (o, old) => {
    const errs = [...validateSecret(o as unknown as Secret), ...immutableData(o, old)];
    if ((o as unknown as Secret).type !== (old as unknown as Secret).type) errs.push(FieldError.invalid('type', (o as unknown as Secret).type, 'field is immutable'));
    return errs;
  },
});

export const serviceAccountStrategy: Strategy = baseStrategy(requireResource('', 'v1', 'serviceaccounts'), {
  validate: (o) => validateServiceAccount(o as unknown as ServiceAccount),
  validateUpdate: (o) => validateServiceAccount(o as unknown as ServiceAccount),
});

export const endpointsStrategy: Strategy = baseStrategy(requireResource('', 'v1', 'endpoints'), {
  defaults: (o) => defaultEndpoints(o as unknown as Endpoints),
  validate: (o) => validateEndpoints(o as unknown as Endpoints),
  validateUpdate: (o) => validateEndpoints(o as unknown as Endpoints),
});

export const eventStrategy: Strategy = baseStrategy(requireResource('', 'v1', 'events'), {
  validate: (o) => validateEvent(o),
  validateUpdate: (o) => validateEvent(o),
});

export const leaseStrategy: Strategy = baseStrategy(requireResource('coordination.k8s.io', 'v1', 'leases'), {
  validate: (o) => validateLease(o as unknown as Lease),
  validateUpdate: (o) => validateLease(o as unknown as Lease),
});

export const endpointSliceStrategy: Strategy = baseStrategy(requireResource('discovery.k8s.io', 'v1', 'endpointslices'), {
  defaults: (o) => defaultEndpointSlice(o as unknown as EndpointSlice),
  tracksGeneration: true,
  generationChanged: (o, old) => JSON.stringify([o.endpoints, o.ports]) !== JSON.stringify([old.endpoints, old.ports]),
  validate: (o) => validateEndpointSlice(o as unknown as EndpointSlice),
  validateUpdate: (o) => validateEndpointSlice(o as unknown as EndpointSlice),
});

/** ConfigMaps and Secrets with `immutable: true` keep their data (upstream ValidateConfigMapUpdate). */
function immutableData(o: StoredObject, old: StoredObject): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (o.immutable !== true) errs.push(FieldError.forbidden('immutable', 'field is immutable when `immutable` is set'));
  if (JSON.stringify(o.data ?? {}) !== JSON.stringify(old.data ?? {})) errs.push(FieldError.forbidden('data', 'field is immutable when `immutable` is set'));
  if (JSON.stringify(o.binaryData ?? {}) !== JSON.stringify(old.binaryData ?? {})) errs.push(FieldError.forbidden('binaryData', 'field is immutable when `immutable` is set'));
  return errs;
}
