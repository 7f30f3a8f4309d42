/**
 * Upstream's strict decoding errors (sigs.k8s.io/json `UnmarshalStrict` with DisallowDuplicateFields and
 * DisallowUnknownFields, as the apiserver's strict serializer uses it): `unknown field "spec.foo"` for a
 * key that is not a field of the target struct, `duplicate field "spec.replicas"` for a field or map key
 * given twice. Paths join field names and map keys with `.` and add `[i]` for list items. Errors are
 * reported in document order, de-duplicated, at most 100. Nothing inside an unknown field or a
 * free-form (`any`) value is checked, as upstream skips such values.
 *
 * Both walks are iterative (Go accepts nesting up to 10000 levels; recursion here would not).
 */
import { fieldOf, resolveType, type Definitions, type TypeExpr, type TypeNode } from '../patch/schema.js';

const MAX_ERRORS = 100;

export function unknownFieldError(path: string): string {
  return `unknown field ${JSON.stringify(path)}`;
}

export function duplicateFieldError(path: string): string {
  return `duplicate field ${JSON.stringify(path)}`;
}

class ErrorList {
  readonly list: string[] = [];
  private readonly seen = new Set<string>();
  add(e: string): void {
    if (this.list.length >= MAX_ERRORS || this.seen.has(e)) return;
    this.seen.add(e);
    this.list.push(e);
  }
}

const childPath = (parent: string, key: string) => (parent === '' ? key : `${parent}.${key}`);

interface Frame {
  kind: 'object' | 'array';
  node: TypeNode;
  path: string;
  /** no checks below this value */
  skip: boolean;
  seen: Set<string>;
  index: number;
}

/**
 * Scans a JSON text (already known to be valid JSON) decoded into `type` and returns its strict
 * decoding errors. A free-form (`any`) value is skipped, as upstream's custom unmarshalers
 * (RawExtension, FieldsV1) do; decoding a whole patch into `map[string]interface{}` is `type` `any`
 * with `freeForm: true`, which checks duplicates at every level.
 */
export function strictJsonErrors(text: string, type: TypeExpr, defs: Definitions, opts: { freeForm: boolean } = { freeForm: false }): string[] {
  const errors = new ErrorList();
  const anyNode: TypeNode = { kind: 'any' };
  let pos = 0;
  const stack: Frame[] = [];

  const ws = () => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) pos++;
      else return;
    }
  };
  const readString = (): string => {
    const start = pos;
    pos++; // opening quote
    let escaped = false;
    for (;;) {
      const c = text.charCodeAt(pos++);
      if (c === 0x5c) {
        escaped = true;
        pos++;
      } else if (c === 0x22) break;
    }
    const raw = text.slice(start, pos);
    return escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  };
  const skipScalar = () => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (Number.isNaN(c) || c === 0x2c || c === 0x5d || c === 0x7d || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) return;
      pos++;
    }
  };
  const beginValue = (node: TypeNode, path: string, skip: boolean) => {
    ws();
    const c = text[pos];
    if (c === '{' || c === '[') {
      pos++;
      stack.push({ kind: c === '{' ? 'object' : 'array', node, path, skip, seen: new Set(), index: 0 });
    } else if (c === '"') {
      readString();
    } else {
      skipScalar();
    }
  };

  beginValue(resolveType(defs, type), '', false);
  while (stack.length > 0) {
    const f = stack[stack.length - 1];
    ws();
    const c = text[pos];
    if (c === '}' || c === ']') {
      pos++;
      stack.pop();
      continue;
    }
    if (c === ',') {
      pos++;
      ws();
    }
    if (f.kind === 'array') {
      const itemNode = !f.skip && f.node.kind === 'list' ? resolveType(defs, f.node.items) : anyNode;
      const checked = f.node.kind === 'list' || (f.node.kind === 'any' && opts.freeForm);
      beginValue(itemNode, `${f.path}[${f.index++}]`, f.skip || !checked);
      continue;
    }
    const key = readString();
    ws();
    pos++; // ':'
    const path = childPath(f.path, key);
    let node: TypeNode = anyNode;
    let skip = true;
    if (!f.skip && f.node.kind === 'struct') {
      const field = fieldOf(f.node.def, key);
      if (!field) {
        errors.add(unknownFieldError(path));
      } else {
        if (f.seen.has(key)) errors.add(duplicateFieldError(path));
        f.seen.add(key);
        node = resolveType(defs, field.type);
        skip = false;
      }
    } else if (!f.skip && (f.node.kind === 'map' || (f.node.kind === 'any' && opts.freeForm))) {
      if (f.seen.has(key)) errors.add(duplicateFieldError(path));
      f.seen.add(key);
      node = f.node.kind === 'map' ? resolveType(defs, f.node.values) : anyNode;
      skip = false;
    }
    beginValue(node, path, skip);
  }
  return errors.list;
}

