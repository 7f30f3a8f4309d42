/**
 * The garbage collector (pkg/controller/garbagecollector): watches every served resource but Events, and deletes
 * objects whose owners are gone, honouring Background, Foreground and Orphan propagation.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { KubeObject } from '../../../api/object.js';
import type { ResourceInfo } from '../../../api/resources.js';
import { runController } from '../../../client/controller-runner.js';
import { WorkQueue } from '../../../client/workqueue.js';
import type { Controller, ControllerContext } from '../context.js';
import { AbsentOwnerCache } from './absent-cache.js';
import { itemKey, OwnerGraph } from './graph.js';
import { attemptToDelete, deletingDependents, FINALIZER_FOREGROUND, FINALIZER_ORPHAN, type GcDeps } from './sync.js';

export const GARBAGE_COLLECTOR_CONTROLLER = 'garbage-collector-controller';

function refsKey(obj: KubeObject): string {
  return JSON.stringify(obj.metadata?.ownerReferences ?? []);
}

function gcFinalizerPending(obj: KubeObject): boolean {
  const f = obj.metadata?.finalizers ?? [];
  return !!obj.metadata?.deletionTimestamp && (f.includes(FINALIZER_ORPHAN) || f.includes(FINALIZER_FOREGROUND));
}

export function newGarbageCollector(ctx: ControllerContext): Controller {
  const queue = new WorkQueue<string>({ name: 'garbage_collector_attempt_to_delete', clock: ctx.clock });
  const graph = new OwnerGraph(ctx.informers);
  const enqueue = (r: ResourceInfo, obj: KubeObject): void => queue.add(itemKey(r, obj));
  const deps: GcDeps = { rest: ctx.rest, graph, absent: new AbsentOwnerCache(), log: ctx.log, enqueue };

  /** An owner in the graph, or of a kind the collector does not watch (such references are never acted on). */
  const ownerKnown = (ref: OwnerReference): boolean => {
    const r = graph.resourceOf(ref);
    return !r || graph.byUid(r, ref.uid) !== undefined;
  };

  /** Owners of `obj` that wait for their dependents: one fewer dependent may let them go. */
  const enqueueWaitingOwners = (obj: KubeObject): void => {
    for (const ref of obj.metadata?.ownerReferences ?? []) {
      const r = graph.resourceOf(ref);
      const owner = r && graph.byUid(r, ref.uid);
      if (r && owner && deletingDependents(owner)) enqueue(r, owner);
    }
  };

  for (const r of graph.resources) {
    graph.informer(r).addEventHandler({
      onAdd: (obj) => {
        // as upstream's graph builder: a new dependent needs a decision only when one of its owners is not known
        // (yet, or any more); one whose owners are all in the graph is left alone
        if (gcFinalizerPending(obj) || (obj.metadata?.ownerReferences ?? []).some((ref) => !ownerKnown(ref))) enqueue(r, obj);
      },
      onUpdate: (old, cur) => {
        if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
        if (gcFinalizerPending(cur)) {
          enqueue(r, cur);
          return;
        }
        if (refsKey(old) !== refsKey(cur)) {
          enqueue(r, cur);
          enqueueWaitingOwners(old);
        }
      },
      onDelete: (obj) => {
        for (const dep of graph.dependents(obj.metadata?.uid ?? '')) enqueue(dep.resource, dep.obj);
        enqueueWaitingOwners(obj);
      },
    });
  }

  const sync = async (key: string): Promise<void> => {
    const item = graph.parseKey(key);
    if (item) await attemptToDelete(deps, item);
  };

  return {
    run: (signal) =>
      runController({
        name: GARBAGE_COLLECTOR_CONTROLLER,
        queue,
        workers: ctx.settings.concurrentGcSyncs,
        sync: ctx.metrics.wrap(GARBAGE_COLLECTOR_CONTROLLER, sync),
        log: ctx.log,
        signal,
      }),
  };
}
