/**
 * Writes to metadata.ownerReferences without clobbering concurrent writers: a JSON patch that tests the object's
 * uid and the current list before replacing it (upstream sends a strategic merge patch keyed by uid; kubemu's
 * api-server takes JSON and merge patches). A failed test is a 422, and the caller's sync is retried on fresher
 * state.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { ResourceInfo } from '../../../api/resources.js';
import type { RestClient } from '../../../client/rest.js';
import type { ObjectLike } from '../../../client/types.js';

export type JsonPatchOp =
  | { op: 'test' | 'add' | 'replace'; path: string; value: unknown }
  | { op: 'remove'; path: string };

/** The JSON patch setting ownerReferences to `next`, guarded by uid and the current list. */
export function ownerReferencesPatch(obj: ObjectLike, next: OwnerReference[]): JsonPatchOp[] {
  const cur = obj.metadata?.ownerReferences;
  const ops: JsonPatchOp[] = [{ op: 'test', path: '/metadata/uid', value: obj.metadata?.uid ?? '' }];
  if (cur === undefined) {
    if (next.length > 0) ops.push({ op: 'add', path: '/metadata/ownerReferences', value: next });
    return ops;
  }
  ops.push({ op: 'test', path: '/metadata/ownerReferences', value: cur });
  if (next.length === 0) ops.push({ op: 'remove', path: '/metadata/ownerReferences' });
  else ops.push({ op: 'replace', path: '/metadata/ownerReferences', value: next });
  return ops;
}

export async function patchOwnerReferences<T extends ObjectLike>(
  rest: RestClient,
  resource: ResourceInfo,
  obj: T,
  next: OwnerReference[],
): Promise<T> {
  return rest.patch<T>(resource, obj.metadata?.namespace, obj.metadata?.name ?? '', 'json', ownerReferencesPatch(obj, next));
}