/** Where a value sits, built into a path string only when an error needs it. */
interface At {
  parent: At | undefined;
  key: string | number;
}

function pathOf(at: At | undefined): string {
  if (!at) return '';
  const parent = pathOf(at.parent);
  return typeof at.key === 'number' ? `${parent}[${at.key}]` : childPath(parent, at.key);
}

/**
 * The unknown fields of a decoded value in its key order; with `prune` they are also deleted from the
 * value (as upstream's typed decoding drops them).
 */
export function unknownFields(value: unknown, type: TypeExpr, defs: Definitions, prune: boolean): string[] {
  type Item = { v: unknown; node: TypeNode; at: At | undefined } | { unknown: At };
  const errors = new ErrorList();
  const stack: Item[] = [{ v: value, node: resolveType(defs, type), at: undefined }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if ('unknown' in item) {
      errors.add(unknownFieldError(pathOf(item.unknown)));
      continue;
    }
    const { v, node, at } = item;
    if (typeof v !== 'object' || v === null) continue;
    const children: Item[] = [];
    if (Array.isArray(v)) {
      if (node.kind !== 'list') continue;
      const items = resolveType(defs, node.items);
      v.forEach((el, i) => children.push({ v: el, node: items, at: { parent: at, key: i } }));
    } else if (node.kind === 'struct') {
      const o = v as Record<string, unknown>;
      for (const key of Object.keys(o)) {
        const field = fieldOf(node.def, key);
        if (!field) {
          children.push({ unknown: { parent: at, key } });
          if (prune) delete o[key];
        } else {
          children.push({ v: o[key], node: resolveType(defs, field.type), at: { parent: at, key } });
        }
      }
    } else if (node.kind === 'map') {
      const o = v as Record<string, unknown>;
      const values = resolveType(defs, node.values);
      for (const key of Object.keys(o)) children.push({ v: o[key], node: values, at: { parent: at, key } });
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return errors.list;
}

/**
 * Whether a JSON text gives some object key twice, known cheaply: JSON.parse keeps one property per key, so
 * the text has duplicates exactly when it holds more keys than `parsed` (its JSON.parse result) has.
 */
export function hasDuplicateKeys(text: string, parsed: unknown): boolean {
  let inText = 0;
  for (let pos = 0; pos < text.length; pos++) {
    if (text.charCodeAt(pos) !== 0x22) continue;
    // a string: find its closing quote, then see whether a ':' follows (a key)
    for (pos++; pos < text.length; pos++) {
      const c = text.charCodeAt(pos);
      if (c === 0x5c) pos++;
      else if (c === 0x22) break;
    }
    let next = pos + 1;
    while (next < text.length) {
      const c = text.charCodeAt(next);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      next++;
    }
    if (text.charCodeAt(next) === 0x3a) inText++;
  }
  let inValue = 0;
  const stack: unknown[] = [parsed];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) {
      for (const el of v) stack.push(el);
      continue;
    }
    for (const k of Object.keys(v)) {
      inValue++;
      stack.push((v as Record<string, unknown>)[k]);
    }
  }
  return inText !== inValue;
}
