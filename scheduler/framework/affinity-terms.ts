/**
 * Inter-pod affinity terms, pre-parsed once per pod (upstream framework.AffinityTerm / NewPodInfo).
 * A term applies to the pods of `namespaces` (the pod's own namespace when neither namespaces nor a
 * namespaceSelector is given) or of namespaces matching `namespaceSelector`, and selects them by labels.
 */
import type { Pod, PodAffinityTerm, WeightedPodAffinityTerm } from 'kubernetes-types/core/v1.js';
import { selectorFromLabelSelector, Selector } from '../../api/labels.js';
import { ApiError } from '../../api/errors.js';

export interface AffinityTerm {
  readonly namespaces: ReadonlySet<string>;
  readonly selector: Selector;
  readonly topologyKey: string;
  readonly namespaceSelector: Selector;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  readonly weight: number;
}

/** Looks up the labels of a namespace (undefined when unknown). */
export type NamespaceLabels = (namespace: string) => Readonly<Record<string, string>> | undefined;

export function newAffinityTerm(pod: Pod, term: PodAffinityTerm): AffinityTerm {
  const namespaces = new Set<string>();
  if ((term.namespaces ?? []).length === 0 && (term.namespaceSelector === undefined || term.namespaceSelector === null)) {
    namespaces.add(pod.metadata?.namespace ?? '');
  } else {
    for (const n of term.namespaces ?? []) namespaces.add(n);
  }
  return {
    namespaces,
    selector: selectorFromLabelSelector(term.labelSelector),
    topologyKey: term.topologyKey,
    namespaceSelector: selectorFromLabelSelector(term.namespaceSelector),
  };
}

/** AffinityTerm.Matches: the pod's namespace is covered by the term and its labels match the selector. */
export function termMatches(t: AffinityTerm, pod: Pod, nsLabels: NamespaceLabels): boolean {
  const ns = pod.metadata?.namespace ?? '';
  if (t.namespaces.has(ns) || (!t.namespaceSelector.matchesNothing && t.namespaceSelector.matches(nsLabels(ns) ?? {}))) {
    return t.selector.matches(pod.metadata?.labels);
  }
  return false;
}

/** podMatchesAllAffinityTerms: false for an empty list. */
export function podMatchesAllTerms(terms: readonly AffinityTerm[], pod: Pod, nsLabels: NamespaceLabels): boolean {
  if (terms.length === 0) return false;
  for (const t of terms) if (!termMatches(t, pod, nsLabels)) return false;
  return true;
}

export interface PodAffinityTerms {
  requiredAffinity: AffinityTerm[];
  requiredAntiAffinity: AffinityTerm[];
  preferredAffinity: WeightedAffinityTerm[];
  preferredAntiAffinity: WeightedAffinityTerm[];
  /** Set when a selector could not be parsed (upstream ignores such terms' errors but reports them). */
  parseError?: string;
}

function parseTerms(pod: Pod, terms: readonly PodAffinityTerm[] | undefined, errs: string[]): AffinityTerm[] {
  const out: AffinityTerm[] = [];
  for (const t of terms ?? []) {
    try {
      out.push(newAffinityTerm(pod, t));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      errs.push(e.message);
    }
  }
  return out;
}

function parseWeighted(pod: Pod, terms: readonly WeightedPodAffinityTerm[] | undefined, errs: string[]): WeightedAffinityTerm[] {
  const out: WeightedAffinityTerm[] = [];
  for (const t of terms ?? []) {
    try {
      out.push({ ...newAffinityTerm(pod, t.podAffinityTerm), weight: t.weight });
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      errs.push(e.message);
    }
  }
  return out;
}

export function parsePodAffinityTerms(pod: Pod): PodAffinityTerms {
  const a = pod.spec?.affinity;
  const errs: string[] = [];
  const out: PodAffinityTerms = {
    requiredAffinity: parseTerms(pod, a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution, errs),
    requiredAntiAffinity: parseTerms(pod, a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution, errs),
    preferredAffinity: parseWeighted(pod, a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution, errs),
    preferredAntiAffinity: parseWeighted(pod, a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution, errs),
  };
  if (errs.length > 0) out.parseError = errs.join('; ');
  return out;
}
