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

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  object: T;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep copy of a JSON value (objects from caches must never be mutated). */
export function deepCopy<T>(v: T): T {
  return structuredClone(v);
}

export function namespacedName(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? '';
  return ns ? `${ns}/${name}` : name;
}
