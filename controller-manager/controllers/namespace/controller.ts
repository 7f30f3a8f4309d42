/**
 * The namespace controller (namespace/deletion/namespaced_resources_deleter.go): for a namespace being deleted it
 * deletes every namespaced object in it (a DELETE of each collection), keeps the deletion conditions up to date,
 * re-checks until nothing is left, and then removes the `kubernetes` finalizer through PUT
 * namespaces/{name}/finalize, after which the api-server removes the namespace.
 */
import type { Namespace, NamespaceCondition } from 'kubernetes-types/core/v1.js';
import { ApiError, isApiError } from '../../../api/errors.js';
import type { KubeObject } from '../../../api/object.js';
import { RESOURCES, requireResource, type ResourceInfo } from '../../../api/resources.js';
import { runController } from '../../../client/controller-runner.js';
import { WorkQueue } from '../../../client/workqueue.js';
import type { Controller, ControllerContext } from '../context.js';
import { errorMessage } from '../util/errors.js';
import { deletionConditions, type DeletionOutcome } from './conditions.js';
import { mutableCopy } from '../util/kinds.js';

export const NAMESPACE_CONTROLLER = 'namespace-controller';
export const NAMESPACES = requireResource('', 'v1', 'namespaces');
export const FINALIZER_KUBERNETES = 'kubernetes';

/** Every namespaced resource with its own storage (events.k8s.io/events shares core events' storage). */
export function namespacedResources(): ResourceInfo[] {
  return RESOURCES.filter((r) => r.namespaced && r.verbs.includes('deletecollection') && !(r.group === 'events.k8s.io' && r.resource === 'events'));
}

function resourceName(r: ResourceInfo): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

export function newNamespaceController(ctx: ControllerContext): Controller {
  const queue = new WorkQueue<string>({ name: 'namespace', clock: ctx.clock });
  const namespaces = ctx.informers.lister<Namespace>(NAMESPACES);
  const enqueue = (ns: Namespace): void => {
    if (ns.metadata?.deletionTimestamp) queue.add(ns.metadata.name ?? '');
  };
  ctx.informers.informer<Namespace>(NAMESPACES).addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n) });

  /** Deletes what is left of each resource and counts what remains. */
  const deleteContent = async (ns: string): Promise<DeletionOutcome> => {
    const outcome: DeletionOutcome = { remaining: new Map(), finalizers: new Map(), errors: [] };
    await Promise.all(
      namespacedResources().map(async (r) => {
        try {
          const list = await ctx.rest.list<KubeObject>(r, ns);
          if (list.items.length === 0) return;
          if (list.items.some((o) => !o.metadata?.deletionTimestamp)) await ctx.rest.deleteCollection(r, ns, { propagationPolicy: 'Background' });
          const left = await ctx.rest.list<KubeObject>(r, ns);
          if (left.items.length === 0) return;
          outcome.remaining.set(resourceName(r), left.items.length);
          for (const o of left.items) {
            for (const f of o.metadata?.finalizers ?? []) outcome.finalizers.set(f, (outcome.finalizers.get(f) ?? 0) + 1);
          }
        } catch (e) {
          if (isApiError(e, 'NotFound') || isApiError(e, 'MethodNotAllowed')) return;
          outcome.errors.push(`${resourceName(r)}: ${errorMessage(e)}`);
        }
      }),
    );
    return outcome;
  };

  const writeConditions = async (ns: Namespace, conds: NamespaceCondition[]): Promise<void> => {
    const old = ns.status?.conditions ?? [];
    const same = old.length === conds.length && old.every((c, i) => c.type === conds[i].type && c.status === conds[i].status && c.message === conds[i].message);
    if (same) return;
    const copy = mutableCopy(ns);
    copy.status = { ...(copy.status ?? {}), conditions: conds };
    try {
      await ctx.rest.updateStatus<Namespace>(NAMESPACES, undefined, copy);
    } catch (e) {
      // conditions are informative; a conflict is resolved by the next pass
      if (!isApiError(e, 'Conflict') && !isApiError(e, 'NotFound')) throw e;
    }
  };

  const sync = async (name: string): Promise<void> => {
    const ns = namespaces.get(undefined, name);
    if (!ns?.metadata?.deletionTimestamp) return;
    if (!(ns.spec?.finalizers ?? []).includes(FINALIZER_KUBERNETES)) return;
    const outcome = await deleteContent(name);
    await writeConditions(ns, deletionConditions(outcome, ns.status?.conditions ?? [], ctx.clock.now()));
    if (outcome.errors.length > 0) throw new ApiError(500, 'InternalError', `namespace ${name}: ${outcome.errors.join('; ')}`);
    if (outcome.remaining.size > 0) {
      ctx.log.debug({ namespace: name, remaining: Object.fromEntries(outcome.remaining) }, 'namespace content remaining; checking again later');
      queue.addAfter(name, ctx.settings.namespaceRetryPeriodMs);
      return;
    }
    const fresh = await ctx.rest.get<Namespace>(NAMESPACES, undefined, name);
    const copy = mutableCopy(fresh);
    copy.spec = { ...(copy.spec ?? {}), finalizers: (fresh.spec?.finalizers ?? []).filter((f) => f !== FINALIZER_KUBERNETES) };
    try {
      await ctx.rest.updateSubresource(NAMESPACES, undefined, name, 'finalize', copy);
      ctx.log.info({ namespace: name }, 'namespace content deleted; finalized');
    } catch (e) {
      if (!isApiError(e, 'NotFound')) throw e;
    }
  };

  return {
    run: (signal) =>
      runController({
        name: NAMESPACE_CONTROLLER,
        queue,
        workers: ctx.settings.concurrentNamespaceSyncs,
        sync: ctx.metrics.wrap(NAMESPACE_CONTROLLER, sync),
        log: ctx.log,
        signal,
      }),
  };
}
