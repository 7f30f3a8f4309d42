import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { DeleteOptions } from 'kubernetes-types/meta/v1.js';
import { ApiError, FieldError, type GroupResource } from '../../api/errors.js';
import { deepCopy, dropEmptyMeta, isRecord, type KubeList, type StoredObject } from '../../api/object.js';
import { apiVersionOf, type ResourceInfo } from '../../api/resources.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../api/validation/metadata.js';
import type { Selector } from '../../api/labels.js';
import type { FieldSelector } from '../../api/fields.js';
import { fieldsForObject } from '../../api/fields.js';
import type { EtcdStore, Versioned } from '../storage/etcd-store.js';
import type { Cacher } from '../storage/cacher.js';
import type { WatchCache } from '../storage/watch-cache.js';
import { decodeContinue, encodeContinue } from '../storage/continue.js';
import type { AdmissionContext, Strategy } from './strategy.js';
import { generateName } from './names.js';

export interface WriteOptions {
  dryRun: boolean;
  fieldManager?: string;
}

export interface ListOptions {
  labelSelector?: Selector;
  fieldSelector?: FieldSelector;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

/** How an update is computed from the current object (PUT replaces, PATCH transforms). */
export type UpdateFn = (current: StoredObject) => StoredObject;

/** '' = the main resource, 'status' = the status subresource, 'internal' = a server-side write (binding, scale, finalize) whose update function is trusted */
export type Subresource = '' | 'status' | 'internal';

export interface StoreDeps {
  etcd: EtcdStore;
  cacher: Cacher;
  admission: (ns: string | undefined, info: ResourceInfo, op: 'create' | 'update') => Promise<void>;
  cacheOf: (r: ResourceInfo) => WatchCache | undefined;
  now: () => Date;
}

const GENERATE_NAME_RETRIES = 8;

/**
 * CRUD for one resource on etcd, driven by its Strategy (upstream's generic registry Store).
 * Objects from the cache are never mutated: every write path works on a deep copy.
 */
export class GenericStore {
  readonly gr: GroupResource;
  readonly prefix: string;
  readonly cache: WatchCache;

  constructor(
    readonly info: ResourceInfo,
    readonly strategy: Strategy,
    private readonly deps: StoreDeps,
  ) {
    this.gr = { group: info.group, resource: info.resource };
    this.prefix = `/registry/${info.storagePrefix}/`;
    this.cache = deps.cacher.cacheFor(this.prefix);
  }

  key(ns: string | undefined, name: string): string {
    return this.info.namespaced ? `${this.prefix}${ns}/${name}` : `${this.prefix}${name}`;
  }

  /** prefix of a namespace's objects (or all objects) */
  listPrefix(ns: string | undefined): string {
    return this.info.namespaced && ns ? `${this.prefix}${ns}/` : this.prefix;
  }

  async get(ns: string | undefined, name: string): Promise<StoredObject> {
    const v = await this.deps.etcd.get(this.key(ns, name));
    if (!v) throw ApiError.notFound(this.gr, name);
    return this.externalize(v.obj);
  }

  async list(ns: string | undefined, opts: ListOptions): Promise<KubeList<StoredObject>> {
    validateListOptions(opts);
    const rv = opts.resourceVersion ?? '';
    const match = opts.resourceVersionMatch ?? '';
    const filter = (o: StoredObject) => this.matches(o, opts.labelSelector, opts.fieldSelector);
    const prefix = this.listPrefix(ns);
    const fromEtcd = Boolean(opts.continue) || (Boolean(opts.limit) && rv !== '0') || match === 'Exact';
    if (!fromEtcd) {
      const rev = rv === '' ? await this.deps.cacher.waitFresh() : rv === '0' ? this.deps.cacher.observedRevision : await this.waitNotOlderThan(rv);
      const items = this.cache
        .snapshot()
        .filter((o) => o.metadata.namespace === ns || !ns || !this.info.namespaced)
        .filter(filter)
        .map((o) => this.externalize(o));
      const listRev = Math.max(rev, this.deps.cacher.observedRevision);
      return this.listOf(items, { resourceVersion: String(listRev) });
    }
    let rev: number | undefined;
    let startKey: string | undefined;
    if (opts.continue) {
      const c = decodeContinue(opts.continue, prefix);
      rev = c.rev;
      startKey = c.startKey;
    } else if (match === 'Exact') {
      rev = parseRv(rv);
    }
    const limit = opts.limit ?? 0;
    const items: StoredObject[] = [];
    let lastKey: string | undefined;
    let more = false;
    let remaining: number | undefined;
    const filtered = Boolean(opts.labelSelector && !opts.labelSelector.isEmpty()) || Boolean(opts.fieldSelector && !opts.fieldSelector.isEmpty());
    for (;;) {
      const page = await this.deps.etcd.list(prefix, { rev, limit: limit ? Math.max(limit - items.length, filtered ? 100 : 0) : undefined, startKey });
      rev ??= page.rev;
      for (const v of page.items) {
        if (limit && items.length >= limit) {
          more = true;
          break;
        }
        lastKey = v.key;
        if (filter(v.obj)) items.push(this.externalize(v.obj));
      }
      if (!page.lastKey) break;
      more = true;
      if (limit && items.length >= limit) {
        if (!filtered) remaining = page.remaining;
        break;
      }
      startKey = `${page.lastKey}\u0000`;
      more = false;
    }
    const meta: KubeList['metadata'] = { resourceVersion: String(rev) };
    if (more && lastKey) {
      meta.continue = encodeContinue(rev, lastKey, prefix);
      if (remaining !== undefined) meta.remainingItemCount = remaining;
    }
    return this.listOf(items, meta);
  }

