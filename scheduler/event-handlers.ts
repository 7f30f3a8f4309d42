/**
 * Informer handlers (upstream eventhandlers.go). They keep the cache current and turn changes into queue
 * operations; they never schedule anything themselves.
 *
 * - Assigned pods (spec.nodeName set) go to the cache; their add / label change / delete is a cluster event
 *   that may requeue unschedulable pods. A pod that turns terminal leaves the informer (field selector), which
 *   is seen as a delete and frees its node's capacity.
 * - Pending pods of this scheduler go to the queue; pods being deleted leave it; updates to a pod that is
 *   assumed (being bound) are ignored.
 * - Node add / update (labels, taints, allocatable, unschedulable, conditions) / delete are cluster events.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { ResourceEventHandler } from '../client/informer.js';
import type { SchedulerCache } from './cache/cache.js';
import { PodInfo } from './cache/pod-info.js';
import { Action, nodeUpdateActions, podUpdateActions } from './framework/cluster-event.js';
import { DEFAULT_SCHEDULER_NAME } from './framework/profile.js';
import type { SchedulingQueue } from './queue/scheduling-queue.js';

export function isAssigned(pod: Pod): boolean {
  return !!pod.spec?.nodeName;
}

/** Whether this scheduler is responsible for the pod (spec.schedulerName, default-scheduler when unset). */
export function responsibleFor(pod: Pod, schedulerName: string): boolean {
  return (pod.spec?.schedulerName || DEFAULT_SCHEDULER_NAME) === schedulerName;
}

export function podEventHandler(cache: SchedulerCache, queue: SchedulingQueue, schedulerName: string): ResourceEventHandler<Pod> {
  const pending = (p: Pod): boolean => !isAssigned(p) && responsibleFor(p, schedulerName);
  const addAssigned = (pod: Pod): void => {
    cache.addOrUpdatePod(pod);
    queue.onClusterEvent({ resource: 'AssignedPod', actions: Action.Add, newObj: pod, label: 'AssignedPodAdd' });
  };
  return {
    onAdd: (pod) => {
      if (isAssigned(pod)) addAssigned(pod);
      else if (pending(pod) && !pod.metadata?.deletionTimestamp) queue.add(new PodInfo(pod));
    },
    onUpdate: (oldPod, newPod) => {
      if (isAssigned(newPod)) {
        if (!isAssigned(oldPod)) {
          queue.delete(oldPod);
          addAssigned(newPod);
          return;
        }
        cache.addOrUpdatePod(newPod);
        const actions = podUpdateActions(oldPod, newPod);
        queue.onClusterEvent({ resource: 'AssignedPod', actions, oldObj: oldPod, newObj: newPod, label: 'AssignedPodUpdate' });
        return;
      }
      if (!pending(newPod)) {
        if (pending(oldPod)) queue.delete(oldPod);
        return;
      }
      if (oldPod.metadata?.resourceVersion === newPod.metadata?.resourceVersion) return;
      if (cache.isAssumed(newPod.metadata?.uid ?? '')) return;
      if (newPod.metadata?.deletionTimestamp) {
        queue.delete(newPod);
        return;
      }
      queue.update(oldPod, new PodInfo(newPod));
    },
    onDelete: (pod) => {
      queue.delete(pod);
      if (!cache.hasPod(pod.metadata?.uid ?? '')) return;
      cache.removePod(pod);
      queue.onClusterEvent({ resource: 'AssignedPod', actions: Action.Delete, oldObj: pod, label: 'AssignedPodDelete' });
    },
  };
}

export function nodeEventHandler(cache: SchedulerCache, queue: SchedulingQueue): ResourceEventHandler<Node> {
  return {
    onAdd: (node) => {
      cache.addNode(node);
      queue.onClusterEvent({ resource: 'Node', actions: Action.Add, newObj: node, label: 'NodeAdd' });
    },
    onUpdate: (oldNode, newNode) => {
      cache.updateNode(newNode);
      const actions = nodeUpdateActions(oldNode, newNode);
      if (actions !== 0) queue.onClusterEvent({ resource: 'Node', actions, oldObj: oldNode, newObj: newNode, label: 'NodeUpdate' });
    },
    onDelete: (node) => {
      cache.removeNode(node);
      queue.onClusterEvent({ resource: 'Node', actions: Action.Delete, oldObj: node, label: 'NodeDelete' });
    },
  };
}
