/**
 * The Endpoints controller (endpoints_controller.go): one Endpoints object per Service with a selector, named like
 * the Service, listing the selected pods as ready or not-ready addresses. Services without a selector and
 * ExternalName Services are left alone.
 */
import type { Endpoints, Pod, Service } from 'kubernetes-types/core/v1.js';
import { isApiError } from '../../../api/errors.js';
import type { DeepMutable } from '../../../api/object.js';
import { requireResource } from '../../../api/resources.js';
import { deepEqual } from '../../../api/validation/util.js';
import { runController } from '../../../client/controller-runner.js';
import { objectKey, splitKey } from '../../../client/types.js';
import { WorkQueue } from '../../../client/workqueue.js';
import type { Controller, ControllerContext } from '../context.js';
import { podEventsToServices } from '../util/endpoints.js';
import { errorMessage, hasStatusCause, NAMESPACE_TERMINATING_CAUSE } from '../util/errors.js';
import { mutableCopy, typed } from '../util/kinds.js';
import { PODS } from '../util/pod-control.js';
import { setSelector } from '../util/selectors.js';
import { buildSubsets } from './subsets.js';

export const ENDPOINTS = requireResource('', 'v1', 'endpoints');
export const SERVICES = requireResource('', 'v1', 'services');
export const ENDPOINTS_CONTROLLER = 'endpoints-controller';
/** v1.IsHeadlessService */
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';

function withoutHeadless(labels: Record<string, string> | undefined): Record<string, string> {
  const l = { ...(labels ?? {}) };
  delete l[HEADLESS_LABEL];
  return l;
}

export function newEndpointsController(ctx: ControllerContext): Controller {
  const queue = new WorkQueue<string>({ name: 'endpoint', clock: ctx.clock });
  const services = ctx.informers.lister<Service>(SERVICES);
  const pods = ctx.informers.lister<Pod>(PODS);
  const endpoints = ctx.informers.lister<Endpoints>(ENDPOINTS);
  const recorder = ctx.recorder('endpoint-controller');
  const enqueue = (key: string): void => queue.add(key);

  ctx.informers.informer<Service>(SERVICES).addEventHandler({
    onAdd: (s) => enqueue(objectKey(s)),
    onUpdate: (_o, s) => enqueue(objectKey(s)),
    onDelete: (s) => enqueue(objectKey(s)),
  });
  ctx.informers.informer<Pod>(PODS).addEventHandler(podEventsToServices(services, enqueue));
  // an Endpoints object deleted by someone else is recreated if its Service still wants it
  ctx.informers.informer<Endpoints>(ENDPOINTS).addEventHandler({ onDelete: (ep) => enqueue(objectKey(ep)) });

  const sync = async (key: string): Promise<void> => {
    const { namespace, name } = splitKey(key);
    const ns = namespace ?? '';
    const svc = services.get(ns, name);
    if (!svc) {
      try {
        await ctx.rest.delete(ENDPOINTS, ns, name);
      } catch (e) {
        if (!isApiError(e, 'NotFound')) throw e;
      }
      return;
    }
    if (svc.spec?.type === 'ExternalName' || !svc.spec?.selector) return;
    const selected = pods.listNamespace(ns, setSelector(svc.spec.selector));
    const subsets = buildSubsets(svc, selected);
    const current = endpoints.get(ns, name);
    const svcLabels = svc.metadata?.labels ?? {};
    if (current && deepEqual(current.subsets ?? [], subsets) && deepEqual(withoutHeadless(current.metadata?.labels), svcLabels)) return;

    const next: DeepMutable<Endpoints> = current ? mutableCopy(current) : { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: ns } };
    next.subsets = mutableCopy(subsets);
    if (subsets.length === 0) delete next.subsets;
    const labels = { ...svcLabels };
    if (svc.spec.clusterIP === 'None') labels[HEADLESS_LABEL] = '';
    next.metadata!.labels = labels;
    try {
      if (current) await ctx.rest.update<Endpoints>(ENDPOINTS, ns, next);
      else await ctx.rest.create<Endpoints>(ENDPOINTS, ns, next);
    } catch (e) {
      if (!current && hasStatusCause(e, NAMESPACE_TERMINATING_CAUSE)) return;
      const ep = typed(next, 'v1', 'Endpoints');
      if (current) recorder.event(ep, 'Warning', 'FailedToUpdateEndpoint', `Failed to update endpoint ${ns}/${name}: ${errorMessage(e)}`);
      else recorder.event(ep, 'Warning', 'FailedToCreateEndpoint', `Failed to create endpoint for service ${ns}/${name}: ${errorMessage(e)}`);
      throw e;
    }
  };

  return {
    run: (signal) =>
      runController({
        name: ENDPOINTS_CONTROLLER,
        queue,
        workers: ctx.settings.concurrentEndpointSyncs,
        sync: ctx.metrics.wrap(ENDPOINTS_CONTROLLER, sync),
        log: ctx.log,
        signal,
      }),
  };
}