  private async waitNotOlderThan(rv: string): Promise<number> {
    const rev = parseRv(rv);
    await this.deps.cacher.waitForRevision(rev);
    return rev;
  }

  listOf(items: StoredObject[], metadata: KubeList['metadata']): KubeList<StoredObject> {
    return { kind: this.info.listKind, apiVersion: apiVersionOf(this.info), metadata, items };
  }

  matches(o: StoredObject, ls?: Selector, fs?: FieldSelector): boolean {
    if (ls && !ls.matches(o.metadata.labels ?? undefined)) return false;
    if (fs && !fs.isEmpty() && !fs.matches(fieldsForObject(this.info.resource, o))) return false;
    return true;
  }

  /** POST. Takes ownership of body (see decodeBody). */
  async create(ns: string | undefined, body: unknown, opts: WriteOptions): Promise<StoredObject> {
    const obj = this.decodeBody(body, ns);
    const meta = obj.metadata;
    if (meta.resourceVersion) {
      throw ApiError.badRequest('resourceVersion should not be set on objects to be created');
    }
    await this.deps.admission(ns, this.info, 'create');
    const now = this.deps.now();
    meta.uid = randomUUID();
    meta.creationTimestamp = rfc3339(now);
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (this.strategy.tracksGeneration) meta.generation = 1;
    else delete meta.generation;
    const wantsGenerated = !meta.name && Boolean(meta.generateName);
    this.decoding(() => {
      this.strategy.defaults(obj);
      this.strategy.prepareForCreate(obj);
      dropEmptyMeta(meta);
      if (wantsGenerated) meta.name = generateName(String(meta.generateName));
      this.validateCreate(obj);
    });
    this.strategy.admit(obj, undefined, this.admissionContext(opts.dryRun));
    try {
      if (opts.dryRun) return obj;
      for (let attempt = 0; ; attempt++) {
        const created = await this.deps.etcd.create(this.key(ns, meta.name!), obj);
        if (created) return this.externalize(created.obj);
        if (!wantsGenerated || attempt >= GENERATE_NAME_RETRIES) throw ApiError.alreadyExists(this.gr, meta.name!);
        meta.name = generateName(meta.generateName!);
      }
    } catch (e) {
      this.strategy.release(obj);
      throw e;
    }
  }

