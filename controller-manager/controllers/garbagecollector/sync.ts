/**
 * One garbage-collector decision for one object (garbagecollector.go attemptToDeleteItem,
 * processDeletingDependentsItem, attemptToOrphanWorker):
 * - an owner being deleted with the `orphan` finalizer: drop its reference from every dependent, then the finalizer;
 * - an owner being deleted with `foregroundDeletion`: get its dependents deleted and, once none with
 *   blockOwnerDeletion is left, remove the finalizer;
 * - a dependent: owners are solid (exist), dangling (gone: checked against the API before acting) or waiting
 *   (being deleted in the foreground). With a solid owner the other references are removed; otherwise the object
 *   is deleted (in the foreground when a waiting owner needs its own dependents gone first).
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { isApiError } from '../../../api/errors.js';
import type { KubeObject } from '../../../api/object.js';
import type { ResourceInfo } from '../../../api/resources.js';
import type { RestClient } from '../../../client/rest.js';
import type { Logger } from '../../../common/logger.js';
import { patchOwnerReferences, type JsonPatchOp } from '../util/owner-patch.js';
import type { AbsentOwnerCache } from './absent-cache.js';
import type { Item, OwnerGraph } from './graph.js';

export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';

export interface GcDeps {
  rest: RestClient;
  graph: OwnerGraph;
  absent: AbsentOwnerCache;
  log: Logger;
  /** Queue another object for a decision. */
  enqueue(resource: ResourceInfo, obj: KubeObject): void;
}

function hasFinalizer(obj: KubeObject, f: string): boolean {
  return (obj.metadata?.finalizers ?? []).includes(f);
}

/** Being deleted in the foreground: deletionTimestamp and the foregroundDeletion finalizer. */
export function deletingDependents(obj: KubeObject): boolean {
  return !!obj.metadata?.deletionTimestamp && hasFinalizer(obj, FINALIZER_FOREGROUND);
}

async function removeFinalizer(rest: RestClient, r: ResourceInfo, obj: KubeObject, f: string): Promise<void> {
  const cur = obj.metadata?.finalizers ?? [];
  if (!cur.includes(f)) return;
  const next = cur.filter((x) => x !== f);
  const ops: JsonPatchOp[] = [
    { op: 'test', path: '/metadata/uid', value: obj.metadata?.uid ?? '' },
    { op: 'test', path: '/metadata/finalizers', value: cur },
    next.length ? { op: 'replace', path: '/metadata/finalizers', value: next } : { op: 'remove', path: '/metadata/finalizers' },
  ];
  try {
    await rest.patch(r, obj.metadata?.namespace, obj.metadata?.name ?? '', 'json', ops);
  } catch (e) {
    if (!isApiError(e, 'NotFound')) throw e;
  }
}

type OwnerState = 'solid' | 'dangling' | 'waiting';

/** Where an owner stands; a cache miss is confirmed with a live GET before an owner counts as gone. */
async function classify(d: GcDeps, obj: KubeObject, ref: OwnerReference): Promise<OwnerState> {
  if (d.absent.has(ref.uid)) return 'dangling';
  const r = d.graph.resourceOf(ref);
  if (!r) {
    d.log.debug({ owner: `${ref.apiVersion}/${ref.kind}` }, 'owner of a kind that is not monitored; keeping the dependent');
    return 'solid';
  }
  let owner = d.graph.byUid(r, ref.uid);
  if (!owner) {
    try {
      owner = await d.rest.get<KubeObject>(r, r.namespaced ? obj.metadata?.namespace : undefined, ref.name);
    } catch (e) {
      if (!isApiError(e, 'NotFound')) throw e;
      owner = undefined;
    }
    if (!owner || owner.metadata?.uid !== ref.uid) {
      d.absent.add(ref.uid);
      return 'dangling';
    }
  }
  return deletingDependents(owner) ? 'waiting' : 'solid';
}

export async function attemptToDelete(d: GcDeps, item: Item): Promise<void> {
  const obj = d.graph.get(item);
  if (!obj) return;
  const r = item.resource;
  const uid = obj.metadata?.uid ?? '';
  if (obj.metadata?.deletionTimestamp) {
    if (hasFinalizer(obj, FINALIZER_ORPHAN)) return orphanDependents(d, r, obj);
    if (hasFinalizer(obj, FINALIZER_FOREGROUND)) return processDeletingDependents(d, r, obj);
    return;
  }
  const refs = obj.metadata?.ownerReferences ?? [];
  if (refs.length === 0) return;
  const solid: OwnerReference[] = [];
  const gone: OwnerReference[] = [];
  let waiting = 0;
  for (const ref of refs) {
    const state = await classify(d, obj, ref);
    if (state === 'solid') solid.push(ref);
    else gone.push(ref);
    if (state === 'waiting') waiting++;
  }
  if (solid.length > 0) {
    if (gone.length === 0) return;
    d.log.debug({ object: item.name, removed: gone.map((g) => g.uid) }, 'removing dangling and waiting owner references');
    try {
      await patchOwnerReferences(d.rest, r, obj, refs.filter((x) => !gone.includes(x)));
    } catch (e) {
      if (!isApiError(e, 'NotFound')) throw e;
    }
    return;
  }
  let policy: 'Orphan' | 'Foreground' | 'Background';
  if (waiting > 0 && d.graph.dependents(uid).length > 0) policy = 'Foreground';
  else if (hasFinalizer(obj, FINALIZER_ORPHAN)) policy = 'Orphan';
  else if (hasFinalizer(obj, FINALIZER_FOREGROUND)) policy = 'Foreground';
  else policy = 'Background';
  d.log.info({ resource: r.resource, namespace: item.namespace, name: item.name, policy }, 'deleting object whose owners are gone');
  try {
    await d.rest.delete(r, obj.metadata?.namespace, item.name, { propagationPolicy: policy, preconditions: { uid } });
  } catch (e) {
    // gone already, or replaced by another object of the same name
    if (!isApiError(e, 'NotFound') && !isApiError(e, 'Conflict')) throw e;
  }
}

async function processDeletingDependents(d: GcDeps, r: ResourceInfo, owner: KubeObject): Promise<void> {
  const uid = owner.metadata?.uid ?? '';
  const deps = d.graph.dependents(uid);
  const blocking = deps.filter(({ obj }) => (obj.metadata?.ownerReferences ?? []).some((ref) => ref.uid === uid && ref.blockOwnerDeletion === true));
  if (blocking.length === 0) {
    d.log.debug({ resource: r.resource, name: owner.metadata?.name }, 'no blocking dependents left; removing the foregroundDeletion finalizer');
    await removeFinalizer(d.rest, r, owner, FINALIZER_FOREGROUND);
    return;
  }
  for (const dep of deps) if (!deletingDependents(dep.obj)) d.enqueue(dep.resource, dep.obj);
}

async function orphanDependents(d: GcDeps, r: ResourceInfo, owner: KubeObject): Promise<void> {
  const uid = owner.metadata?.uid ?? '';
  for (const dep of d.graph.dependents(uid)) {
    try {
      await patchOwnerReferences(d.rest, dep.resource, dep.obj, (dep.obj.metadata?.ownerReferences ?? []).filter((x) => x.uid !== uid));
    } catch (e) {
      if (!isApiError(e, 'NotFound')) throw e;
    }
  }
  await removeFinalizer(d.rest, r, owner, FINALIZER_ORPHAN);
}
