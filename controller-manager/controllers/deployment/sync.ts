/**
 * The parts of the deployment controller shared by every strategy (k8s.io/kubernetes/pkg/controller/deployment/
 * sync.go): finding or creating the new ReplicaSet with the right revision, proportional scaling, history cleanup
 * and status writes.
 */
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { isApiError } from '../../../api/errors.js';
import type { DeepMutable } from '../../../api/object.js';
import { requireResource } from '../../../api/resources.js';
import type { EventRecorder } from '../../../client/events.js';
import type { Lister } from '../../../client/lister.js';
import type { RestClient } from '../../../client/rest.js';
import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/logger.js';
import { errorMessage, hasStatusCause, NAMESPACE_TERMINATING_CAUSE } from '../util/errors.js';
import { mutableCopy, typed } from '../util/kinds.js';
import { getControllerOf, newControllerRef } from '../util/owner.js';
import { REPLICASETS } from '../replicaset/status.js';
import {
  desiredReplicasAnnotation,
  maxReplicasAnnotation,
  maxRevision,
  POD_TEMPLATE_HASH_LABEL,
  replicasAnnotationsNeedUpdate,
  REVISION_ANNOTATION,
  ROLLBACK_TO_ANNOTATION,
  setDeploymentRevision,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
} from './annotations.js';
import { getCondition, hasProgressDeadline, newCondition, REASON, setCondition } from './conditions.js';
import { isRollingUpdate, maxSurge, newRSNewReplicas, replicaCount, replicasOf, specReplicas } from './fenceposts.js';
import { computeHash } from './hash.js';
import {
  activeReplicaSets,

  byRevision,
  bySizeNewer,
  bySizeOlder,
  equalIgnoreHash,
  findActiveOrLatest,
  findNewReplicaSet,
  findOldReplicaSets,
  isSaturated,
} from './replicasets.js';
import { calculateStatus, statusChanged } from './status.js';

export const DEPLOYMENTS = requireResource('apps', 'v1', 'deployments');

export type MDeployment = DeepMutable<Deployment>;

export interface DeploymentDeps {
  rest: RestClient;
  rsLister: Lister<ReplicaSet>;
  podLister: Lister<Pod>;
  recorder: EventRecorder;
  clock: Clock;
  log: Logger;
  enqueueAfter(key: string, ms: number): void;
  enqueueRateLimited(key: string): void;
}

export interface ReplicaSets {
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
}

export const asDeployment = <T extends Deployment>(d: T): T => typed(d, 'apps/v1', 'Deployment');

/** The deployment's `spec.rollbackTo` of old, kept in an annotation by apps/v1 (getRollbackTo). */
export function rollbackTo(d: Deployment): number | undefined {
  const v = d.metadata?.annotations?.[ROLLBACK_TO_ANNOTATION];
  if (v === undefined) return undefined;
  return /^\d+$/.test(v) ? Number(v) : undefined;
}

export class DeploymentSync {
  constructor(readonly deps: DeploymentDeps) {}

  now(): number {
    return this.deps.clock.now();
  }

  event(d: Deployment, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.deps.recorder.event(asDeployment(d), type, reason, message);
  }

  /** PUT …/status of `d` (annotations go along, as upstream's status strategy keeps them); `d` takes the new resourceVersion. */
  async updateStatus(d: MDeployment): Promise<void> {
    const updated = await this.deps.rest.updateStatus<Deployment>(DEPLOYMENTS, d.metadata?.namespace, d);
    d.metadata!.resourceVersion = updated.metadata?.resourceVersion;
  }

  /** getAllReplicaSetsAndSyncRevision */
  async getAllReplicaSetsAndSyncRevision(d: MDeployment, rsList: readonly ReplicaSet[], create: boolean): Promise<ReplicaSets> {
    const { all } = findOldReplicaSets(d, rsList);
    const newRS = await this.getNewReplicaSet(d, rsList, all, create);
    return { newRS, oldRSs: all };
  }