  /**
   * Read-modify-write with compare-and-swap on mod_revision. Without a resourceVersion precondition a
   * conflicting write is retried on fresh state; with one it is a 409 Conflict.
   * As upstream's etcd3 store, the first attempt starts from the watch cache's copy (no etcd read); a failed
   * compare returns the current state in the same transaction. A cached copy that fails a precondition or
   * makes the update a no-op may be stale, so it is confirmed against etcd before answering.
   */
  async guaranteedUpdate(
    ns: string | undefined,
    name: string,
    sub: Subresource,
    opts: WriteOptions,
    precondition: string | undefined,
    updateFn: UpdateFn,
  ): Promise<StoredObject> {
    const key = this.key(ns, name);
    let cur: Versioned | undefined;
    let current = false;
    const refresh = async (): Promise<void> => {
      cur = await this.deps.etcd.get(key);
      current = true;
    };
    cur = this.cachedVersion(key);
    if (!cur) await refresh();
    for (let attempt = 0; attempt < 32; attempt++) {
      if (!cur) throw ApiError.notFound(this.gr, name);
      if (precondition !== undefined && precondition !== cur.obj.metadata.resourceVersion) {
        if (!current) {
          await refresh();
          continue;
        }
        throw ApiError.modified(this.gr, name);
      }
      const next = updateFn(deepCopy(cur.obj));
      if (!isRecord(next) || !isRecord(next.metadata)) throw ApiError.badRequest('the updated object is not a valid object');
      this.checkIdentity(next, ns, name);
      if (sub === '') await this.deps.admission(ns, this.info, 'update');
      const old = cur.obj;
      const errs = this.decoding(() => {
        this.prepareUpdate(next, old, sub);
        dropEmptyMeta(next.metadata);
        return sub === 'status' ? this.strategy.validateStatusUpdate(next, old) : sub === 'internal' ? [] : this.validateUpdate(next, old);
      });
      if (errs.length) throw ApiError.invalid(this.info.kind, this.info.group, name, errs);
      if (sub === '') this.strategy.admit(next, old, this.admissionContext(opts.dryRun));
      next.metadata.resourceVersion = old.metadata.resourceVersion;
      if (isDeepStrictEqual(next, old)) {
        if (current) return this.externalize(old);
        this.strategy.release(next);
        await refresh();
        continue;
      }
      if (next.metadata.deletionTimestamp && !this.strategy.hasPendingFinalizers(next)) {
        // the last finalizer is gone: the object goes away (upstream ShouldDeleteDuringUpdate)
        if (opts.dryRun) return next;
        const del = await this.deps.etcd.delete(key, cur.rev);
        if (del.ok) return this.externalize({ ...next, metadata: { ...next.metadata, resourceVersion: String(del.value) } });
        if (precondition !== undefined) throw ApiError.modified(this.gr, name);
        cur = del.current;
        current = true;
        continue;
      }
      if (opts.dryRun) return next;
      const written = await this.deps.etcd.update(key, next, cur.rev);
      if (written.ok) return this.externalize(written.value.obj);
      this.strategy.release(next);
      if (precondition !== undefined) throw ApiError.modified(this.gr, name);
      cur = written.current;
      current = true;
    }
    throw ApiError.conflict(this.gr, name, 'too many conflicting writes; please try again');
  }

  /** The watch cache's copy of key with its mod revision, if the cache holds it. */
  private cachedVersion(key: string): Versioned | undefined {
    const obj = this.cache.get(key);
    const rev = Number(obj?.metadata.resourceVersion);
    return obj && Number.isSafeInteger(rev) && rev > 0 ? { key, obj, rev } : undefined;
  }

  /** Reads the current object (for delete and subresources that need the raw stored version). */
  async getVersioned(ns: string | undefined, name: string): Promise<Versioned> {
    const v = await this.deps.etcd.get(this.key(ns, name));
    if (!v) throw ApiError.notFound(this.gr, name);
    return v;
  }

  /** Removes the object from etcd if unchanged since rev; undefined on conflict. */
  async removeIfUnchanged(ns: string | undefined, name: string, rev: number): Promise<number | undefined> {
    const res = await this.deps.etcd.delete(this.key(ns, name), rev);
    return res.ok ? res.value : undefined;
  }

  async writeIfUnchanged(ns: string | undefined, name: string, obj: StoredObject, rev: number): Promise<StoredObject | undefined> {
    const w = await this.deps.etcd.update(this.key(ns, name), obj, rev);
    return w.ok ? this.externalize(w.value.obj) : undefined;
  }

  /** the stored form as this resource's version serves it */
  externalize(obj: StoredObject): StoredObject {
    return this.strategy.fromStorage({ apiVersion: apiVersionOf(this.info), kind: this.info.kind, ...obj });
  }

  /** a request's object (this resource's version) in the stored form */
  internalize(obj: StoredObject): StoredObject {
    return this.strategy.toStorage(obj);
  }

  private prepareUpdate(next: StoredObject, old: StoredObject, sub: Subresource): void {
    const m = next.metadata;
    const om = old.metadata;
    // fields a client cannot change through an update
    m.uid = om.uid;
    m.creationTimestamp = om.creationTimestamp;
    m.deletionTimestamp = om.deletionTimestamp;
    m.deletionGracePeriodSeconds = om.deletionGracePeriodSeconds;
    if (m.deletionTimestamp === undefined) delete m.deletionTimestamp;
    if (m.deletionGracePeriodSeconds === undefined) delete m.deletionGracePeriodSeconds;
    m.generation = om.generation;
    if (m.generation === undefined) delete m.generation;
    next.apiVersion = old.apiVersion ?? next.apiVersion;
    next.kind = old.kind ?? next.kind;
    if (sub === 'status') {
      this.strategy.prepareForStatusUpdate(next, old);
      return;
    }
    if (sub === 'internal') return;
    this.strategy.defaults(next);
    this.strategy.prepareForUpdate(next, old);
    if (this.strategy.tracksGeneration && this.strategy.generationChanged(next, old)) {
      m.generation = (om.generation ?? 0) + 1;
    }
  }

