/**
 * The EndpointSlice controller (endpointslice/endpointslice_controller.go): EndpointSlices for every Service with a
 * selector, labelled kubernetes.io/service-name and endpointslice.kubernetes.io/managed-by, owned by the Service
 * (so the garbage collector removes them with it).
 */
import type { Node, Pod, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { ApiError } from '../../../api/errors.js';
import { requireResource } from '../../../api/resources.js';
import { runController } from '../../../client/controller-runner.js';
import { objectKey, splitKey } from '../../../client/types.js';
import { WorkQueue } from '../../../client/workqueue.js';
import type { Controller, ControllerContext } from '../context.js';
import { SERVICES } from '../endpoints/controller.js';
import { podEventsToServices } from '../util/endpoints.js';
import { PODS } from '../util/pod-control.js';
import { setSelector } from '../util/selectors.js';
import { desiredEndpoints } from './desired.js';
import { CONTROLLER_NAME, ENDPOINTSLICES, MANAGED_BY_LABEL, reconcileSlices, SERVICE_NAME_LABEL } from './reconcile.js';
import { SliceTracker } from './tracker.js';

export const ENDPOINTSLICE_CONTROLLER = 'endpointslice-controller';
const NODES = requireResource('', 'v1', 'nodes');
const SERVICE_INDEX = 'serviceName';

function ours(slice: EndpointSlice): boolean {
  return slice.metadata?.labels?.[MANAGED_BY_LABEL] === CONTROLLER_NAME && !!slice.metadata.labels[SERVICE_NAME_LABEL];
}

function serviceKeyOf(slice: EndpointSlice): string {
  return `${slice.metadata?.namespace ?? ''}/${slice.metadata?.labels?.[SERVICE_NAME_LABEL] ?? ''}`;
}

export function newEndpointSliceController(ctx: ControllerContext): Controller {
  const queue = new WorkQueue<string>({ name: 'endpoint_slice', clock: ctx.clock });
  const services = ctx.informers.lister<Service>(SERVICES);
  const pods = ctx.informers.lister<Pod>(PODS);
  const nodes = ctx.informers.lister<Node>(NODES);
  const slices = ctx.informers.lister<EndpointSlice>(ENDPOINTSLICES);
  ctx.informers.ensureIndex<EndpointSlice>(ENDPOINTSLICES, SERVICE_INDEX, (s) => (ours(s) ? [serviceKeyOf(s)] : []));
  const tracker = new SliceTracker();
  const enqueue = (key: string): void => queue.add(key);
  const enqueueAll = (): void => {
    for (const s of services.list()) if (s.spec?.selector) enqueue(objectKey(s));
  };

  ctx.informers.informer<Service>(SERVICES).addEventHandler({
    onAdd: (s) => enqueue(objectKey(s)),
    onUpdate: (_o, s) => enqueue(objectKey(s)),
    onDelete: (s) => {
      tracker.forget(objectKey(s));
      enqueue(objectKey(s));
    },
  });
  ctx.informers.informer<Pod>(PODS).addEventHandler(podEventsToServices(services, enqueue));
  // pods on a node not yet known are left out until it appears
  ctx.informers.informer<Node>(NODES).addEventHandler({
    onAdd: (_n, initial) => {
      if (!initial) enqueueAll();
    },
    onUpdate: (o, n) => {
      if (o.metadata?.labels?.['topology.kubernetes.io/zone'] !== n.metadata?.labels?.['topology.kubernetes.io/zone']) enqueueAll();
    },
    onDelete: enqueueAll,
  });
  // slices changed by someone else are put back in shape
  ctx.informers.informer<EndpointSlice>(ENDPOINTSLICES).addEventHandler({
    onAdd: (s) => {
      if (!ours(s)) return;
      tracker.observed(serviceKeyOf(s), s, false);
    },
    onUpdate: (_o, s) => {
      if (!ours(s)) return;
      const key = serviceKeyOf(s);
      const foreign = tracker.isForeign(key, s);
      tracker.observed(key, s, false);
      if (foreign) enqueue(key);
    },
    onDelete: (s) => {
      if (!ours(s)) return;
      const key = serviceKeyOf(s);
      const foreign = tracker.isForeign(key, s);
      tracker.observed(key, s, true);
      if (foreign) enqueue(key);
    },
  });

  const sync = async (key: string): Promise<void> => {
    const { namespace, name } = splitKey(key);
    const ns = namespace ?? '';
    const svc = services.get(ns, name);
    // a deleted Service's slices go with it through their owner reference (garbage collector)
    if (!svc || svc.spec?.type === 'ExternalName' || !svc.spec?.selector) return;
    const existing = slices.byIndex(SERVICE_INDEX, key).filter((s) => !s.metadata?.deletionTimestamp);
    if (tracker.stale(key, existing)) throw new ApiError(409, 'Conflict', `EndpointSlice informer cache is out of date for service ${key}`);
    const selected = pods.listNamespace(ns, setSelector(svc.spec.selector));
    const desired = desiredEndpoints(svc, selected, (n) => nodes.get(undefined, n));
    await reconcileSlices(ctx.rest, tracker, svc, desired, existing);
    if (desired.missingNodes.length > 0) {
      throw new ApiError(409, 'Conflict', `skipping pods of Service ${key}: nodes ${[...new Set(desired.missingNodes)].join(', ')} not found`);
    }
  };

  return {
    run: (signal) =>
      runController({
        name: ENDPOINTSLICE_CONTROLLER,
        queue,
        workers: ctx.settings.concurrentServiceEndpointSyncs,
        sync: ctx.metrics.wrap(ENDPOINTSLICE_CONTROLLER, sync),
        log: ctx.log,
        signal,
      }),
  };
}
