/**
 * The pod-template-hash (controller.ComputeHash + rand.SafeEncodeString).
 *
 * Upstream hashes the Go struct of the PodTemplateSpec with FNV-32a through spew's `%#v` printer, a layout that
 * only exists in Go. kubemu hashes the template's canonical JSON (keys sorted) instead, then appends the
 * collisionCount exactly as upstream (8 bytes, uint32 little-endian in the first 4) and renders the 32-bit sum
 * the upstream way: its decimal digits mapped onto `bcdfghjklmnpqrstvwxz2456789`. The shape of the name
 * (`<deploy>-<up to 10 of those characters>`) matches upstream; the value differs from what a real cluster
 * would compute for the same template. Nothing depends on the value itself: a Deployment finds its new
 * ReplicaSet by comparing templates, as upstream does.
 */
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export function fnv32a(bytes: Uint8Array, seed = FNV_OFFSET): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  return h >>> 0;
}

/** JSON with object keys sorted at every level (absent/undefined members dropped). */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const rec = v as Record<string, unknown>;
    const keys = Object.keys(rec)
      .filter((k) => rec[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(rec[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** rand.SafeEncodeString: each character mapped to one of 27 characters unlikely to spell words. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += ALPHANUMS[s.charCodeAt(i) % ALPHANUMS.length];
  return out;
}

export function computeHash(template: PodTemplateSpec | undefined, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(canonicalJson(template ?? {})));
  if (collisionCount !== undefined && collisionCount !== null) {
    const extra = new Uint8Array(8);
    new DataView(extra.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(extra, h);
  }
  return safeEncodeString(String(h));
}
