/** Owner references (apimachinery metav1.GetControllerOf, NewControllerRef, IsControlledBy). */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { ObjectLike } from '../../../client/types.js';

export function getControllerOf(obj: ObjectLike): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

/** The controller reference a controller puts on what it creates: controller and blockOwnerDeletion true. */
export function newControllerRef(owner: ObjectLike, apiVersion: string, kind: string): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata?.name ?? '',
    uid: owner.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** An index function filing objects under the uid of their controller (for `byIndex(CONTROLLER_UID_INDEX, uid)`). */
export const CONTROLLER_UID_INDEX = 'controllerUid';
export function controllerUidIndex(obj: ObjectLike): string[] {
  const ref = getControllerOf(obj);
  return ref?.uid ? [ref.uid] : [];
}

/**
 * Upstream's pod controllerUIDIndex (replicaset getRSPods): pods filed under their controller's uid, orphans
 * under ''. A controller's candidates are its own pods plus the orphans, not every pod of the namespace.
 */
export const CONTROLLER_UID_OR_ORPHAN_INDEX = 'controllerUidOrOrphan';
export function controllerUidOrOrphanIndex(obj: ObjectLike): string[] {
  return [getControllerOf(obj)?.uid ?? ''];
}
