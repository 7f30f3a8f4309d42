/**
 * The service load-balancer controller (like k3s's ServiceLB): every LoadBalancer Service gets
 * status.loadBalancer.ingress [{ip: <address>}] — the host, where kube-proxy also opens the Service's port —
 * and a Service that stops being a LoadBalancer has its ingress cleared.
 */
import type { Service } from 'kubernetes-types/core/v1.js';
import { isApiError } from '../../../api/errors.js';
import { runController } from '../../../client/controller-runner.js';
import { objectKey, splitKey } from '../../../client/types.js';
import { WorkQueue } from '../../../client/workqueue.js';
import type { Controller, ControllerContext } from '../context.js';
import { SERVICES } from '../endpoints/controller.js';
import { mutableCopy } from '../util/kinds.js';
import { desiredIngress } from './ingress.js';

export const SERVICE_LB_CONTROLLER = 'service-lb-controller';

export function newServiceLBController(ctx: ControllerContext): Controller {
  const queue = new WorkQueue<string>({ name: 'service-lb', clock: ctx.clock });
  const services = ctx.informers.lister<Service>(SERVICES);
  ctx.informers.informer<Service>(SERVICES).addEventHandler({
    onAdd: (s) => queue.add(objectKey(s)),
    onUpdate: (_o, s) => queue.add(objectKey(s)),
  });

  const sync = async (key: string): Promise<void> => {
    const { namespace, name } = splitKey(key);
    const svc = services.get(namespace ?? '', name);
    if (!svc) return;
    const want = desiredIngress(svc, ctx.settings.loadBalancerAddress);
    if (want === undefined) return;
    const next = mutableCopy(svc);
    next.status = { ...(next.status ?? {}), loadBalancer: want.length ? { ingress: want } : {} };
    try {
      await ctx.rest.updateStatus<Service>(SERVICES, namespace, next);
    } catch (e) {
      if (isApiError(e, 'NotFound')) return;
      throw e;
    }
  };

  return {
    run: (signal) =>
      runController({ name: SERVICE_LB_CONTROLLER, queue, workers: 2, sync: ctx.metrics.wrap(SERVICE_LB_CONTROLLER, sync), log: ctx.log, signal }),
  };
}
