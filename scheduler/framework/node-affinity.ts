/**
 * Node selection terms, as component-helpers/scheduling/corev1/nodeaffinity: `spec.nodeSelector` AND
 * `requiredDuringSchedulingIgnoredDuringExecution` (terms ORed, requirements inside a term ANDed; an empty or
 * invalid term matches nothing), and the weighted preferred terms used for scoring.
 */
import type { NodeSelectorRequirement, NodeSelectorTerm, Pod, PreferredSchedulingTerm } from 'kubernetes-types/core/v1.js';
import { requirementErrors, Selector, type Operator, type Requirement } from '../../api/labels.js';

export interface NodeLike {
  name: string;
  labels: Readonly<Record<string, string>>;
}

const OPERATORS: Record<string, Operator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!', Gt: 'gt', Lt: 'lt' };

function labelRequirements(reqs: readonly NodeSelectorRequirement[]): Requirement[] | undefined {
  const out: Requirement[] = [];
  for (const r of reqs) {
    const op = OPERATORS[r.operator];
    if (!op) return undefined;
    const values = [...(r.values ?? [])];
    if (requirementErrors(r.key, op, values).length > 0) return undefined;
    out.push({ key: r.key, operator: op, values });
  }
  return out;
}

/** matchFields supports only metadata.name with In / NotIn (exactly one value for In, as upstream validates). */
function fieldMatcher(reqs: readonly NodeSelectorRequirement[]): ((name: string) => boolean) | undefined {
  const checks: ((name: string) => boolean)[] = [];
  for (const r of reqs) {
    if (r.key !== 'metadata.name') return undefined;
    const values = r.values ?? [];
    if (r.operator === 'In') {
      if (values.length !== 1) return undefined;
      checks.push((n) => values.includes(n));
    } else if (r.operator === 'NotIn') {
      if (values.length !== 1) return undefined;
      checks.push((n) => !values.includes(n));
    } else return undefined;
  }
  return (n) => checks.every((c) => c(n));
}

/** One parsed term; undefined when it is empty or invalid (then it matches nothing). */
class ParsedTerm {
  private constructor(
    private readonly labels: Selector | undefined,
    private readonly fields: ((name: string) => boolean) | undefined,
  ) {}

  static parse(term: NodeSelectorTerm): ParsedTerm | undefined {
    const exprs = term.matchExpressions ?? [];
    const fields = term.matchFields ?? [];
    if (exprs.length === 0 && fields.length === 0) return undefined;
    let sel: Selector | undefined;
    if (exprs.length > 0) {
      const reqs = labelRequirements(exprs);
      if (!reqs) return undefined;
      sel = new Selector(reqs);
    }
    let fm: ((name: string) => boolean) | undefined;
    if (fields.length > 0) {
      fm = fieldMatcher(fields);
      if (!fm) return undefined;
    }
    return new ParsedTerm(sel, fm);
  }

  matches(node: NodeLike): boolean {
    if (this.labels && !this.labels.matches(node.labels)) return false;
    if (this.fields && !this.fields(node.name)) return false;
    return true;
  }
}

/** nodeaffinity.NodeSelector: terms ORed; no valid term = matches nothing. */
export class NodeSelectorMatcher {
  private readonly terms: ParsedTerm[];

  constructor(terms: readonly NodeSelectorTerm[]) {
    this.terms = [];
    for (const t of terms) {
      const p = ParsedTerm.parse(t);
      if (p) this.terms.push(p);
    }
  }

  matches(node: NodeLike): boolean {
    for (const t of this.terms) if (t.matches(node)) return true;
    return false;
  }
}

/** nodeaffinity.RequiredNodeAffinity: the pod's nodeSelector and required node affinity. */
export class RequiredNodeAffinity {
  private readonly selector: Selector | undefined;
  private readonly required: NodeSelectorMatcher | undefined;

  constructor(pod: Pod) {
    const ns = pod.spec?.nodeSelector;
    this.selector = ns && Object.keys(ns).length > 0
      ? new Selector(Object.entries(ns).map(([key, v]) => ({ key, operator: '=' as const, values: [v] })))
      : undefined;
    const req = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    this.required = req ? new NodeSelectorMatcher(req.nodeSelectorTerms ?? []) : undefined;
  }

  /** True when the pod has neither a nodeSelector nor required node affinity. */
  isEmpty(): boolean {
    return !this.selector && !this.required;
  }

  matches(node: NodeLike): boolean {
    if (this.selector && !this.selector.matches(node.labels)) return false;
    if (this.required && !this.required.matches(node)) return false;
    return true;
  }
}

/** nodeaffinity.PreferredSchedulingTerms: the sum of the weights of the matching terms. */
export class PreferredSchedulingTerms {
  private readonly terms: { weight: number; term: ParsedTerm }[] = [];

  constructor(terms: readonly PreferredSchedulingTerm[]) {
    for (const t of terms) {
      if (!t.weight) continue;
      const p = ParsedTerm.parse(t.preference);
      if (p) this.terms.push({ weight: t.weight, term: p });
    }
  }

  get size(): number {
    return this.terms.length;
  }

  score(node: NodeLike): number {
    let s = 0;
    for (const t of this.terms) if (t.term.matches(node)) s += t.weight;
    return s;
  }
}
