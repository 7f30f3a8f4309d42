import type { DeleteOptions } from 'kubernetes-types/meta/v1.js';
import { ApiError, FieldError } from '../../api/errors.js';
import { deepCopy, isRecord, type KubeList, type StoredObject } from '../../api/object.js';
import type { Status } from '../../api/errors.js';
import { rfc3339, type GenericStore, type ListOptions } from './store.js';

export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';

export interface DeleteResult {
  /** the object (graceful or finalizer-pending delete, or returnDeletedObject) or a Success Status */
  body: StoredObject | Status;
  /** true when the object is gone from storage */
  gone: boolean;
  /** Warning headers for the response */
  warnings: string[];
}

export function parseDeleteOptions(body: unknown, query: URLSearchParams): DeleteOptions {
  const opts: DeleteOptions = isRecord(body) ? (deepCopy(body)) : {};
  const gp = query.get('gracePeriodSeconds');
  if (gp !== null) opts.gracePeriodSeconds = Number(gp);
  const pp = query.get('propagationPolicy');
  if (pp !== null) opts.propagationPolicy = pp;
  const errs: FieldError[] = [];
  if (opts.gracePeriodSeconds !== undefined && !Number.isInteger(opts.gracePeriodSeconds)) {
    errs.push(FieldError.invalid('gracePeriodSeconds', opts.gracePeriodSeconds, 'must be an integer'));
  }
  if (opts.propagationPolicy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy)) {
    errs.push(FieldError.notSupported('propagationPolicy', opts.propagationPolicy, ['Foreground', 'Background', 'Orphan', 'nil']));
  }
  if (opts.orphanDependents !== undefined && opts.propagationPolicy !== undefined) {
    errs.push(FieldError.invalid('propagationPolicy', opts.propagationPolicy, 'orphanDependents and deletionPropagation cannot be both set'));
  }
  if (errs.length) throw ApiError.invalid('DeleteOptions', 'meta.k8s.io', '', errs);
  return opts;
}

/**
 * Upstream's Store.Delete: preconditions, graceful deletion, finalizers for the propagation policy,
 * then removal with compare-and-swap.
 */
export async function deleteObject(
  store: GenericStore,
  ns: string | undefined,
  name: string,
  options: DeleteOptions,
  dryRun: boolean,
  now: () => Date,
): Promise<DeleteResult> {
  for (let attempt = 0; attempt < 32; attempt++) {
    const cur = await store.getVersioned(ns, name);
    const obj = cur.obj;
    checkPreconditions(store, obj, options);
    const next = deepCopy(obj);
    const meta = next.metadata;
    const finalizers = new Set(meta.finalizers ?? []);
    const asked = options.propagationPolicy ?? (options.orphanDependents === true ? 'Orphan' : options.orphanDependents === false ? 'Background' : undefined);
    const byDefault = asked === undefined ? store.strategy.defaultDeletePropagation : undefined;
    const policy = asked ?? byDefault?.policy;
    const warnings = byDefault ? [byDefault.warning] : [];
    if (policy === 'Orphan') {
      finalizers.add(FINALIZER_ORPHAN);
      finalizers.delete(FINALIZER_FOREGROUND);
    } else if (policy === 'Foreground') {
      finalizers.add(FINALIZER_FOREGROUND);
      finalizers.delete(FINALIZER_ORPHAN);
    } else if (policy === 'Background') {
      finalizers.delete(FINALIZER_ORPHAN);
      finalizers.delete(FINALIZER_FOREGROUND);
    }
    const grace = store.gracePeriod(obj, options);
    const alreadyDeleting = Boolean(meta.deletionTimestamp);
    const held = finalizers.size > 0 || store.strategy.hasPendingFinalizers({ ...next, metadata: { ...meta, finalizers: [...finalizers] } });
    if (held || grace > 0) {
      let changed = false;
      const fl = [...finalizers];
      if (!sameList(fl, meta.finalizers ?? [])) {
        meta.finalizers = fl;
        if (fl.length === 0) delete meta.finalizers;
        changed = true;
      }
      const t = now();
      if (!alreadyDeleting) {
        store.strategy.beginDelete(next);
        meta.deletionTimestamp = rfc3339(new Date(t.getTime() + grace * 1000));
        meta.deletionGracePeriodSeconds = grace;
        changed = true;
      } else if (grace < (meta.deletionGracePeriodSeconds ?? 0)) {
        // a shorter grace period may replace a longer one
        meta.deletionTimestamp = rfc3339(new Date(t.getTime() + grace * 1000));
        meta.deletionGracePeriodSeconds = grace;
        changed = true;
      }
      if (!changed) return { body: store.externalize(obj), gone: false, warnings };
      if (dryRun) return { body: store.externalize(next), gone: false, warnings };
      const written = await store.writeIfUnchanged(ns, name, next, cur.rev);
      if (written) return { body: written, gone: false, warnings };
      continue;
    }
    if (dryRun) return { body: successStatus(store, obj), gone: true, warnings };
    const rev = await store.removeIfUnchanged(ns, name, cur.rev);
    if (rev === undefined) continue;
    store.strategy.release(obj);
    if (store.strategy.returnDeletedObject) {
      return { body: store.externalize({ ...obj, metadata: { ...obj.metadata, resourceVersion: String(rev) } }), gone: true, warnings };
    }
    return { body: successStatus(store, obj), gone: true, warnings };
  }
  throw ApiError.conflict(store.gr, name, 'too many conflicting writes; please try again');
}

export async function deleteCollection(
  store: GenericStore,
  ns: string | undefined,
  listOpts: ListOptions,
  options: DeleteOptions,
  dryRun: boolean,
  now: () => Date,
): Promise<KubeList<StoredObject>> {
  const list = await store.list(ns, { labelSelector: listOpts.labelSelector, fieldSelector: listOpts.fieldSelector });
  const deleted: StoredObject[] = [];
  for (const item of list.items) {
    try {
      const r = await deleteObject(store, item.metadata.namespace, item.metadata.name!, options, dryRun, now);
      deleted.push(isRecord(r.body) && r.body.kind !== 'Status' ? (r.body) : item);
    } catch (e) {
      if (e instanceof ApiError && e.reason === 'NotFound') continue;
      throw e;
    }
  }
  return store.listOf(deleted, { resourceVersion: list.metadata.resourceVersion });
}

function checkPreconditions(store: GenericStore, obj: StoredObject, options: DeleteOptions): void {
  const pre = options.preconditions;
  if (!pre) return;
  const name = obj.metadata.name ?? '';
  if (pre.uid && pre.uid !== obj.metadata.uid) {
    throw ApiError.conflict(store.gr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid ?? ''}`);
  }
  if (pre.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
    throw ApiError.conflict(
      store.gr,
      name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion ?? ''}`,
    );
  }
}

function successStatus(store: GenericStore, obj: StoredObject): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: obj.metadata.name, group: store.info.group || undefined, kind: store.info.resource, uid: obj.metadata.uid },
    code: 200,
  };
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
