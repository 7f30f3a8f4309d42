/**
 * Read access to an informer's cache, as client-go listers.
 *
 * Returned objects are the cache's own **deep-frozen** objects (no copy, so listing is cheap). Mutating one throws
 * a TypeError in strict-mode code; callers that want to change an object must `deepCopy()` it first.
 */
import type { KubeObject } from '../api/object.js';
import type { IndexFunc, Store } from './store.js';
import type { ObjectLike } from './types.js';

/** Anything that can match a label set, e.g. a parsed label selector. */
export interface LabelMatcher {
  matches(labels: Record<string, string>): boolean;
}

/** The built-in index of objects by namespace. */
export const NAMESPACE_INDEX = 'namespace';

export class Lister<T extends ObjectLike = KubeObject> {
  private readonly store: Store<T>;

  /** Accepts an Informer (anything with a `store`) or a Store. */
  constructor(source: { store: Store<T> } | Store<T>) {
    this.store = 'store' in source ? source.store : source;
    if (!this.store.hasIndex(NAMESPACE_INDEX)) {
      this.store.addIndex(NAMESPACE_INDEX, (o) => [o.metadata?.namespace ?? '']);
    }
  }

  /** `ns` is ignored (pass '' or undefined) for cluster-scoped resources. */
  get(ns: string | undefined, name: string): T | undefined {
    return this.store.get(ns ? `${ns}/${name}` : name);
  }

  list(selector?: LabelMatcher): T[] {
    return filter(this.store.list(), selector);
  }

  listNamespace(ns: string, selector?: LabelMatcher): T[] {
    return filter(this.store.byIndex(NAMESPACE_INDEX, ns), selector);
  }

  /** Adds a secondary index, e.g. `addIndex('nodeName', (p) => p.spec?.nodeName ? [p.spec.nodeName] : [])`. */
  addIndex(name: string, fn: IndexFunc<T>): void {
    this.store.addIndex(name, fn);
  }

  hasIndex(name: string): boolean {
    return this.store.hasIndex(name);
  }

  byIndex(name: string, value: string): T[] {
    return this.store.byIndex(name, value);
  }
}

function filter<T extends ObjectLike>(items: T[], selector: LabelMatcher | undefined): T[] {
  if (!selector) return items;
  return items.filter((o) => selector.matches(o.metadata?.labels ?? {}));
}
