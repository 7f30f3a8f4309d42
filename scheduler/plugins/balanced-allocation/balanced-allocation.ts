/**
 * NodeResourcesBalancedAllocation: favours nodes whose cpu and memory would be used in equal shares after
 * placing the pod (score = (1 − standard deviation of the shares) × 100), counting actual requests.
 */
import type { NodeInfo } from '../../cache/node-info.js';
import type { PodInfo } from '../../cache/pod-info.js';
import { MAX_NODE_SCORE, type AnyPlugin } from '../../framework/types.js';

export const NAME = 'NodeResourcesBalancedAllocation';

/** balancedResourceScorer over (requested, allocatable) pairs; resources with no allocatable are skipped. */
export function balancedScore(resources: readonly { requested: number; allocatable: number }[]): number {
  const fractions: number[] = [];
  let total = 0;
  for (const r of resources) {
    if (r.allocatable === 0) continue;
    const f = Math.min(1, r.requested / r.allocatable);
    total += f;
    fractions.push(f);
  }
  let std = 0;
  if (fractions.length === 2) {
    std = Math.abs((fractions[0] - fractions[1]) / 2);
  } else if (fractions.length > 2) {
    const mean = total / fractions.length;
    let sum = 0;
    for (const f of fractions) sum += (f - mean) * (f - mean);
    std = Math.sqrt(sum / fractions.length);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

/** The score of placing `pod` on `node` over cpu and memory (the two-resource case of balancedScore). */
export function score(pod: PodInfo, node: NodeInfo): number {
  const cpu = node.allocatable.milliCPU;
  const mem = node.allocatable.memory;
  if (cpu === 0 || mem === 0) {
    return balancedScore([
      { requested: node.requested.milliCPU + pod.requests.milliCPU, allocatable: cpu },
      { requested: node.requested.memory + pod.requests.memory, allocatable: mem },
    ]);
  }
  const fc = Math.min(1, (node.requested.milliCPU + pod.requests.milliCPU) / cpu);
  const fm = Math.min(1, (node.requested.memory + pod.requests.memory) / mem);
  return Math.trunc((1 - Math.abs((fc - fm) / 2)) * MAX_NODE_SCORE);
}

export function balancedAllocationPlugin(): AnyPlugin {
  return { name: NAME, score: (_state, pod, node) => score(pod, node) };
}
