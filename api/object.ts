import type { ObjectMeta as K8sObjectMeta } from 'kubernetes-types/meta/v1.js';

/** kubernetes-types declares every field readonly; server code that builds objects needs them writable. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type DeepMutable<T> = T extends (infer U)[]
  ? DeepMutable<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: DeepMutable<T[K]> }
    : T;

export type ObjectMeta = Mutable<K8sObjectMeta>;

/** Any Kubernetes object as stored and served: JSON with kind, apiVersion and metadata. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [key: string]: unknown;
}

/** A KubeObject whose metadata is known to be present (after the api-server has prepared it). */
export interface StoredObject extends KubeObject {
  metadata: ObjectMeta;
}

export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion: string;
  kind: string;
  metadata: ListMeta;
  items: T[];
}

const OMIT_WHEN_EMPTY = ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const;

/**
 * Drops the ObjectMeta fields that are empty lists or maps, as Go's `omitempty` does when the api-server
 * encodes an object: `finalizers: []` (e.g. after a patch removed the last finalizer) is stored and served absent.
 */
export function dropEmptyMeta(meta: ObjectMeta): void {
  const m = meta as Record<string, unknown>;
  for (const k of OMIT_WHEN_EMPTY) {
    const v = m[k];
    if (v === null || (Array.isArray(v) && v.length === 0) || (isRecord(v) && Object.keys(v).length === 0)) delete m[k];
  }
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  object: T;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Deep copy of a JSON value (objects from caches must never be mutated). A plain recursive copy: an order of
 * magnitude cheaper than structuredClone for API objects (every write and every sync makes some), and it copies
 * deeper nesting than structuredClone does before the stack runs out.
 */
export function deepCopy<T>(v: T): T {
  return copyJson(v) as T;
}

function copyJson(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copyJson(v[i]);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const x = copyJson((v as Record<string, unknown>)[k]);
    // JSON.parse makes "__proto__" an own key; plain assignment would set the prototype instead
    if (k === '__proto__') Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
    else out[k] = x;
  }
  return out;
}

export function namespacedName(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? '';
  return ns ? `${ns}/${name}` : name;
}
