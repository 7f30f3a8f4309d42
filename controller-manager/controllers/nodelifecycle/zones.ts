/** Zones and disruption states (node_lifecycle_controller.go ComputeZoneState, nodetopology.GetZoneKey). */
import type { Node, NodeCondition } from 'kubernetes-types/core/v1.js';

export type ZoneState = 'Initial' | 'Normal' | 'PartialDisruption' | 'FullDisruption';

export const EXCLUDE_DISRUPTION_LABEL = 'node.kubernetes.io/exclude-disruption';

/** region:\0:zone from the topology labels (or their beta names); '' for nodes without them. */
export function zoneKey(node: Node): string {
  const l = node.metadata?.labels ?? {};
  const region = l['topology.kubernetes.io/region'] ?? l['failure-domain.beta.kubernetes.io/region'] ?? '';
  const zone = l['topology.kubernetes.io/zone'] ?? l['failure-domain.beta.kubernetes.io/zone'] ?? '';
  if (!region && !zone) return '';
  return `${region}:\u0000:${zone}`;
}

export function excludedFromDisruption(node: Node): boolean {
  return node.metadata?.labels?.[EXCLUDE_DISRUPTION_LABEL] !== undefined;
}

/**
 * ComputeZoneState: FullDisruption when no node of the zone is ready, PartialDisruption when more than 2 and at
 * least `threshold` of them are not ready, else Normal. Returns [notReady, state].
 */
export function computeZoneState(readyConditions: readonly (NodeCondition | undefined)[], threshold: number): [number, ZoneState] {
  let ready = 0;
  let notReady = 0;
  for (const c of readyConditions) {
    if (c?.status === 'True') ready++;
    else notReady++;
  }
  if (ready === 0 && notReady > 0) return [notReady, 'FullDisruption'];
  if (notReady > 2 && notReady / (notReady + ready) >= threshold) return [notReady, 'PartialDisruption'];
  return [notReady, 'Normal'];
}
