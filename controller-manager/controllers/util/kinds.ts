import { deepCopy, type DeepMutable } from '../../../api/object.js';
/**
 * Objects from list responses carry no kind/apiVersion; events and owner references need them. These give a
 * cached object its type back without copying it.
 */
import type { ObjectLike } from '../../../client/types.js';

export function typed<T extends ObjectLike>(obj: T, apiVersion: string, kind: string): T {
  return obj.kind === kind && obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion, kind };
}

/** A deep copy that may be changed (kubernetes-types marks fields readonly; cache objects are frozen). */
export function mutableCopy<T>(obj: T): DeepMutable<T> {
  const copy: unknown = deepCopy(obj);
  return copy as DeepMutable<T>;
}
