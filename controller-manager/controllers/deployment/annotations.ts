/** Revision and replica annotations of Deployments and their ReplicaSets (deployment/util/deployment_util.go). */
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { DeepMutable } from '../../../api/object.js';
import { maxSurge, replicasOf } from './fenceposts.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
export const ROLLBACK_TO_ANNOTATION = 'deprecated.deployment.rollback.to';
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';
/** Upstream caps revision-history at this many characters. */
export const MAX_REV_HISTORY_LENGTH = 2000;

const SKIPPED = new Set([
  LAST_APPLIED_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  ROLLBACK_TO_ANNOTATION,
]);

export function skipCopyAnnotation(key: string): boolean {
  return SKIPPED.has(key);
}

type MutableRS = DeepMutable<ReplicaSet>;
type MutableDeployment = DeepMutable<Deployment>;

/** The revision of a ReplicaSet (0 when absent or not a number). */
export function revisionOf(obj: { metadata?: { annotations?: Record<string, string> } } | undefined): number {
  const v = obj?.metadata?.annotations?.[REVISION_ANNOTATION];
  if (v === undefined || !/^\d+$/.test(v)) return 0;
  return Number(v);
}

export function maxRevision(rss: readonly (ReplicaSet | undefined)[]): number {
  let max = 0;
  for (const rs of rss) max = Math.max(max, revisionOf(rs));
  return max;
}

/** LastRevision: the second highest revision (the one before the current). */
export function lastRevision(rss: readonly (ReplicaSet | undefined)[]): number {
  let max = 0;
  let second = 0;
  for (const rs of rss) {
    const v = revisionOf(rs);
    if (v >= max) {
      second = max;
      max = v;
    } else if (v > second) {
      second = v;
    }
  }
  return second;
}

/** copyDeploymentAnnotationsToReplicaSet: copies every annotation but the controller's own; true if any changed. */
function copyDeploymentAnnotations(d: Deployment, rs: MutableRS): boolean {
  let changed = false;
  const meta = (rs.metadata ??= {});
  meta.annotations ??= {};
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) {
    if (skipCopyAnnotation(k) || meta.annotations[k] === v) continue;
    meta.annotations[k] = v;
    changed = true;
  }
  return changed;
}

/** SetReplicasAnnotations: desired-replicas and max-replicas; true if they changed. */
export function setReplicasAnnotations(rs: MutableRS, desired: number, max: number): boolean {
  const meta = (rs.metadata ??= {});
  meta.annotations ??= {};
  const d = String(desired);
  const m = String(max);
  let changed = false;
  if (meta.annotations[DESIRED_REPLICAS_ANNOTATION] !== d) {
    meta.annotations[DESIRED_REPLICAS_ANNOTATION] = d;
    changed = true;
  }
  if (meta.annotations[MAX_REPLICAS_ANNOTATION] !== m) {
    meta.annotations[MAX_REPLICAS_ANNOTATION] = m;
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = rs.metadata?.annotations ?? {};
  return a[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || a[MAX_REPLICAS_ANNOTATION] !== String(max);
}

/** getIntFromAnnotation for desired-replicas; undefined when absent or invalid. */
export function desiredReplicasAnnotation(rs: ReplicaSet): number | undefined {
  return intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
}

export function maxReplicasAnnotation(rs: ReplicaSet): number | undefined {
  return intAnnotation(rs, MAX_REPLICAS_ANNOTATION);
}

function intAnnotation(rs: ReplicaSet, key: string): number | undefined {
  const v = rs.metadata?.annotations?.[key];
  if (v === undefined || !/^[+-]?\d+$/.test(v)) return undefined;
  return Number(v);
}

/**
 * SetNewReplicaSetAnnotations: copies the deployment's annotations, raises the revision to `newRevision` (keeping
 * the replaced revision in revision-history when a ReplicaSet is rolled back to) and, for a ReplicaSet about to be
 * created, sets the replica annotations. True when anything changed.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: MutableRS, newRevision: string, exists: boolean): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const ann = rs.metadata!.annotations!;
  const oldRevision = ann[REVISION_ANNOTATION];
  const hadRevision = oldRevision !== undefined;
  if (hadRevision && !/^\d+$/.test(oldRevision) && oldRevision !== '') return false;
  const oldInt = hadRevision && oldRevision !== '' ? Number(oldRevision) : 0;
  const newInt = Number(newRevision);
  if (oldInt < newInt) {
    ann[REVISION_ANNOTATION] = newRevision;
    changed = true;
  }
  if (hadRevision && oldInt < newInt) {
    const history = ann[REVISION_HISTORY_ANNOTATION] ?? '';
    if (history === '') {
      ann[REVISION_HISTORY_ANNOTATION] = oldRevision;
    } else {
      let parts = history.split(',');
      let total = history.length + oldRevision.length + 1;
      while (total > MAX_REV_HISTORY_LENGTH && parts.length > 0) {
        total -= parts[0].length + 1;
        parts = parts.slice(1);
      }
      parts.push(oldRevision);
      ann[REVISION_HISTORY_ANNOTATION] = parts.join(',');
    }
  }
  if (!exists && setReplicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge(d))) changed = true;
  return changed;
}

/** SetDeploymentRevision: true when the deployment's revision annotation changed. */
export function setDeploymentRevision(d: MutableDeployment, revision: string): boolean {
  const meta = (d.metadata ??= {});
  meta.annotations ??= {};
  if (meta.annotations[REVISION_ANNOTATION] === revision) return false;
  meta.annotations[REVISION_ANNOTATION] = revision;
  return true;
}

/** SetDeploymentAnnotationsTo (rollback): the deployment takes the ReplicaSet's annotations but the skipped ones. */
export function setDeploymentAnnotationsTo(d: MutableDeployment, rs: ReplicaSet): void {
  const meta = (d.metadata ??= {});
  const next: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta.annotations ?? {})) if (skipCopyAnnotation(k)) next[k] = v;
  for (const [k, v] of Object.entries(rs.metadata?.annotations ?? {})) if (!skipCopyAnnotation(k)) next[k] = v;
  meta.annotations = next;
}
