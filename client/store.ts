/**
 * The informer's thread-safe-by-construction (single-threaded) cache with secondary indices, as client-go's
 * cache.Indexer. Objects in it are deep-frozen by the informer; nobody may mutate them.
 */
import type { KubeObject } from '../api/object.js';
import type { ObjectLike } from './types.js';

/** Returns the index values an object is filed under (e.g. `[pod.spec.nodeName]`); [] = not indexed. */
export type IndexFunc<T> = (obj: T) => string[];

export class Store<T extends ObjectLike = KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly indexers = new Map<string, IndexFunc<T>>();
  /** index name → index value → keys */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  list(): T[] {
    return [...this.items.values()];
  }

  entries(): IterableIterator<[string, T]> {
    return this.items.entries();
  }

  /** Inserts or replaces; returns the previous object. */
  set(key: string, obj: T): T | undefined {
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    this.index(key, obj);
    return old;
  }

  delete(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  /** Adds a secondary index and files every cached object under it. Names must be unique. */
  addIndex(name: string, fn: IndexFunc<T>): void {
    if (this.indexers.has(name)) throw new Error(`index "${name}" already exists`);
    this.indexers.set(name, fn);
    this.indices.set(name, new Map());
    for (const [key, obj] of this.items) this.indexOne(name, fn, key, obj);
  }

  hasIndex(name: string): boolean {
    return this.indexers.has(name);
  }

  byIndex(name: string, value: string): T[] {
    const idx = this.indices.get(name);
    if (!idx) throw new Error(`index "${name}" does not exist`);
    const keys = idx.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const k of keys) {
      const o = this.items.get(k);
      if (o) out.push(o);
    }
    return out;
  }

  /** The distinct values currently present in an index. */
  indexValues(name: string): string[] {
    const idx = this.indices.get(name);
    if (!idx) throw new Error(`index "${name}" does not exist`);
    return [...idx.keys()];
  }

  private index(key: string, obj: T): void {
    for (const [name, fn] of this.indexers) this.indexOne(name, fn, key, obj);
  }

  private indexOne(name: string, fn: IndexFunc<T>, key: string, obj: T): void {
    const idx = this.indices.get(name) as Map<string, Set<string>>;
    for (const v of new Set(fn(obj))) {
      let set = idx.get(v);
      if (!set) idx.set(v, (set = new Set()));
      set.add(key);
    }
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of this.indexers) {
      const idx = this.indices.get(name) as Map<string, Set<string>>;
      for (const v of new Set(fn(obj))) {
        const set = idx.get(v);
        if (!set) continue;
        set.delete(key);
        if (set.size === 0) idx.delete(v);
      }
    }
  }
}
