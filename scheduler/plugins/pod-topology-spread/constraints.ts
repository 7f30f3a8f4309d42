/**
 * Topology spread constraints as the plugin evaluates them (upstream podtopologyspread/common.go): the pod's own
 * constraints for one `whenUnsatisfiable` action, or — for pods without any — the system defaults (hostname
 * maxSkew 3, zone maxSkew 5, ScheduleAnyway) over the labels of the Services / controllers selecting the pod.
 */
import type { Node, Pod, Taint, TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import { selectorFromLabelSelector, Selector } from '../../../api/labels.js';
import type { RequiredNodeAffinity } from '../../framework/node-affinity.js';
import { findUntoleratedTaint, isDoNotScheduleTaint } from '../../framework/taints.js';
import type { PodInfo } from '../../cache/pod-info.js';

export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const LABEL_ZONE = 'topology.kubernetes.io/zone';

export const SYSTEM_DEFAULT_CONSTRAINTS: readonly TopologySpreadConstraint[] = [
  { topologyKey: LABEL_HOSTNAME, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: LABEL_ZONE, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
];

export interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  selector: Selector;
  minDomains: number;
  nodeAffinityPolicy: string;
  nodeTaintsPolicy: string;
}

/** filterTopologySpreadConstraints: constraints of one action, with matchLabelKeys merged into the selector. */
export function filterConstraints(
  constraints: readonly TopologySpreadConstraint[],
  podLabels: Readonly<Record<string, string>>,
  action: 'DoNotSchedule' | 'ScheduleAnyway',
): SpreadConstraint[] {
  const out: SpreadConstraint[] = [];
  for (const c of constraints) {
    if (c.whenUnsatisfiable !== action) continue;
    let selector = selectorFromLabelSelector(c.labelSelector);
    const extra = (c.matchLabelKeys ?? []).filter((k) => podLabels[k] !== undefined);
    if (extra.length > 0) selector = selector.add(...extra.map((k) => ({ key: k, operator: '=' as const, values: [podLabels[k]] })));
    out.push({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector,
      minDomains: c.minDomains ?? 1,
      nodeAffinityPolicy: c.nodeAffinityPolicy ?? 'Honor',
      nodeTaintsPolicy: c.nodeTaintsPolicy ?? 'Ignore',
    });
  }
  return out;
}

/** The constraints for `action`: the pod's own, else the system defaults over `defaultSelector` (none if empty). */
export function constraintsFor(pod: PodInfo, action: 'DoNotSchedule' | 'ScheduleAnyway', defaultSelector: () => Selector): SpreadConstraint[] {
  const own = pod.pod.spec?.topologySpreadConstraints ?? [];
  if (own.length > 0) return filterConstraints(own, pod.labels, action);
  const defaults = filterConstraints(SYSTEM_DEFAULT_CONSTRAINTS, pod.labels, action);
  if (defaults.length === 0) return [];
  const sel = defaultSelector();
  if (sel.isEmpty() || sel.matchesNothing) return [];
  return defaults.map((c) => ({ ...c, selector: sel }));
}

export function nodeHasAllKeys(labels: Readonly<Record<string, string>>, constraints: readonly SpreadConstraint[]): boolean {
  for (const c of constraints) if (labels[c.topologyKey] === undefined) return false;
  return true;
}

/** matchNodeInclusionPolicies: nodeAffinityPolicy Honor → the node must match the pod's node affinity; taints likewise. */
export function nodeIncluded(
  c: SpreadConstraint,
  pod: Pod,
  node: { name: string; labels: Readonly<Record<string, string>>; taints: readonly Taint[] },
  required: RequiredNodeAffinity,
): boolean {
  if (c.nodeAffinityPolicy === 'Honor' && !required.matches(node)) return false;
  if (c.nodeTaintsPolicy === 'Honor' && findUntoleratedTaint(node.taints, pod.spec?.tolerations, isDoNotScheduleTaint)) return false;
  return true;
}

/** countPodsMatchSelector: pods of `namespace` matching, terminating ones excluded; an empty selector counts none. */
export function countMatching(pods: Iterable<PodInfo>, selector: Selector, namespace: string): number {
  if (selector.isEmpty()) return 0;
  let n = 0;
  for (const p of pods) {
    if (p.pod.metadata?.deletionTimestamp || p.namespace !== namespace) continue;
    if (selector.matches(p.labels)) n++;
  }
  return n;
}

/** Whether `other` (same namespace) matches any of the pod's own constraints' selectors. */
export function podMatchesConstraints(other: Pod, namespace: string, constraints: readonly TopologySpreadConstraint[]): boolean {
  if ((other.metadata?.namespace ?? '') !== namespace) return false;
  for (const c of constraints) {
    if (selectorFromLabelSelector(c.labelSelector).matches(other.metadata?.labels)) return true;
  }
  return false;
}

export function nodeLabels(n: Node): Readonly<Record<string, string>> {
  return n.metadata?.labels ?? {};
}
