/**
 * ControllerRefManager.ClaimObjects (k8s.io/kubernetes/pkg/controller/controller_ref_manager.go): of the objects a
 * controller's selector could match, keep the ones it owns, adopt matching orphans and release owned objects that
 * no longer match.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { isApiError } from '../../../api/errors.js';
import type { ObjectLike } from '../../../client/types.js';
import { getControllerOf } from './owner.js';

export interface Claimant {
  uid: string;
  namespace: string | undefined;
  deleting: boolean;
}

export interface ClaimOptions<T extends ObjectLike> {
  controller: Claimant;
  matches(obj: T): boolean;
  /** Rechecks from the API that the controller still exists with the same uid and is not being deleted. */
  canAdopt(): Promise<void>;
  adopt(obj: T): Promise<void>;
  release(obj: T): Promise<void>;
}

/** Returns the objects the controller owns after adoption and release. Errors of single objects are collected. */
export async function claimObjects<T extends ObjectLike>(objs: readonly T[], o: ClaimOptions<T>): Promise<{ claimed: T[]; errors: unknown[] }> {
  const claimed: T[] = [];
  const errors: unknown[] = [];
  let adoptChecked: Promise<void> | undefined;
  for (const obj of objs) {
    // the usual cases decided without a microtask each: someone else's, ours and still selected, an orphan not selected
    const ref = getControllerOf(obj);
    if (ref && ref.uid !== o.controller.uid) continue;
    if (ref && o.matches(obj)) {
      claimed.push(obj);
      continue;
    }
    if (!ref && (o.controller.deleting || !o.matches(obj))) continue;
    try {
      if (await claimOne(obj, o, () => (adoptChecked ??= o.canAdopt()))) claimed.push(obj);
    } catch (e) {
      errors.push(e);
    }
  }
  return { claimed, errors };
}

async function claimOne<T extends ObjectLike>(obj: T, o: ClaimOptions<T>, canAdopt: () => Promise<void>): Promise<boolean> {
  const ref = getControllerOf(obj);
  const { controller } = o;
  if (ref) {
    if (ref.uid !== controller.uid) return false; // owned by someone else
    if (o.matches(obj)) return true;
    // owned by us but no longer selected: release, unless we are being deleted (the GC handles that)
    if (controller.deleting) return false;
    try {
      await o.release(obj);
    } catch (e) {
      // gone, or no longer ours: nothing to release
      if (!isApiError(e, 'NotFound')) throw e;
    }
    return false;
  }
  // an orphan
  if (controller.deleting || !o.matches(obj)) return false;
  if (obj.metadata?.deletionTimestamp) return false;
  if ((obj.metadata?.namespace ?? undefined) !== controller.namespace) return false;
  await canAdopt();
  try {
    await o.adopt(obj);
  } catch (e) {
    if (isApiError(e, 'NotFound')) return false;
    throw e;
  }
  return true;
}

/** The ownerReferences of `obj` with `ref` added (as the controller). */
export function withOwner(obj: ObjectLike, ref: OwnerReference): OwnerReference[] {
  return [...(obj.metadata?.ownerReferences ?? []).filter((r) => r.uid !== ref.uid), ref];
}

/** The ownerReferences of `obj` without the reference to `uid`. */
export function withoutOwner(obj: ObjectLike, uid: string): OwnerReference[] {
  return (obj.metadata?.ownerReferences ?? []).filter((r) => r.uid !== uid);
}
