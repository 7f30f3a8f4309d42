/**
 * NodeResourcesFit: the pod's requests (cpu, memory, ephemeral-storage, extended resources, one pod slot) must
 * fit in the node's allocatable minus what bound and assumed pods already request. Scores with LeastAllocated:
 * the more of cpu and memory left free, the higher (default resources cpu and memory, weight 1 each).
 */
import type { Node } from 'kubernetes-types/core/v1.js';
import type { NodeInfo } from '../../cache/node-info.js';
import { PodInfo } from '../../cache/pod-info.js';
import { Action } from '../../framework/cluster-event.js';
import { allocatableOf, isExtendedResourceName, type Allocatable, type ResourceVector } from '../../framework/resources.js';
import { unschedulable } from '../../framework/status.js';
import { MAX_NODE_SCORE, type AnyPlugin } from '../../framework/types.js';

export const NAME = 'NodeResourcesFit';

export interface InsufficientResource {
  resourceName: string;
  reason: string;
  requested: number;
  used: number;
  capacity: number;
}

/** What fitsRequest reads of a node: allocatable, requested and how many pods it holds (NodeInfo has all three). */
export interface NodeResources {
  readonly allocatable: Allocatable;
  readonly requested: ResourceVector;
  readonly pods: { readonly size: number };
}

/** Whether the pod fits at all (the hot path: no allocation). */
export function fits(req: ResourceVector, node: NodeResources): boolean {
  const a = node.allocatable;
  const r = node.requested;
  if (node.pods.size + 1 > a.allowedPodNumber) return false;
  if (req.milliCPU > 0 && req.milliCPU > a.milliCPU - r.milliCPU) return false;
  if (req.memory > 0 && req.memory > a.memory - r.memory) return false;
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > a.ephemeralStorage - r.ephemeralStorage) return false;
  if (req.scalar.size > 0) {
    for (const [name, q] of req.scalar) {
      if (q > 0 && q > (a.scalar.get(name) ?? 0) - (r.scalar.get(name) ?? 0)) return false;
    }
  }
  return true;
}

/** upstream fitsRequest: every resource the pod does not fit, in upstream's order (pods, cpu, memory, …). */
export function fitsRequest(req: ResourceVector, node: NodeResources, ignoredExtended: ReadonlySet<string> = new Set()): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  const { allocatable: a, requested: r } = node;
  const podCount = node.pods.size;
  if (podCount + 1 > a.allowedPodNumber) {
    out.push({ resourceName: 'pods', reason: 'Too many pods', requested: 1, used: podCount, capacity: a.allowedPodNumber });
  }
  if (req.milliCPU === 0 && req.memory === 0 && req.ephemeralStorage === 0 && req.scalar.size === 0) return out;
  if (req.milliCPU > 0 && req.milliCPU > a.milliCPU - r.milliCPU) {
    out.push({ resourceName: 'cpu', reason: 'Insufficient cpu', requested: req.milliCPU, used: r.milliCPU, capacity: a.milliCPU });
  }
  if (req.memory > 0 && req.memory > a.memory - r.memory) {
    out.push({ resourceName: 'memory', reason: 'Insufficient memory', requested: req.memory, used: r.memory, capacity: a.memory });
  }
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > a.ephemeralStorage - r.ephemeralStorage) {
    out.push({
      resourceName: 'ephemeral-storage',
      reason: 'Insufficient ephemeral-storage',
      requested: req.ephemeralStorage,
      used: r.ephemeralStorage,
      capacity: a.ephemeralStorage,
    });
  }
  for (const [name, q] of req.scalar) {
    if (q === 0) continue;
    if (isExtendedResourceName(name) && ignoredExtended.has(name)) continue;
    const cap = a.scalar.get(name) ?? 0;
    const used = r.scalar.get(name) ?? 0;
    if (q > cap - used) out.push({ resourceName: name, reason: `Insufficient ${name}`, requested: q, used, capacity: cap });
  }
  return out;
}

/** leastRequestedScore: free share of one resource, 0–100 (integer division). */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/** leastResourceScorer over (requested, allocatable, weight) triples; resources with no allocatable are skipped. */
export function leastAllocatedScore(resources: readonly { requested: number; allocatable: number; weight: number }[]): number {
  let score = 0;
  let weights = 0;
  for (const r of resources) {
    if (r.allocatable === 0) continue;
    score += leastRequestedScore(r.requested, r.allocatable) * r.weight;
    weights += r.weight;
  }
  return weights === 0 ? 0 : Math.trunc(score / weights);
}

/** The LeastAllocated score of placing `pod` on `node` (cpu and memory weight 1, non-zero requests as upstream). */
export function score(pod: PodInfo, node: NodeInfo): number {
  const cpu = node.allocatable.milliCPU;
  const mem = node.allocatable.memory;
  let total = 0;
  let weights = 0;
  if (cpu !== 0) {
    total += leastRequestedScore(node.nonZeroRequested.milliCPU + pod.nonZeroMilliCPU, cpu);
    weights++;
  }
  if (mem !== 0) {
    total += leastRequestedScore(node.nonZeroRequested.memory + pod.nonZeroMemory, mem);
    weights++;
  }
  return weights === 0 ? 0 : Math.trunc(total / weights);
}

/** Whether the pod would fit the node were it empty (used to tell if a new or grown node can help). */
function fitsEmpty(pod: PodInfo, node: Node): boolean {
  const allocatable = allocatableOf(node.status?.allocatable);
  return fits(pod.requests, { allocatable, requested: { milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: new Map() }, pods: { size: 0 } });
}

export function nodeResourcesFitPlugin(): AnyPlugin {
  return {
    name: NAME,
    filter: (_state, pod, node) => {
      if (fits(pod.requests, node)) return undefined;
      return unschedulable(...fitsRequest(pod.requests, node).map((i) => i.reason));
    },
    score: (_state, pod, node) => score(pod, node),
    eventsToRegister: () => [
      {
        resource: 'AssignedPod',
        actions: Action.Delete | Action.UpdatePodScaleDown,
        hint: (_pod, oldPod) => (oldPod?.spec?.nodeName ? 'Queue' : 'QueueSkip'),
      },
      {
        resource: 'Node',
        actions: Action.Add | Action.UpdateNodeAllocatable,
        hint: (pod, _old, node) => (node && fitsEmpty(pod, node) ? 'Queue' : 'QueueSkip'),
      },
    ],
  };
}