  private validateCreate(obj: StoredObject): void {
    const errs = [...validateObjectMeta(obj.metadata, { namespaced: this.info.namespaced, nameFn: this.strategy.nameValidator }), ...this.strategy.validate(obj)];
    if (errs.length) throw ApiError.invalid(this.info.kind, this.info.group, obj.metadata.name ?? '', errs);
  }

  private validateUpdate(obj: StoredObject, old: StoredObject): FieldError[] {
    return [
      ...validateObjectMeta(obj.metadata, { namespaced: this.info.namespaced, nameFn: this.strategy.nameValidator }),
      ...validateObjectMetaUpdate(obj.metadata, old.metadata),
      ...this.strategy.validateUpdate(obj, old),
    ];
  }

  private checkIdentity(obj: StoredObject, ns: string | undefined, name: string): void {
    if (obj.metadata.name !== name) {
      throw ApiError.badRequest(`the name of the object (${obj.metadata.name ?? ''}) does not match the name on the URL (${name})`);
    }
    if (this.info.namespaced && (obj.metadata.namespace ?? ns) !== ns) {
      throw ApiError.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
  }

  /**
   * Runs defaulting/validation on a client's object. A field of the wrong JSON type makes them throw a
   * TypeError; upstream rejects such bodies while decoding, with 400 "… cannot be handled as a <Kind>".
   */
  private decoding<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof TypeError) {
        throw ApiError.badRequest(`${this.info.kind} in version "${this.info.version}" cannot be handled as a ${this.info.kind}: ${e.message}`);
      }
      throw e;
    }
  }

  /**
   * Checks kind/apiVersion and namespace of a request body and returns it as a StoredObject with metadata.
   * Takes ownership: the body is a freshly decoded object that the caller does not use afterwards.
   */
  decodeBody(body: unknown, ns: string | undefined): StoredObject {
    if (!isRecord(body)) throw ApiError.badRequest('the body of the request must be a JSON object');
    const obj = body as StoredObject;
    const av = apiVersionOf(this.info);
    if (obj.apiVersion !== undefined && obj.apiVersion !== av) {
      throw ApiError.badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${av})`);
    }
    if (obj.kind !== undefined && obj.kind !== this.info.kind) {
      throw ApiError.badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${this.info.kind})`);
    }
    obj.apiVersion = av;
    obj.kind = this.info.kind;
    if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
    if (!isRecord(obj.metadata)) throw ApiError.badRequest('metadata must be an object');
    return this.scopeNamespace(this.internalize(obj), ns);
  }

  private scopeNamespace(obj: StoredObject, ns: string | undefined): StoredObject {
    if (this.info.namespaced) {
      if (obj.metadata.namespace && ns && obj.metadata.namespace !== ns) {
        throw ApiError.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      if (ns) obj.metadata.namespace = ns;
    } else if (obj.metadata.namespace) {
      delete obj.metadata.namespace;
    }
    return obj;
  }

  private admissionContext(dryRun: boolean): AdmissionContext {
    return { cacheOf: this.deps.cacheOf, dryRun };
  }

  /** The effective grace period for a delete with these options. */
  gracePeriod(obj: StoredObject, options: DeleteOptions): number {
    return this.strategy.gracePeriodSeconds(obj, options);
  }
}

export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function parseRv(rv: string): number {
  if (!/^\d+$/.test(rv)) throw ApiError.badRequest(`invalid resource version: ${rv}`);
  return Number(rv);
}

function validateListOptions(o: ListOptions): void {
  const errs: FieldError[] = [];
  const rv = o.resourceVersion ?? '';
  const match = o.resourceVersionMatch ?? '';
  if (match) {
    if (!['Exact', 'NotOlderThan'].includes(match)) errs.push(FieldError.notSupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan']));
    if (rv === '') errs.push(FieldError.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
    if (match === 'Exact' && rv === '0') errs.push(FieldError.forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
    if (o.continue) errs.push(FieldError.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
  }
  if (o.continue && rv !== '' && rv !== '0') {
    errs.push(FieldError.forbidden('resourceVersion', 'specifying resource version is not allowed when using continue'));
  }
  if (o.limit !== undefined && (!Number.isInteger(o.limit) || o.limit < 0)) errs.push(FieldError.invalid('limit', o.limit, 'must be a non-negative integer'));
  if (errs.length) throw ApiError.invalid('ListOptions', 'meta.k8s.io', '', errs);
}
