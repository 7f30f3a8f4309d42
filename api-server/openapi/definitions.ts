/**
 * The API type definitions kubemu serves: generated from `kubernetes-types`
 * (definitions.generated.ts) with the strategic-merge-patch metadata overlaid (patch-strategies.ts).
 * Used for strategic merge patch, server-side apply, unknown-field detection and the OpenAPI documents.
 */
import type { Definitions, FieldDef, StructDef } from '../../api/patch/schema.js';
import type { GroupVersionKind, ResourceInfo } from '../../api/resources.js';
import { GENERATED_DEFINITIONS } from './definitions.generated.js';
import { PATCH_STRATEGIES, type PatchStrategyEntry } from './patch-strategies.js';

export interface ApiDefinition extends StructDef {
  /** set on top-level kinds (from their apiVersion/kind literal types) */
  readonly gvk?: GroupVersionKind;
}

export type GeneratedDefinitions = Readonly<Record<string, ApiDefinition>>;

export interface ApiDefinitions {
  readonly definitions: Definitions & GeneratedDefinitions;
  /** `#<definition>` of a kind, or undefined when no schema is known for it */
  typeOf(gvk: GroupVersionKind): string | undefined;
}

/** Combines the generated definitions with the patch metadata. */
export function buildApiDefinitions(
  generated: GeneratedDefinitions = GENERATED_DEFINITIONS,
  strategies: readonly PatchStrategyEntry[] = PATCH_STRATEGIES,
): ApiDefinitions {
  const defs: Record<string, ApiDefinition> = { ...generated };
  for (const s of strategies) {
    const def = Object.hasOwn(defs, s.definition) ? defs[s.definition] : undefined;
    if (!def || !Object.hasOwn(def.fields, s.field)) continue; // a field newer than the generated types
    const field: FieldDef = { ...def.fields[s.field], patchStrategy: s.strategy, ...(s.mergeKey !== undefined ? { patchMergeKey: s.mergeKey } : {}) };
    defs[s.definition] = { ...def, fields: { ...def.fields, [s.field]: field } };
  }
  const byGvk = new Map<string, string>();
  for (const [name, def] of Object.entries(defs)) {
    if (def.gvk) byGvk.set(gvkKey(def.gvk), name);
  }
  const frozen = Object.freeze(defs);
  return {
    definitions: frozen,
    typeOf: (gvk) => {
      const name = byGvk.get(gvkKey(gvk));
      return name === undefined ? undefined : `#${name}`;
    },
  };
}

function gvkKey(g: GroupVersionKind): string {
  return `${g.group}/${g.version}/${g.kind}`;
}

/** The GVK of a resource's objects (autoscaling/v1 Scale for the scale subresource is separate). */
export function gvkOf(info: ResourceInfo): GroupVersionKind {
  return { group: info.group, version: info.version, kind: info.kind };
}

/** The definitions of every served kind (immutable, built once). */
export const API_DEFINITIONS: ApiDefinitions = buildApiDefinitions();