  /**
   * getNewReplicaSet: syncs the revision of the ReplicaSet whose template is the deployment's, or creates it
   * (named `<deployment>-<hash>`, hash label in labels, selector and template) when `create`.
   */
  async getNewReplicaSet(d: MDeployment, rsList: readonly ReplicaSet[], oldRSs: readonly ReplicaSet[], create: boolean): Promise<ReplicaSet | undefined> {
    const existing = findNewReplicaSet(d, rsList);
    const newRevision = String(maxRevision(oldRSs) + 1);
    const ns = d.metadata?.namespace ?? '';
    if (existing) {
      const rsCopy = mutableCopy(existing);
      const annotationsUpdated = setNewReplicaSetAnnotations(d, rsCopy, newRevision, true);
      const minReady = d.spec?.minReadySeconds ?? 0;
      if (annotationsUpdated || (rsCopy.spec?.minReadySeconds ?? 0) !== minReady) {
        rsCopy.spec!.minReadySeconds = minReady;
        return this.deps.rest.update<ReplicaSet>(REPLICASETS, ns, rsCopy);
      }
      let needsUpdate = setDeploymentRevision(d, rsCopy.metadata?.annotations?.[REVISION_ANNOTATION] ?? '');
      if (hasProgressDeadline(d) && !getCondition(d.status, 'Progressing')) {
        const msg = `Found new replica set "${rsCopy.metadata?.name ?? ''}"`;
        d.status ??= {};
        setCondition(d.status, newCondition('Progressing', 'True', REASON.FoundNewRS, msg, this.now()));
        needsUpdate = true;
      }
      if (needsUpdate) await this.updateStatus(d);
      return rsCopy;
    }
    if (!create) return undefined;

    const template = mutableCopy<PodTemplateSpec>(d.spec?.template ?? {});
    const hash = computeHash(d.spec?.template, d.status?.collisionCount ?? undefined);
    template.metadata ??= {};
    template.metadata.labels = { ...(d.spec?.template?.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
    const selector = mutableCopy<LabelSelector>(d.spec?.selector ?? {});
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
    const newRS: DeepMutable<ReplicaSet> = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata?.name ?? ''}-${hash}`,
        namespace: ns,
        ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
        labels: { ...template.metadata.labels },
      },
      spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
    };
    const replicas = newRSNewReplicas(d, [...oldRSs, newRS], newRS);
    newRS.spec!.replicas = replicas;
    setNewReplicaSetAnnotations(d, newRS, newRevision, false);

    let created: ReplicaSet;
    let alreadyExists = false;
    try {
      created = await this.deps.rest.create<ReplicaSet>(REPLICASETS, ns, newRS);
    } catch (e) {
      if (isApiError(e, 'AlreadyExists')) {
        alreadyExists = true;
        const rs = this.deps.rsLister.get(ns, newRS.metadata!.name!);
        if (!rs) throw e;
        const ref = getControllerOf(rs);
        if (ref && ref.uid === d.metadata?.uid && equalIgnoreHash(d.spec?.template, rs.spec?.template)) {
          created = rs;
        } else {
          // a ReplicaSet of that name with another template: a hash collision; try the next hash
          d.status ??= {};
          d.status.collisionCount = (d.status.collisionCount ?? 0) + 1;
          try {
            await this.updateStatus(d);
            this.deps.log.info({ deployment: d.metadata?.name, collisionCount: d.status.collisionCount }, 'found a hash collision for deployment; bumping collisionCount to resolve it');
          } catch (err) {
            this.deps.log.debug({ err: errorMessage(err) }, 'could not record collisionCount');
          }
          throw e;
        }
      } else if (hasStatusCause(e, NAMESPACE_TERMINATING_CAUSE)) {
        throw e;
      } else {
        const msg = `Failed to create new replica set "${newRS.metadata!.name!}": ${errorMessage(e)}`;
        if (hasProgressDeadline(d)) {
          d.status ??= {};
          setCondition(d.status, newCondition('Progressing', 'False', REASON.FailedRSCreate, msg, this.now()));
          try {
            await this.updateStatus(d);
          } catch (err) {
            this.deps.log.debug({ err: errorMessage(err) }, 'could not record ReplicaSetCreateError');
          }
        }
        this.event(d, 'Warning', REASON.FailedRSCreate, msg);
        throw e;
      }
    }
    if (!alreadyExists && replicas > 0) {
      this.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata?.name ?? ''} from 0 to ${replicas}`);
    }
    let needsUpdate = setDeploymentRevision(d, newRevision);
    if (!alreadyExists && hasProgressDeadline(d)) {
      d.status ??= {};
      setCondition(d.status, newCondition('Progressing', 'True', REASON.NewReplicaSet, `Created new replica set "${created.metadata?.name ?? ''}"`, this.now()));
      needsUpdate = true;
    }
    if (needsUpdate) await this.updateStatus(d);
    return created;
  }

  /** sync: scaling (or a paused deployment): scale, clean up when paused, write status. */
  async sync(d: MDeployment, rsList: readonly ReplicaSet[]): Promise<void> {
    const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(d, rsList, false);
    await this.scale(d, newRS, oldRSs);
    if (d.spec?.paused && rollbackTo(d) === undefined) await this.cleanupDeployment(oldRSs, d);
    await this.syncDeploymentStatus([...oldRSs, newRS], newRS, d);
  }

  /** syncStatusOnly: a deployment being deleted only gets its status updated. */
  async syncStatusOnly(d: MDeployment, rsList: readonly ReplicaSet[]): Promise<void> {
    const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(d, rsList, false);
    await this.syncDeploymentStatus([...oldRSs, newRS], newRS, d);
  }

  async syncDeploymentStatus(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: MDeployment): Promise<void> {
    const status = calculateStatus(allRSs, newRS, d, this.now());
    if (!statusChanged(d.status, status)) return;
    d.status = status;
    await this.updateStatus(d);
  }

  /** isScalingEvent: some active ReplicaSet was sized for a different replica count. */
  async isScalingEvent(d: MDeployment, rsList: readonly ReplicaSet[]): Promise<boolean> {
    const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(d, rsList, false);
    for (const rs of activeReplicaSets([...oldRSs, newRS])) {
      const desired = desiredReplicasAnnotation(rs);
      if (desired === undefined) continue;
      if (desired !== replicasOf(d)) return true;
    }
    return false;
  }

  /** scale: proportional scaling of the active ReplicaSets after spec.replicas changed. */
  async scale(d: MDeployment, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
    const dep = d;
    const replicas = replicasOf(dep);
    const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
    if (activeOrLatest) {
      if (specReplicas(activeOrLatest) === replicas) return;
      await this.scaleReplicaSetAndRecordEvent(activeOrLatest, replicas, d);
      return;
    }
    if (isSaturated(dep, newRS)) {
      for (const old of activeReplicaSets(oldRSs)) await this.scaleReplicaSetAndRecordEvent(old, 0, d);
      return;
    }
    if (!isRollingUpdate(dep)) return;
    const all = activeReplicaSets([...oldRSs, newRS]);
    const allowed = replicas > 0 ? replicas + maxSurge(dep) : 0;
    const toAdd = allowed - replicaCount(all);
    let op = '';
    if (toAdd > 0) {
      all.sort(bySizeNewer);
      op = 'up';
    } else if (toAdd < 0) {
      all.sort(bySizeOlder);
      op = 'down';
    }
    let added = 0;
    const sizes = new Map<string, number>();
    for (const rs of all) {
      const name = rs.metadata?.name ?? '';
      if (toAdd !== 0) {
        const p = replicaSetProportion(rs, dep, toAdd, added);
        sizes.set(name, specReplicas(rs) + p);
        added += p;
      } else {
        sizes.set(name, specReplicas(rs));
      }
    }
    for (let i = 0; i < all.length; i++) {
      const rs = all[i];
      const name = rs.metadata?.name ?? '';
      if (i === 0 && toAdd !== 0) sizes.set(name, Math.max(0, (sizes.get(name) ?? 0) + toAdd - added));
      await this.scaleReplicaSet(rs, sizes.get(name) ?? 0, d, op);
    }
  }

  async scaleReplicaSetAndRecordEvent(rs: ReplicaSet, newScale: number, d: MDeployment): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    if (specReplicas(rs) === newScale) return { scaled: false, rs };
    return this.scaleReplicaSet(rs, newScale, d, specReplicas(rs) < newScale ? 'up' : 'down');
  }

  /** scaleReplicaSet: writes spec.replicas and the replica annotations; records ScalingReplicaSet. */
  async scaleReplicaSet(rs: ReplicaSet, newScale: number, d: MDeployment, op: string): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    const dep = d;
    const desired = replicasOf(dep);
    const max = desired + maxSurge(dep);
    const sizeNeedsUpdate = specReplicas(rs) !== newScale;
    if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
    const oldScale = specReplicas(rs);
    const copy = mutableCopy(rs);
    copy.spec!.replicas = newScale;
    setReplicasAnnotations(copy, desired, max);
    const updated = await this.deps.rest.update<ReplicaSet>(REPLICASETS, rs.metadata?.namespace, copy);
    if (sizeNeedsUpdate) {
      this.event(dep, 'Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${updated.metadata?.name ?? ''} from ${oldScale} to ${newScale}`);
    }
    return { scaled: sizeNeedsUpdate, rs: updated };
  }

  /** cleanupDeployment: deletes the oldest empty ReplicaSets beyond revisionHistoryLimit. */
  async cleanupDeployment(oldRSs: readonly ReplicaSet[], d: MDeployment): Promise<void> {
    const limit = d.spec?.revisionHistoryLimit;
    if (limit === undefined || limit === null) return;
    const cleanable = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp);
    const diff = cleanable.length - limit;
    if (diff <= 0) return;
    cleanable.sort(byRevision);
    for (let i = 0; i < diff; i++) {
      const rs = cleanable[i];
      if ((rs.status?.replicas ?? 0) !== 0 || specReplicas(rs) !== 0) continue;
      if ((rs.metadata?.generation ?? 0) > (rs.status?.observedGeneration ?? 0) || rs.metadata?.deletionTimestamp) continue;
      this.deps.log.debug({ rs: rs.metadata?.name }, 'deleting old replica set beyond revisionHistoryLimit');
      try {
        await this.deps.rest.delete(REPLICASETS, rs.metadata?.namespace, rs.metadata?.name ?? '');
      } catch (e) {
        if (!isApiError(e, 'NotFound')) throw e;
      }
    }
  }

  /** checkPausedConditions: Progressing=Unknown DeploymentPaused / DeploymentResumed around a pause. */
  async checkPausedConditions(d: MDeployment): Promise<void> {
    if (!hasProgressDeadline(d)) return;
    const cond = getCondition(d.status, 'Progressing');
    if (cond?.reason === REASON.TimedOut) return;
    const pausedCondExists = cond?.reason === REASON.Paused;
    d.status ??= {};
    if (d.spec?.paused && !pausedCondExists) {
      setCondition(d.status, newCondition('Progressing', 'Unknown', REASON.Paused, 'Deployment is paused', this.now()));
    } else if (!d.spec?.paused && pausedCondExists) {
      setCondition(d.status, newCondition('Progressing', 'Unknown', REASON.Resumed, 'Deployment is resumed', this.now()));
    } else {
      return;
    }
    await this.updateStatus(d);
  }
}

/** GetReplicaSetProportion: this ReplicaSet's share of `toAdd`, never more than what is left to add. */
export function replicaSetProportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  const replicas = replicasOf(d);
  if (replicas === 0) return -specReplicas(rs);
  const maxNow = replicas + maxSurge(d);
  let before = maxReplicasAnnotation(rs);
  if (before === undefined || before === 0) {
    before = d.status?.replicas ?? 0;
    if (before === 0) return 0;
  }
  const size = (specReplicas(rs) * maxNow) / before;
  return roundHalfAway(size) - specReplicas(rs);
}

/** Go's math.Round: halves away from zero. */
function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

