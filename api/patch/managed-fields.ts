/**
 * Field ownership as server-side apply records it in `metadata.managedFields` (sigs.k8s.io/
 * structured-merge-diff fieldpath sets, FieldsV1 encoding; apimachinery managedfields). A field set is a
 * set of paths; a path element is `f:<field>`, `k:{"<mergeKey>":<value>}` for an element of a list
 * merged by key, `v:<value>` for an element of a merged list of scalars, or `i:<index>`.
 *
 * Simplifications (documented, not upstream): lists are keyed by their strategic-merge-patch merge key
 * only (upstream uses `x-kubernetes-list-map-keys`, e.g. containerPort+protocol for ports), structs are
 * never atomic, and the number of Update managers is not capped.
 */
import { jsonEqual } from './json.js';
import { fieldOf, resolveType, type Definitions, type TypeExpr, type TypeNode } from './schema.js';

type Obj = Record<string, unknown>;

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: unknown;
  subresource?: string;
}

/** which part of an object a write may own: the main resource (everything but status) or its status */
export type OwnershipScope = 'main' | 'status';

const SEP = '\u0000';

/** A set of paths, each path stored as its elements joined by NUL. */
export class FieldSet {
  readonly paths: Set<string>;
  constructor(paths: Iterable<string> = []) {
    this.paths = new Set(paths);
  }
  static path(elements: readonly string[]): string {
    return elements.join(SEP);
  }
  static elements(path: string): string[] {
    return path === '' ? [] : path.split(SEP);
  }
  has(p: string): boolean {
    return this.paths.has(p);
  }
  get empty(): boolean {
    return this.paths.size === 0;
  }
  union(o: FieldSet): FieldSet {
    return new FieldSet([...this.paths, ...o.paths]);
  }
  difference(o: FieldSet): FieldSet {
    return new FieldSet([...this.paths].filter((p) => !o.paths.has(p)));
  }
  intersection(o: FieldSet): FieldSet {
    return new FieldSet([...this.paths].filter((p) => o.paths.has(p)));
  }
  /** paths in a stable order: by element, fields before keys before values before indices */
  sorted(): string[] {
    return [...this.paths].sort(comparePaths);
  }
}

function elementRank(e: string): number {
  switch (e.charCodeAt(0)) {
    case 0x66: // f
      return 0;
    case 0x6b: // k
      return 1;
    case 0x76: // v
      return 2;
    case 0x69: // i
      return 3;
    default:
      return 4;
  }
}

