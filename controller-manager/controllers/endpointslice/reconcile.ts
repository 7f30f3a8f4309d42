/**
 * Turns the desired endpoints of a Service into EndpointSlices (a simpler version of endpointslice/reconciler.go):
 * one group of slices per port set, at most 100 endpoints each, existing slices of a port set reused in order,
 * changed ones updated, missing ones created (generateName `<service>-`), extra ones deleted. A Service with no
 * endpoints keeps one empty placeholder slice, as upstream.
 */
import type { Service } from 'kubernetes-types/core/v1.js';
import type { Endpoint, EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { isApiError } from '../../../api/errors.js';
import type { DeepMutable } from '../../../api/object.js';
import { requireResource } from '../../../api/resources.js';
import { deepEqual } from '../../../api/validation/util.js';
import type { RestClient } from '../../../client/rest.js';
import { objectKey } from '../../../client/types.js';
import { newControllerRef } from '../util/owner.js';
import { portsKey, type Desired, type PortSet } from './desired.js';
import type { SliceTracker } from './tracker.js';
import { mutableCopy } from '../util/kinds.js';

export const ENDPOINTSLICES = requireResource('discovery.k8s.io', 'v1', 'endpointslices');
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
export const MAX_ENDPOINTS_PER_SLICE = 100;

/** setEndpointSliceLabels: the Service's labels (but the reserved ones) plus service-name and managed-by. */
export function sliceLabels(svc: Service): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata?.labels ?? {})) {
    if (k === SERVICE_NAME_LABEL || k === MANAGED_BY_LABEL) continue;
    labels[k] = v;
  }
  if (svc.spec?.clusterIP === 'None') labels[HEADLESS_LABEL] = '';
  labels[SERVICE_NAME_LABEL] = svc.metadata?.name ?? '';
  labels[MANAGED_BY_LABEL] = CONTROLLER_NAME;
  return labels;
}

interface Chunk {
  ports: PortSet['ports'];
  endpoints: Endpoint[];
}

function chunks(desired: Desired): Map<string, Chunk[]> {
  const out = new Map<string, Chunk[]>();
  for (const set of desired.byPorts.values()) {
    if (set.endpoints.length === 0) continue;
    const list: Chunk[] = [];
    for (let i = 0; i < set.endpoints.length; i += MAX_ENDPOINTS_PER_SLICE) {
      list.push({ ports: set.ports, endpoints: set.endpoints.slice(i, i + MAX_ENDPOINTS_PER_SLICE) });
    }
    out.set(set.key, list);
  }
  return out;
}

function sameContent(slice: EndpointSlice, c: Chunk, labels: Record<string, string>, addressType: string): boolean {
  return (
    slice.addressType === addressType &&
    deepEqual(slice.endpoints ?? [], c.endpoints) &&
    deepEqual(slice.ports ?? [], c.ports) &&
    deepEqual(slice.metadata?.labels ?? {}, labels)
  );
}

export async function reconcileSlices(
  rest: RestClient,
  tracker: SliceTracker,
  svc: Service,
  desired: Desired,
  existing: readonly EndpointSlice[],
): Promise<void> {
  const ns = svc.metadata?.namespace ?? '';
  const key = objectKey(svc);
  const labels = sliceLabels(svc);
  const ref = newControllerRef(svc, 'v1', 'Service');
  const wanted = chunks(desired);
  if (wanted.size === 0) wanted.set(portsKey([]), [{ ports: [], endpoints: [] }]);

  const byPorts = new Map<string, EndpointSlice[]>();
  const toDelete: EndpointSlice[] = [];
  for (const s of existing) {
    if (s.addressType !== desired.addressType) {
      toDelete.push(s);
      continue;
    }
    const k = portsKey(s.ports ?? []);
    if (!wanted.has(k)) {
      // a slice of a port set nobody offers any more; reuse it for the placeholder if that is all we need
      toDelete.push(s);
      continue;
    }
    let l = byPorts.get(k);
    if (!l) byPorts.set(k, (l = []));
    l.push(s);
  }
  const toCreate: Chunk[] = [];
  const toUpdate: [EndpointSlice, Chunk][] = [];
  for (const [k, list] of wanted) {
    const have = (byPorts.get(k) ?? []).sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1));
    list.forEach((c, i) => {
      const s = have[i];
      if (!s) toCreate.push(c);
      else if (!sameContent(s, c, labels, desired.addressType)) toUpdate.push([s, c]);
    });
    for (const extra of have.slice(list.length)) toDelete.push(extra);
  }
  // reuse a slice about to be deleted instead of creating one (fewer writes, stable names)
  while (toCreate.length > 0 && toDelete.length > 0) toUpdate.push([toDelete.pop()!, toCreate.pop()!]);

  for (const c of toCreate) {
    const slice: DeepMutable<EndpointSlice> = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { generateName: `${svc.metadata?.name ?? ''}-`, namespace: ns, labels, ownerReferences: [ref] },
      addressType: desired.addressType,
      endpoints: c.endpoints,
      ports: c.ports,
    };
    const created = await rest.create<EndpointSlice>(ENDPOINTSLICES, ns, slice);
    tracker.wrote(key, created);
  }
  for (const [s, c] of toUpdate) {
    const next = mutableCopy(s);
    next.addressType = desired.addressType;
    next.endpoints = c.endpoints;
    next.ports = c.ports;
    next.metadata!.labels = labels;
    const updated = await rest.update<EndpointSlice>(ENDPOINTSLICES, ns, next);
    tracker.wrote(key, updated);
  }
  for (const s of toDelete) {
    try {
      await rest.delete(ENDPOINTSLICES, ns, s.metadata?.name ?? '');
    } catch (e) {
      if (!isApiError(e, 'NotFound')) throw e;
    }
    tracker.deleted(key, s.metadata?.name ?? '');
  }
}
