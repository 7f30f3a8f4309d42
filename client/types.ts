/**
 * Object shapes the client is generic over.
 *
 * `KubeObject` (api/object.ts) has a string index signature, and TypeScript does not let interfaces without one
 * (every `kubernetes-types` interface: Pod, Lease, …) satisfy it. The client therefore constrains its generics by
 * the structural `ObjectLike`, which both `KubeObject` and `Pod` satisfy, and defaults them to `KubeObject`.
 */
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import type { KubeObject, ListMeta, WatchEventType } from '../api/object.js';

export interface ObjectLike {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

/** Same wire shape as api/object.ts `KubeList`, but over `ObjectLike`. */
export interface ObjectList<T extends ObjectLike = KubeObject> {
  apiVersion: string;
  kind: string;
  metadata: ListMeta;
  items: T[];
}

/** Same wire shape as api/object.ts `WatchEvent`. ERROR events never reach callers: they are thrown as ApiError. */
export interface ObjectWatchEvent<T extends ObjectLike = KubeObject> {
  type: WatchEventType;
  object: T;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface WatchOptions {
  resourceVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
}

/** `namespace/name`, or `name` for cluster-scoped objects (client-go's MetaNamespaceKeyFunc). */
export function objectKey(obj: ObjectLike): string {
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? '';
  return ns ? `${ns}/${name}` : name;
}

export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: undefined, name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/**
 * Compares two resourceVersions (decimal etcd revisions) numerically. Returns undefined when either is missing or
 * not a decimal number, since RVs are otherwise opaque.
 */
export function compareResourceVersions(a: string | undefined, b: string | undefined): -1 | 0 | 1 | undefined {
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return undefined;
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Recursively freezes a JSON value in place and returns it. */
export function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
  }
  return v;
}