function compareElements(a: string, b: string): number {
  const r = elementRank(a) - elementRank(b);
  if (r !== 0) return r;
  if (a[0] === 'i') return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePaths(a: string, b: string): number {
  const ea = FieldSet.elements(a);
  const eb = FieldSet.elements(b);
  for (let i = 0; i < Math.min(ea.length, eb.length); i++) {
    const c = compareElements(ea[i], eb[i]);
    if (c !== 0) return c;
  }
  return ea.length - eb.length;
}

/** `.spec.template.spec.containers[name="web"].image` (structured-merge-diff's Path.String) */
export function pathString(path: string): string {
  return FieldSet.elements(path)
    .map((e) => {
      const body = e.slice(2);
      switch (e[0]) {
        case 'f':
          return `.${body}`;
        case 'k':
          return `[${Object.entries(JSON.parse(body) as Obj).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
        case 'v':
          return `[=${body}]`;
        default:
          return `[${body}]`;
      }
    })
    .join('');
}

// --- building sets from objects -----------------------------------------------------------------------

/** metadata fields no manager ever owns (managedfields stripmeta.go) */
const STRIPPED_METADATA = new Set(['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'generation', 'managedFields', 'resourceVersion']);

/** The element for a list item, or undefined for an atomic list. */
function listItemElement(item: unknown, strategy: string | undefined, mergeKey: string | undefined): string | undefined {
  if (!strategy?.split(',').includes('merge')) return undefined;
  if (mergeKey) {
    if (typeof item !== 'object' || item === null || Array.isArray(item) || !Object.hasOwn(item, mergeKey)) return undefined;
    return `k:${JSON.stringify({ [mergeKey]: (item as Obj)[mergeKey] })}`;
  }
  return `v:${JSON.stringify(item)}`;
}

/**
 * The paths an object sets (structured-merge-diff `ToFieldSet`): every scalar, every element of a
 * keyed or set list (and its fields), every map entry, every atomic list and every empty map or null.
 */
export function fieldSetOf(obj: unknown, type: TypeExpr, defs: Definitions, scope: OwnershipScope): FieldSet {
  const out = new Set<string>();
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return new FieldSet();
  const root = resolveType(defs, type);
  for (const [key, v] of Object.entries(obj as Obj)) {
    if (key === 'apiVersion' || key === 'kind') continue;
    if ((scope === 'status') !== (key === 'status')) continue;
    const f = root.kind === 'struct' ? fieldOf(root.def, key) : undefined;
    const node = f ? resolveType(defs, f.type) : ANY;
    if (key === 'metadata' && typeof v === 'object' && v !== null && !Array.isArray(v)) {
      for (const [mk, mv] of Object.entries(v as Obj)) {
        if (STRIPPED_METADATA.has(mk)) continue;
        const mf = node.kind === 'struct' ? fieldOf(node.def, mk) : undefined;
        walkField(mv, mf ? resolveType(defs, mf.type) : ANY, `f:metadata${SEP}f:${mk}`, mf?.patchStrategy, mf?.patchMergeKey, defs, out, Boolean(mf));
      }
      continue;
    }
    walkField(v, node, `f:${key}`, f?.patchStrategy, f?.patchMergeKey, defs, out, Boolean(f));
  }
  return new FieldSet(out);
}

const ANY: TypeNode = { kind: 'any' };

/** A field's value at path `p`: recurses into it and inserts the paths ToFieldSet inserts. */
function walkField(v: unknown, node: TypeNode, p: string, strategy: string | undefined, mergeKey: string | undefined, defs: Definitions, out: Set<string>, declared: boolean): void {
  if (v === null || v === undefined) {
    out.add(p);
    return;
  }
  if (Array.isArray(v)) {
    if (node.kind !== 'list') {
      out.add(p);
      return;
    }
    const items = resolveType(defs, node.items);
    let atomic = false;
    const children: [unknown, string][] = [];
    for (const item of v) {
      const el = listItemElement(item, strategy, mergeKey);
      if (el === undefined) {
        atomic = true;
        break;
      }
      children.push([item, el]);
    }
    if (atomic) {
      out.add(p);
      return;
    }
    for (const [item, el] of children) {
      const ip = p + SEP + el;
      out.add(ip);
      if (el.startsWith('k:')) walkObject(item as Obj, items, ip, defs, out);
    }
    return;
  }
  if (typeof v === 'object') {
    const o = v as Obj;
    if (node.kind !== 'struct' && node.kind !== 'map') {
      out.add(p);
      return;
    }
    if (Object.keys(o).length === 0 || !declared) out.add(p);
    walkObject(o, node, p, defs, out);
    return;
  }
  out.add(p);
}

function walkObject(o: Obj, node: TypeNode, p: string, defs: Definitions, out: Set<string>): void {
  for (const [k, cv] of Object.entries(o)) {
    if (node.kind === 'struct') {
      const f = fieldOf(node.def, k);
      walkField(cv, f ? resolveType(defs, f.type) : ANY, `${p}${SEP}f:${k}`, f?.patchStrategy, f?.patchMergeKey, defs, out, Boolean(f));
    } else if (node.kind === 'map') {
      walkField(cv, resolveType(defs, node.values), `${p}${SEP}f:${k}`, undefined, undefined, defs, out, false);
    }
  }
}

// --- values at paths ----------------------------------------------------------------------------------

function matchesElement(item: unknown, el: string): boolean {
  if (el.startsWith('k:')) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return false;
    return Object.entries(JSON.parse(el.slice(2)) as Obj).every(([k, v]) => jsonEqual((item as Obj)[k], v));
  }
  return jsonEqual(item, JSON.parse(el.slice(2)));
}

/** [container, key or index] of the value at a path, if present */
function locate(obj: unknown, path: string): { parent: Obj | unknown[]; key: string | number } | undefined {
  const els = FieldSet.elements(path);
  let cur: unknown = obj;
  for (let i = 0; i < els.length; i++) {
    const el = els[i];
    let parent: Obj | unknown[];
    let key: string | number;
    if (el.startsWith('f:')) {
      if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !Object.hasOwn(cur, el.slice(2))) return undefined;
      parent = cur as Obj;
      key = el.slice(2);
    } else {
      if (!Array.isArray(cur)) return undefined;
      const idx = el.startsWith('i:') ? Number(el.slice(2)) : cur.findIndex((item) => matchesElement(item, el));
      if (idx < 0 || idx >= cur.length) return undefined;
      parent = cur;
      key = idx;
    }
    if (i === els.length - 1) return { parent, key };
    cur = Array.isArray(parent) ? parent[key as number] : parent[key as string];
  }
  return undefined;
}

function valueAt(obj: unknown, path: string): { found: boolean; value?: unknown } {
  const loc = locate(obj, path);
  if (!loc) return { found: false };
  return { found: true, value: Array.isArray(loc.parent) ? loc.parent[loc.key as number] : loc.parent[loc.key as string] };
}

/**
 * Removes the values at the paths (deepest first), then drops maps that the removal left empty and
 * that no remaining path of `keep` lies under.
 */
export function removePaths(obj: Obj, paths: FieldSet, keep: FieldSet): void {
  const ordered = paths.sorted().reverse();
  for (const p of ordered) {
    const loc = locate(obj, p);
    if (!loc) continue;
    if (Array.isArray(loc.parent)) loc.parent.splice(loc.key as number, 1);
    else delete loc.parent[loc.key as string];
    const els = FieldSet.elements(p);
    for (let n = els.length - 1; n > 0; n--) {
      const ancestor = FieldSet.path(els.slice(0, n));
      if (!els[n - 1].startsWith('f:') || keep.has(ancestor)) break;
      const a = locate(obj, ancestor);
      if (!a || Array.isArray(a.parent)) break;
      const v = a.parent[a.key as string];
      if (typeof v !== 'object' || v === null || Array.isArray(v) || Object.keys(v).length > 0) break;
      delete a.parent[a.key as string];
    }
  }
}

/** What changed between two objects, as paths (structured-merge-diff `Compare`). */
export interface Comparison {
  added: FieldSet;
  removed: FieldSet;
  modified: FieldSet;
}

export function compareObjects(oldObj: unknown, newObj: unknown, type: TypeExpr, defs: Definitions, scope: OwnershipScope): Comparison {
  const oldSet = fieldSetOf(oldObj, type, defs, scope);
  const newSet = fieldSetOf(newObj, type, defs, scope);
  const parents = new Set<string>();
  for (const p of newSet.paths) {
    for (let i = p.indexOf(SEP); i >= 0; i = p.indexOf(SEP, i + 1)) parents.add(p.slice(0, i));
  }
  const modified = new FieldSet(
    [...newSet.paths].filter((p) => oldSet.has(p) && !parents.has(p) && !jsonEqual(valueAt(oldObj, p).value, valueAt(newObj, p).value)),
  );
  return { added: newSet.difference(oldSet), removed: oldSet.difference(newSet), modified };
}

// --- FieldsV1 -----------------------------------------------------------------------------------------

interface Trie {
  member: boolean;
  children: Map<string, Trie>;
}

export function toFieldsV1(set: FieldSet): Obj {
  const root: Trie = { member: false, children: new Map() };
  for (const p of set.paths) {
    let node = root;
    // walk the elements without splitting the path into an array
    for (let start = 0; p !== '' && start <= p.length; ) {
      const end = p.indexOf(SEP, start);
      const el = p.slice(start, end < 0 ? p.length : end);
      let next = node.children.get(el);
      if (!next) {
        next = { member: false, children: new Map() };
        node.children.set(el, next);
      }
      node = next;
      if (end < 0) break;
      start = end + 1;
    }
    node.member = true;
  }
  const encode = (node: Trie): Obj => {
    const out: Obj = {};
    if (node.member && node.children.size > 0) out['.'] = {};
    const keys = [...node.children.keys()];
    if (keys.length > 1) keys.sort(compareElements);
    for (const el of keys) out[el] = encode(node.children.get(el)!);
    return out;
  };
  return encode(root);
}

export function fromFieldsV1(v: unknown): FieldSet {
  const out = new Set<string>();
  const walk = (node: unknown, path: string[]) => {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
    const entries = Object.entries(node as Obj);
    if (entries.length === 0 && path.length > 0) out.add(FieldSet.path(path));
    for (const [k, child] of entries) {
      if (k === '.') out.add(FieldSet.path(path));
      else walk(child, [...path, k]);
    }
  };
  walk(v, []);
  return new FieldSet(out);
}

// --- managers -----------------------------------------------------------------------------------------

export interface Manager {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  subresource?: string;
  set: FieldSet;
}

/** upstream BuildManagerIdentifier: Apply entries are identified without their apiVersion */
export function managerId(m: { manager: string; operation: string; apiVersion: string; subresource?: string }): string {
  return JSON.stringify([m.manager, m.operation, m.operation === 'Apply' ? '' : m.apiVersion, m.subresource ?? '']);
}

export function decodeManagedFields(entries: unknown): Map<string, Manager> {
  const out = new Map<string, Manager>();
  if (!Array.isArray(entries)) return out;
  for (const e of entries as ManagedFieldsEntry[]) {
    if (typeof e !== 'object' || e === null || (e.operation !== 'Apply' && e.operation !== 'Update')) continue;
    const m: Manager = {
      manager: e.manager ?? '',
      operation: e.operation,
      apiVersion: e.apiVersion ?? '',
      set: fromFieldsV1(e.fieldsV1),
      ...(e.time ? { time: e.time } : {}),
      ...(e.subresource ? { subresource: e.subresource } : {}),
    };
    out.set(managerId(m), m);
  }
  return out;
}

/** Entries sorted as upstream sorts them: by operation, time, manager, apiVersion, subresource. */
export function encodeManagedFields(managers: Map<string, Manager>): ManagedFieldsEntry[] {
  const list = [...managers.values()].filter((m) => !m.set.empty);
  list.sort(
    (a, b) =>
      cmp(a.operation, b.operation) ||
      cmp(secondsOf(a.time), secondsOf(b.time)) ||
      cmp(a.manager, b.manager) ||
      cmp(a.apiVersion, b.apiVersion) ||
      cmp(a.subresource ?? '', b.subresource ?? ''),
  );
  return list.map((m) => ({
    manager: m.manager,
    operation: m.operation,
    apiVersion: m.apiVersion,
    ...(m.time ? { time: m.time } : {}),
    fieldsType: 'FieldsV1',
    fieldsV1: toFieldsV1(m.set),
    ...(m.subresource ? { subresource: m.subresource } : {}),
  }));
}

function secondsOf(t: string | undefined): number {
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

function cmp<T extends string | number>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface UpdateOptions {
  manager: string;
  apiVersion: string;
  subresource?: string;
  now: string;
  type: TypeExpr;
  defs: Definitions;
}

/**
 * Records an Update operation (create, update, non-apply patch) in `next.metadata.managedFields`:
 * the manager now owns what it added or changed, other managers lose what was changed or removed
 * (upstream FieldManager.Update; without managedFields in the request the live ones are kept).
 */
export function recordUpdate(live: Obj | undefined, next: Obj, o: UpdateOptions): void {
  if (next.metadata !== undefined && (typeof next.metadata !== 'object' || next.metadata === null || Array.isArray(next.metadata))) return; // rejected later
  const meta = (next.metadata ?? {}) as Obj;
  const requested = decodeManagedFields(meta.managedFields);
  const managers = requested.size > 0 ? requested : decodeManagedFields(((live?.metadata ?? {}) as Obj).managedFields);
  delete meta.managedFields;
  const scope: OwnershipScope = o.subresource === 'status' ? 'status' : 'main';
  const c: Comparison = live
    ? compareObjects(live, next, o.type, o.defs, scope)
    : { added: fieldSetOf(next, o.type, o.defs, scope), removed: new FieldSet(), modified: new FieldSet() };
  const changed = c.modified.union(c.added);
  const self = managerId({ manager: o.manager, operation: 'Update', apiVersion: o.apiVersion, subresource: o.subresource });
  for (const [id, m] of managers) {
    if (id === self) continue;
    m.set = m.set.difference(changed).difference(c.removed);
  }
  if (!changed.empty) {
    const prev = managers.get(self);
    managers.set(self, {
      manager: o.manager,
      operation: 'Update',
      apiVersion: o.apiVersion,
      time: o.now,
      ...(o.subresource ? { subresource: o.subresource } : {}),
      set: (prev ? prev.set.difference(c.removed) : new FieldSet()).union(changed),
    });
  } else {
    const prev = managers.get(self);
    if (prev) prev.set = prev.set.difference(c.removed);
  }
  const encoded = encodeManagedFields(managers);
  if (encoded.length > 0) meta.managedFields = encoded;
  next.metadata = meta;
}
