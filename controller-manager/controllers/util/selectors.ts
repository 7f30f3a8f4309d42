/**
 * Parsed label selectors of cached objects. Cache objects are frozen, so a selector parsed once per LabelSelector
 * object stays valid for as long as that object is cached (a WeakMap keyed by it frees it afterwards).
 */
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { ApiError } from '../../../api/errors.js';
import { selectorFromLabelSelector, selectorFromSet, Selector } from '../../../api/labels.js';

const parsed = new WeakMap<object, Selector | ApiError>();

/** metav1.LabelSelectorAsSelector (nil matches nothing, {} everything); throws ApiError when invalid. */
export function labelSelector(ls: LabelSelector | undefined | null): Selector {
  if (!ls) return Selector.nothing();
  let s = parsed.get(ls);
  if (!s) {
    try {
      s = selectorFromLabelSelector(ls);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      s = e;
    }
    if (Object.isFrozen(ls)) parsed.set(ls, s);
  }
  if (s instanceof ApiError) throw s;
  return s;
}

/** Like labelSelector, but undefined for an invalid selector. */
export function tryLabelSelector(ls: LabelSelector | undefined | null): Selector | undefined {
  try {
    return labelSelector(ls);
  } catch (e) {
    if (e instanceof ApiError) return undefined;
    throw e;
  }
}

const bySet = new WeakMap<object, Selector>();

/** labels.SelectorFromSet of a (Service) selector map; an empty or absent map gives the empty selector. */
export function setSelector(set: Record<string, string> | undefined | null): Selector {
  if (!set) return selectorFromSet(undefined);
  let s = bySet.get(set);
  if (!s) {
    s = selectorFromSet(set);
    if (Object.isFrozen(set)) bySet.set(set, s);
  }
  return s;
}
