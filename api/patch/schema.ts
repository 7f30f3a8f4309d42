/**
 * The structural schema of API types: which fields a type has, their types, and each field's strategic
 * merge patch metadata (upstream's Go struct tags `patchStrategy` / `patchMergeKey`, published in
 * OpenAPI as `x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key`). It drives strategic merge
 * patch, server-side apply and unknown-field detection. Definitions are keyed by their OpenAPI names
 * (`io.k8s.api.core.v1.Container`).
 *
 * A type is written compactly: `string`, `integer`, `number`, `boolean`, `int-or-string`, `any`
 * (free-form JSON such as RawExtension), `[]<type>`, `map[<type>]` (string keys) or `#<definition>`.
 */
export type TypeExpr = string;

export interface FieldDef {
  readonly type: TypeExpr;
  /** `merge`, `retainKeys`, `merge,retainKeys` or `replace` */
  readonly patchStrategy?: string;
  readonly patchMergeKey?: string;
  readonly description?: string;
}

export interface StructDef {
  readonly fields: Readonly<Record<string, FieldDef>>;
  readonly required?: readonly string[];
  readonly description?: string;
}

export type Definitions = Readonly<Record<string, StructDef>>;

export type TypeNode =
  | { readonly kind: 'scalar'; readonly name: string }
  | { readonly kind: 'struct'; readonly name: string; readonly def: StructDef }
  | { readonly kind: 'list'; readonly items: TypeExpr }
  | { readonly kind: 'map'; readonly values: TypeExpr }
  | { readonly kind: 'any' };

const ANY: TypeNode = { kind: 'any' };

/** Resolved expressions per definitions table: TypeNodes are immutable, and every decode resolves the same few. */
const resolved = new WeakMap<Definitions, Map<TypeExpr, TypeNode>>();

/** Resolves one level of a type expression; unknown definitions resolve to `any`. */
export function resolveType(defs: Definitions, expr: TypeExpr): TypeNode {
  let cache = resolved.get(defs);
  if (!cache) {
    cache = new Map();
    resolved.set(defs, cache);
  }
  let node = cache.get(expr);
  if (!node) {
    node = resolveUncached(defs, expr);
    cache.set(expr, node);
  }
  return node;
}

function resolveUncached(defs: Definitions, expr: TypeExpr): TypeNode {
  if (expr.startsWith('[]')) return { kind: 'list', items: expr.slice(2) };
  if (expr.startsWith('map[') && expr.endsWith(']')) return { kind: 'map', values: expr.slice(4, -1) };
  if (expr.startsWith('#')) {
    const name = expr.slice(1);
    const def = Object.hasOwn(defs, name) ? defs[name] : undefined;
    return def ? { kind: 'struct', name, def } : ANY;
  }
  if (expr === 'any') return ANY;
  return { kind: 'scalar', name: expr };
}

/** A field of a struct (own properties only), or undefined. */
export function fieldOf(def: StructDef, name: string): FieldDef | undefined {
  return Object.hasOwn(def.fields, name) ? def.fields[name] : undefined;
}

/** The patch metadata of a field, as upstream's `PatchMeta`. */
export interface PatchMeta {
  readonly strategies: readonly string[];
  readonly mergeKey: string;
}

/** Upstream's `LookupPatchMeta`: walks a schema by field name. */
export interface PatchSchema {
  /** the type's kind name, used in error messages (`struct`, `map`, `slice`, `string`, `interface`) */
  readonly name: string;
  /** the schema and patch metadata of a map- or struct-valued field */
  lookupStruct(key: string): { schema: PatchSchema; meta: PatchMeta };
  /** the element schema and patch metadata of a list-valued field */
  lookupSlice(key: string): { schema: PatchSchema; meta: PatchMeta };
}

const NO_META: PatchMeta = { strategies: [], mergeKey: '' };

function metaOf(f: FieldDef): PatchMeta {
  return { strategies: f.patchStrategy ? f.patchStrategy.split(',') : [], mergeKey: f.patchMergeKey ?? '' };
}

function nodeName(n: TypeNode): string {
  switch (n.kind) {
    case 'struct': return 'struct';
    case 'list': return 'slice';
    case 'map': return 'map';
    case 'scalar': return n.name;
    default: return 'interface';
  }
}

/**
 * A PatchSchema over the definitions, rooted at a type. Fields the schema does not know (or free-form
 * values) get no patch metadata: their maps merge key by key and their lists are replaced.
 */
export function patchSchemaFor(defs: Definitions, expr: TypeExpr): PatchSchema {
  return nodeSchema(defs, resolveType(defs, expr));
}

function nodeSchema(defs: Definitions, node: TypeNode): PatchSchema {
  const child = (key: string): { expr: TypeExpr | undefined; meta: PatchMeta } => {
    if (node.kind === 'struct') {
      const f = fieldOf(node.def, key);
      return f ? { expr: f.type, meta: metaOf(f) } : { expr: undefined, meta: NO_META };
    }
    if (node.kind === 'map') return { expr: node.values, meta: NO_META };
    return { expr: undefined, meta: NO_META };
  };
  return {
    name: nodeName(node),
    lookupStruct(key) {
      const c = child(key);
      return { schema: nodeSchema(defs, c.expr === undefined ? ANY : resolveType(defs, c.expr)), meta: c.meta };
    },
    lookupSlice(key) {
      const c = child(key);
      const t = c.expr === undefined ? ANY : resolveType(defs, c.expr);
      // like upstream's OpenAPI lookup, a non-list field (a pointer to a struct) is its own element type
      const elem = t.kind === 'list' ? resolveType(defs, t.items) : t;
      return { schema: nodeSchema(defs, elem), meta: c.meta };
    },
  };
}
