/** Small helpers shared by the validation modules. */
import { isRecord } from '../object.js';

/**
 * Semantic equality of JSON values: object keys whose value is undefined count as absent.
 * (Go compares typed structs, where an omitted field and its zero value coincide only for pointers;
 * callers compare defaulted objects, so treating undefined as absent is the faithful choice.)
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Lists the JSON paths where two values differ (for human-readable update diffs). */
export function diffPaths(a: unknown, b: unknown, path: string, out: string[] = [], limit = 20): string[] {
  if (out.length >= limit || deepEqual(a, b)) return out;
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((v, i) => diffPaths(v, b[i], `${path}[${i}]`, out, limit));
    return out;
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) diffPaths(a[k], b[k], path ? `${path}.${k}` : k, out, limit);
    return out;
  }
  out.push(path);
  return out;
}

export function asRecord(v: unknown): Record<string, unknown> {
  return isRecord(v) ? v : {};
}

export function asArray<T = unknown>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}
