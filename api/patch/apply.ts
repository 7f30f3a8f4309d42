/**
 * Server-side apply (PATCH with `application/apply-patch+yaml`), after apimachinery's managedfields
 * FieldManager and structured-merge-diff's `Updater.Apply`:
 *
 * 1. The applied configuration must have the resource's apiVersion and kind, no managedFields, and only
 *    fields of the type (upstream answers those three with 400, 400 and 500 respectively).
 * 2. It is merged into the live object (or an empty one, which the caller then creates) with the
 *    strategic-merge-patch merge keys: keyed lists merge by key, lists of scalars with strategy merge
 *    are unioned, other lists are replaced, maps merge.
 * 3. Fields the same manager applied last time, omits now, and no other manager owns are removed.
 * 4. A field whose value the apply changes and that another manager owns is a conflict (409 with causes
 *    of type FieldManagerConflict) unless `force`, which takes ownership.
 * 5. The manager's `Apply` entry in metadata.managedFields becomes the set of fields it applied.
 *
 * The main resource never applies `status`; the status subresource applies only `status`.
 */
import { ApiError, type StatusCause } from '../errors.js';
import {
  compareObjects,
  decodeManagedFields,
  encodeManagedFields,
  fieldSetOf,
  FieldSet,
  managerId,
  pathString,
  removePaths,
  type Manager,
  type OwnershipScope,
} from './managed-fields.js';
import { fieldOf, patchSchemaFor, resolveType, type Definitions, type TypeExpr, type TypeNode } from './schema.js';
import { applyStrategicMergePatch } from './strategic.js';
import { jsonEqual } from './json.js';

type Obj = Record<string, unknown>;

export interface ApplyOptions {
  manager: string;
  force: boolean;
  /** the resource's group, version and kind, which the configuration must name */
  group: string;
  version: string;
  kind: string;
  /** the name and namespace from the URL (for messages and the new object) */
  name: string;
  namespace?: string;
  subresource?: 'status';
  /** RFC 3339 time recorded in the manager's entry */
  now: string;
  /** the kind's type (`#io.k8s.api.apps.v1.Deployment`) in defs */
  type: TypeExpr;
  defs: Definitions;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function gvkString(group: string, version: string, kind: string): string {
  return `${group}/${version}, Kind=${kind}`;
}

/**
 * Applies `config` to `live` (undefined when the object does not exist yet) and returns the object to
 * store, including its managedFields. Inputs are not mutated.
 */
export function serverSideApply(live: Obj | undefined, config: unknown, o: ApplyOptions): Obj {
  if (!isObj(config)) {
    throw ApiError.badRequest(`error decoding YAML: json: cannot unmarshal ${Array.isArray(config) ? 'array' : typeof config} into Go value of type map[string]interface {}`);
  }
  const apiVersion = o.group ? `${o.group}/${o.version}` : o.version;
  const av = typeof config.apiVersion === 'string' ? config.apiVersion : '';
  const kind = typeof config.kind === 'string' ? config.kind : '';
  if (av !== apiVersion || kind !== o.kind) {
    const i = av.indexOf('/');
    throw ApiError.badRequest(`invalid object type: ${gvkString(i < 0 ? '' : av.slice(0, i), i < 0 ? av : av.slice(i + 1), kind)}`);
  }
  if (isObj(config.metadata) && config.metadata.managedFields !== undefined && config.metadata.managedFields !== null) {
    throw ApiError.badRequest('metadata.managedFields must be nil');
  }
  const undeclared = undeclaredFields(config, o.type, o.defs);
  if (undeclared.length > 0) {
    const detail = undeclared.length === 1 ? undeclared[0] : ['errors:', ...undeclared.map((e) => `  ${e}`)].join('\n');
    throw new ApiError(500, 'InternalError', `failed to create typed patch object (${o.namespace ?? ''}/${o.name}; ${gvkString(o.group, o.version, o.kind)}): ${detail}`);
  }

  const scope: OwnershipScope = o.subresource === 'status' ? 'status' : 'main';
  const applied = scopedConfig(config, scope);
  const base: Obj = live ? structuredClone(live) : { apiVersion, kind: o.kind, metadata: {} };
  const baseMeta = isObj(base.metadata) ? base.metadata : {};
  const managers = decodeManagedFields(baseMeta.managedFields);
  delete baseMeta.managedFields;
  base.metadata = baseMeta;

  const merged = applyStrategicMergePatch(base, applied, patchSchemaFor(o.defs, o.type));

  const self = managerId({ manager: o.manager, operation: 'Apply', apiVersion, subresource: o.subresource });
  const previous = managers.get(self);
  const appliedSet = fieldSetOf(applied, o.type, o.defs, scope);
  const entry: Manager = {
    manager: o.manager,
    operation: 'Apply',
    apiVersion,
    set: appliedSet,
    ...(previous?.time ? { time: previous.time } : {}),
    ...(o.subresource ? { subresource: o.subresource } : {}),
  };
  managers.set(self, entry);

  // fields this manager stopped applying and nobody else owns go away
  if (previous) {
    let owned = new FieldSet();
    for (const m of managers.values()) owned = owned.union(m.set);
    removePaths(merged, previous.set.difference(owned), owned);
  }

  const c = compareObjects(base, merged, o.type, o.defs, scope);
  const changed = c.modified.union(c.added);
  const conflicts: { manager: Manager; paths: string[] }[] = [];
  for (const [id, m] of managers) {
    if (id === self) continue;
    const clash = m.set.intersection(changed);
    if (!clash.empty) conflicts.push({ manager: m, paths: clash.sorted() });
  }
  if (conflicts.length > 0 && !o.force) throw conflictError(conflicts);
  for (const [id, m] of managers) {
    if (id === self) continue;
    m.set = m.set.difference(changed).difference(c.removed);
  }

  if (!jsonEqual(withoutManagedFields(base), withoutManagedFields(merged)) || !entry.time) entry.time = o.now;
  const encoded = encodeManagedFields(managers);
  const meta = isObj(merged.metadata) ? merged.metadata : {};
  if (encoded.length > 0) meta.managedFields = encoded;
  else delete meta.managedFields;
  merged.metadata = meta;
  return merged;
}

function withoutManagedFields(o: Obj): Obj {
  const meta = isObj(o.metadata) ? { ...o.metadata } : {};
  delete meta.managedFields;
  return { ...o, metadata: meta };
}

/** The applied configuration restricted to what the endpoint may set. */
function scopedConfig(config: Obj, scope: OwnershipScope): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(config)) {
    if (scope === 'main' && k === 'status') continue;
    if (scope === 'status' && k !== 'status' && k !== 'apiVersion' && k !== 'kind' && k !== 'metadata') continue;
    out[k] = structuredClone(v);
  }
  return out;
}

