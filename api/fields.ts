/**
 * Field selectors, as apimachinery/pkg/fields (selector.go) plus the per-resource selectable fields
 * upstream registers (pkg/registry/<resource>/strategy.go ToSelectableFields, and the field label
 * conversion funcs in pkg/apis/<group>/v1/conversion.go).
 */
import { ApiError } from './errors.js';
import { isRecord } from './object.js';

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

export class FieldSelector {
  readonly requirements: readonly FieldRequirement[];

  constructor(requirements: FieldRequirement[] = []) {
    this.requirements = requirements;
  }

  /** A missing field counts as "" (upstream fields.Set.Get). */
  matches(fields: Record<string, string>): boolean {
    return this.requirements.every((r) => {
      const v = Object.prototype.hasOwnProperty.call(fields, r.field) ? fields[r.field] : '';
      return r.operator === '=' ? v === r.value : v !== r.value;
    });
  }

  isEmpty(): boolean {
    return this.requirements.length === 0;
  }

  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',');
  }

  /** The value of `field` if the selector requires `field=value` (used to narrow lists, e.g. spec.nodeName). */
  requiresExactMatch(field: string): string | undefined {
    for (const r of this.requirements) if (r.field === field && r.operator === '=') return r.value;
    return undefined;
  }
}

/** fields.EscapeValue: `\` → `\\`, `,` → `\,`, `=` → `\=`. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** fields.UnescapeValue; throws Error with upstream's message. */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c === '\\' || c === ',' || c === '=') out += c;
      else throw new Error(`invalid field selector: invalid escape sequence: \\${c}`);
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') throw new Error(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    else out += c;
  }
  if (inSlash) throw new Error('invalid field selector: invalid escape sequence: \\');
  return out;
}

function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

const TERM_OPERATORS = ['!=', '==', '='] as const;

function splitTerm(term: string): { lhs: string; op: string; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    const rest = term.slice(i);
    for (const op of TERM_OPERATORS) {
      if (rest.startsWith(op)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/**
 * fields.ParseSelector: `a=b`, `a==b`, `a!=b`, comma separated, values escaped with `\`.
 * Terms are sorted as upstream does. Throws ApiError.badRequest on invalid input.
 */
export function parseFieldSelector(s: string): FieldSelector {
  const parts = splitTerms(s).sort();
  const reqs: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (!t) throw ApiError.badRequest(`invalid selector: '${s}'; can't understand '${part}'`);
    let value: string;
    try {
      value = unescapeFieldValue(t.rhs);
    } catch (e) {
      throw ApiError.badRequest((e as Error).message);
    }
    reqs.push({ field: t.lhs, operator: t.op === '!=' ? '!=' : '=', value });
  }
  return new FieldSelector(reqs);
}

/** Builds an equality selector (fields.OneTermEqualSelector / SelectorFromSet). */
export function fieldSelectorFromSet(set: Record<string, string>): FieldSelector {
  return new FieldSelector(Object.keys(set).sort().map((field) => ({ field, operator: '=', value: set[field] })));
}

// ---------------------------------------------------------------------------------------------
// Selectable fields per resource

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function rec(v: unknown): Record<string, unknown> {
  return isRecord(v) ? v : {};
}

function num(v: unknown): string {
  return typeof v === 'number' ? String(Math.trunc(v)) : '0';
}

function bool(v: unknown): string {
  return v === true ? 'true' : 'false';
}

/** Fields each resource supports beyond metadata.name / metadata.namespace. */
const RESOURCE_FIELDS: Record<string, readonly string[]> = {
  pods: [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  events: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  nodes: ['spec.unschedulable'],
  namespaces: ['status.phase'],
  secrets: ['type'],
  replicasets: ['status.replicas'],
  replicationcontrollers: ['status.replicas'],
  jobs: ['status.successful'],
};

/** The field labels `resource` accepts in a fieldSelector. */
export function supportedFieldLabels(resource: string): string[] {
  return ['metadata.name', 'metadata.namespace', ...(RESOURCE_FIELDS[resource] ?? [])];
}

/**
 * The selectable fields of an object of `resource` (plural, e.g. 'pods'), as upstream's
 * ToSelectableFields. Events accept both core/v1 and events.k8s.io/v1 shapes.
 */
export function fieldsForObject(resource: string, obj: unknown): Record<string, string> {
  const o = rec(obj);
  const meta = rec(o.metadata);
  const out: Record<string, string> = {
    'metadata.name': str(meta.name),
    'metadata.namespace': str(meta.namespace),
  };
  const spec = rec(o.spec);
  const status = rec(o.status);
  switch (resource) {
    case 'pods':
      out['spec.nodeName'] = str(spec.nodeName);
      out['spec.restartPolicy'] = str(spec.restartPolicy);
      out['spec.schedulerName'] = str(spec.schedulerName);
      out['spec.serviceAccountName'] = str(spec.serviceAccountName);
      out['spec.hostNetwork'] = bool(spec.hostNetwork);
      out['status.phase'] = str(status.phase);
      out['status.podIP'] = str(status.podIP);
      out['status.nominatedNodeName'] = str(status.nominatedNodeName);
      break;
    case 'events': {
      // core/v1 uses involvedObject/source/reportingComponent; events.k8s.io/v1 uses regarding/deprecatedSource/reportingController.
      const io = rec(o.involvedObject ?? o.regarding);
      const reportingController = str(o.reportingComponent ?? o.reportingController);
      let source = str(rec(o.source ?? o.deprecatedSource).component);
      if (source === '') source = reportingController;
      out['involvedObject.kind'] = str(io.kind);
      out['involvedObject.namespace'] = str(io.namespace);
      out['involvedObject.name'] = str(io.name);
      out['involvedObject.uid'] = str(io.uid);
      out['involvedObject.apiVersion'] = str(io.apiVersion);
      out['involvedObject.resourceVersion'] = str(io.resourceVersion);
      out['involvedObject.fieldPath'] = str(io.fieldPath);
      out.reason = str(o.reason);
      out.reportingComponent = reportingController;
      out.source = source;
      out.type = str(o.type);
      break;
    }
    case 'nodes':
      out['spec.unschedulable'] = bool(spec.unschedulable);
      break;
    case 'namespaces':
      out['status.phase'] = str(status.phase);
      break;
    case 'secrets':
      out.type = str(o.type);
      break;
    case 'replicasets':
    case 'replicationcontrollers':
      out['status.replicas'] = num(status.replicas);
      break;
    case 'jobs':
      out['status.successful'] = num(status.succeeded);
      break;
  }
  return out;
}

/**
 * Rejects field labels `resource` does not support, with upstream's 400 message:
 * resources with a conversion func (pods, events, nodes, …) say `field label not supported: <label>`;
 * the others say `"<label>" is not a known field selector: only "metadata.name", "metadata.namespace"`.
 */
export function validateFieldSelectorFields(resource: string, sel: FieldSelector): void {
  const supported = supportedFieldLabels(resource);
  for (const r of sel.requirements) {
    if (supported.includes(r.field)) continue;
    if (RESOURCE_FIELDS[resource]) throw ApiError.badRequest(`field label not supported: ${r.field}`);
    throw ApiError.badRequest(`"${r.field}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
  }
}
