/**
 * The common use of claimObjects (upstream's ControllerRefManager with RecheckDeletionTimestamp): before the
 * first adoption the owner is read fresh from the API, and ownership changes are ownerReference patches.
 */
import { ApiError } from '../../../api/errors.js';
import type { Selector } from '../../../api/labels.js';
import type { ResourceInfo } from '../../../api/resources.js';
import type { RestClient } from '../../../client/rest.js';
import type { ObjectLike } from '../../../client/types.js';
import { claimObjects, withOwner, withoutOwner } from './controller-ref.js';
import { newControllerRef } from './owner.js';
import { patchOwnerReferences } from './owner-patch.js';

export interface ClaimingOwner {
  obj: ObjectLike;
  resource: ResourceInfo;
  apiVersion: string;
  kind: string;
}

/** The candidates the owner keeps: its own that its selector matches, plus adopted matching orphans. */
export async function claimChildren<T extends ObjectLike>(
  rest: RestClient,
  owner: ClaimingOwner,
  childResource: ResourceInfo,
  candidates: readonly T[],
  selector: Selector,
): Promise<T[]> {
  const { obj, kind } = owner;
  const uid = obj.metadata?.uid ?? '';
  const ns = obj.metadata?.namespace ?? '';
  const name = obj.metadata?.name ?? '';
  const { claimed, errors } = await claimObjects(candidates, {
    controller: { uid, namespace: ns, deleting: !!obj.metadata?.deletionTimestamp },
    matches: (c) => selector.matches(c.metadata?.labels ?? {}),
    canAdopt: async () => {
      const fresh = await rest.get(owner.resource, ns, name);
      if (fresh.metadata?.uid !== uid) throw new ApiError(409, 'Conflict', `original ${kind} ${ns}/${name} is gone: got uid ${fresh.metadata?.uid ?? ''}, wanted ${uid}`);
      if (fresh.metadata?.deletionTimestamp) throw new ApiError(409, 'Conflict', `${ns}/${name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
    },
    adopt: async (c) => {
      await patchOwnerReferences(rest, childResource, c, withOwner(c, newControllerRef(obj, owner.apiVersion, kind)));
    },
    release: async (c) => {
      await patchOwnerReferences(rest, childResource, c, withoutOwner(c, uid));
    },
  });
  if (errors.length > 0) throw errors[0];
  return claimed;
}