/** upstream printManager: `"kubectl"`, `"kube-controller-manager" using apps/v1`, `… with subresource "status"` */
function printManager(m: Manager): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') s += ` using ${m.apiVersion}`;
  return s;
}

/** upstream NewConflictError / getConflictMessage */
function conflictError(conflicts: { manager: Manager; paths: string[] }[]): ApiError {
  const causes: StatusCause[] = [];
  for (const c of conflicts) {
    for (const p of c.paths) causes.push({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: pathString(p) });
  }
  let message: string;
  if (causes.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0].manager)}: ${pathString(conflicts[0].paths[0])}`;
  } else {
    const lines: string[] = [];
    for (const c of [...conflicts].sort((a, b) => (managerId(a.manager) < managerId(b.manager) ? -1 : 1))) {
      lines.push(`conflicts with ${printManager(c.manager)}:`);
      for (const p of c.paths) lines.push(`- ${pathString(p)}`);
    }
    message = `Apply failed with ${causes.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, { causes });
}

/**
 * Fields of the configuration that the type does not declare, as structured-merge-diff reports them:
 * `.spec.template.spec.containers[name="web"].foo: field not declared in schema`.
 */
function undeclaredFields(config: Obj, type: TypeExpr, defs: Definitions): string[] {
  const errors: string[] = [];
  const walk = (v: unknown, node: TypeNode, path: string, strategy: string | undefined, mergeKey: string | undefined): void => {
    if (Array.isArray(v)) {
      if (node.kind !== 'list') return;
      const items = resolveType(defs, node.items);
      v.forEach((item, i) => {
        const keyed = strategy?.split(',').includes('merge') && mergeKey && isObj(item) && Object.hasOwn(item, mergeKey);
        walk(item, items, keyed ? `${path}[${mergeKey}=${JSON.stringify(item[mergeKey])}]` : `${path}[${i}]`, undefined, undefined);
      });
      return;
    }
    if (!isObj(v)) return;
    if (node.kind === 'map') {
      const values = resolveType(defs, node.values);
      for (const [k, cv] of Object.entries(v)) walk(cv, values, `${path}.${k}`, undefined, undefined);
      return;
    }
    if (node.kind !== 'struct') return;
    for (const [k, cv] of Object.entries(v)) {
      const f = fieldOf(node.def, k);
      if (!f) errors.push(`${path}.${k}: field not declared in schema`);
      else walk(cv, resolveType(defs, f.type), `${path}.${k}`, f.patchStrategy, f.patchMergeKey);
    }
  };
  walk(config, resolveType(defs, type), '', undefined, undefined);
  return errors;
}
