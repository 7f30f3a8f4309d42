/**
 * The taint-eviction controller (pkg/controller/tainteviction): deletes pods bound to a node with NoExecute taints
 * they do not tolerate, at once or when their tolerationSeconds run out; removing the taint cancels a pending
 * eviction. Level-triggered per pod: sync(pod) recomputes the decision from the caches and either cancels, waits
 * (re-queued for the due time) or evicts (DisruptionTarget condition, then DELETE).
 */
import type { Node, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import { isApiError } from '../../../api/errors.js';
import { runController } from '../../../client/controller-runner.js';
import { objectKey, splitKey } from '../../../client/types.js';
import { WorkQueue } from '../../../client/workqueue.js';
import type { Controller, ControllerContext } from '../context.js';
import { POD_NODE_INDEX, podNodeIndex } from '../nodelifecycle/controller.js';
import { mutableCopy, typed } from '../util/kinds.js';
import { PODS } from '../util/pod-control.js';
import { NODES, noExecuteTaints } from '../util/taints.js';
import { rfc3339 } from '../util/time.js';
import { decide, type Scheduled } from './schedule.js';

export const TAINT_EVICTION_CONTROLLER = 'taint-eviction-controller';

export function newTaintEvictionController(ctx: ControllerContext): Controller {
  const queue = new WorkQueue<string>({ name: 'taint_eviction', clock: ctx.clock });
  const pods = ctx.informers.lister<Pod>(PODS);
  const nodes = ctx.informers.lister<Node>(NODES);
  ctx.informers.ensureIndex<Pod>(PODS, POD_NODE_INDEX, podNodeIndex);
  const recorder = ctx.recorder(TAINT_EVICTION_CONTROLLER);
  const scheduled = new Map<string, Scheduled>();
  const log = ctx.log;

  const podEvent = (key: string, message: string): void => {
    const { namespace, name } = splitKey(key);
    const pod = pods.get(namespace, name);
    recorder.event(
      pod ? typed(pod, 'v1', 'Pod') : { apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name } },
      'Normal',
      'TaintManagerEviction',
      message,
    );
  };

  const cancel = (key: string): void => {
    if (scheduled.delete(key)) podEvent(key, `Cancelling deletion of Pod ${key}`);
  };

  const enqueueNode = (node: Node): void => {
    for (const p of pods.byIndex(POD_NODE_INDEX, node.metadata?.name ?? '')) queue.add(objectKey(p));
  };

  ctx.informers.informer<Node>(NODES).addEventHandler({
    onAdd: enqueueNode,
    onUpdate: (o, n) => {
      if (JSON.stringify(noExecuteTaints(o)) !== JSON.stringify(noExecuteTaints(n))) enqueueNode(n);
    },
    onDelete: enqueueNode,
  });
  ctx.informers.informer<Pod>(PODS).addEventHandler({
    onAdd: (p) => {
      if (p.spec?.nodeName) queue.add(objectKey(p));
    },
    onUpdate: (o, p) => {
      if (o.spec?.nodeName !== p.spec?.nodeName || JSON.stringify(o.spec?.tolerations) !== JSON.stringify(p.spec?.tolerations)) queue.add(objectKey(p));
    },
    onDelete: (p) => queue.add(objectKey(p)),
  });

  const evict = async (key: string, pod: Pod): Promise<void> => {
    podEvent(key, `Marking for deletion Pod ${key}`);
    log.info({ pod: key, node: pod.spec?.nodeName }, 'deleting pod');
    const ns = pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name ?? '';
    try {
      const fresh = await ctx.rest.get<Pod>(PODS, ns, name);
      const conds = fresh.status?.conditions ?? [];
      if (!conds.some((c) => c.type === 'DisruptionTarget' && c.status === 'True' && c.reason === 'DeletionByTaintManager')) {
        const copy = mutableCopy(fresh);
        const cond: PodCondition = {
          type: 'DisruptionTarget',
          status: 'True',
          reason: 'DeletionByTaintManager',
          message: 'Taint manager: deleting due to NoExecute taint',
          lastTransitionTime: rfc3339(ctx.clock.now()),
        };
        copy.status ??= {};
        copy.status.conditions = [...(copy.status.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget'), cond];
        await ctx.rest.updateStatus<Pod>(PODS, ns, copy);
      }
      await ctx.rest.delete(PODS, ns, name);
    } catch (e) {
      if (isApiError(e, 'NotFound')) return;
      throw e;
    }
  };

  const sync = async (key: string): Promise<void> => {
    const { namespace, name } = splitKey(key);
    const pod = pods.get(namespace, name);
    if (!pod || pod.metadata?.deletionTimestamp || !pod.spec?.nodeName) {
      cancel(key);
      return;
    }
    const taints = noExecuteTaints(nodes.get(undefined, pod.spec.nodeName));
    const now = ctx.clock.now();
    const d = decide(taints, pod.spec.tolerations ?? [], scheduled.get(key), now);
    if (d.kind === 'cancel') {
      cancel(key);
      return;
    }
    scheduled.set(key, d.at);
    if (d.at.fireAt > now) {
      queue.addAfter(key, d.at.fireAt - now);
      return;
    }
    await evict(key, pod);
    scheduled.delete(key);
  };

  return {
    run: (signal) =>
      runController({
        name: TAINT_EVICTION_CONTROLLER,
        queue,
        workers: ctx.settings.concurrentTaintEvictionSyncs,
        sync: ctx.metrics.wrap(TAINT_EVICTION_CONTROLLER, sync),
        log,
        signal,
      }),
  };
}
