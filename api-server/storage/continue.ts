import { ApiError } from '../../api/errors.js';

/** Upstream's continue token (apiserver/pkg/storage/continue.go): base64url JSON {v, rv, start}. */
export function encodeContinue(rev: number, lastKey: string, prefix: string): string {
  const start = `${lastKey.slice(prefix.length)}\u0000`;
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: rev, start })).toString('base64url');
}

export function decodeContinue(token: string, prefix: string): { rev: number; startKey: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw ApiError.badRequest('continue key is not valid: illegal base64 data or JSON');
  }
  const p = parsed as { v?: unknown; rv?: unknown; start?: unknown };
  if (p.v !== 'meta.k8s.io/v1') throw ApiError.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof p.rv !== 'number' || p.rv <= 0) throw ApiError.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof p.start !== 'string' || p.start.length === 0) throw ApiError.badRequest('continue key is not valid: encoded start key empty');
  if (p.start.includes('..') || p.start.startsWith('/')) throw ApiError.badRequest('continue key is not valid: path traversal');
  return { rev: p.rv, startKey: prefix + p.start };
}
