/**
 * Rollout arithmetic (deployment/util/deployment_util.go): maxSurge / maxUnavailable resolution with upstream's
 * rounding (surge rounds up, unavailable rounds down, both zero → unavailable 1) and the size of a new
 * ReplicaSet during a rollout.
 */
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { ApiError } from '../../../api/errors.js';

export type IntOrString = number | string;

/** intstr.GetScaledValueFromIntOrPercent */
export function scaledValue(v: IntOrString | undefined | null, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  if (!v.endsWith('%')) throw ApiError.badRequest(`invalid type: string is not a percentage`);
  const body = v.slice(0, -1);
  if (!/^[+-]?\d+$/.test(body)) throw ApiError.badRequest(`invalid value for IntOrString: invalid value "${v}"`);
  const pct = Number(body);
  const x = (pct * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/** ResolveFenceposts: [surge, unavailable] for `desired` replicas. */
export function resolveFenceposts(maxSurge: IntOrString | undefined, maxUnavailable: IntOrString | undefined, desired: number): [number, number] {
  const surge = scaledValue(maxSurge ?? 0, desired, true);
  let unavailable = scaledValue(maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, unavailable];
}

export function replicasOf(d: Deployment): number {
  return d.spec?.replicas ?? 1;
}

export function isRollingUpdate(d: Deployment): boolean {
  return d.spec?.strategy?.type === 'RollingUpdate';
}

/** MaxSurge: 0 unless RollingUpdate. */
export function maxSurge(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicasOf(d))[0];
}

/** MaxUnavailable: 0 unless RollingUpdate with replicas; never more than replicas. */
export function maxUnavailable(d: Deployment): number {
  const replicas = replicasOf(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  const u = resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicas)[1];
  return Math.min(u, replicas);
}

export function specReplicas(rs: ReplicaSet | undefined): number {
  return rs?.spec?.replicas ?? 0;
}

/** GetReplicaCountForReplicaSets: the sum of spec.replicas. */
export function replicaCount(rss: readonly (ReplicaSet | undefined)[]): number {
  return rss.reduce((n, rs) => n + specReplicas(rs), 0);
}

/** NewRSNewReplicas: how big the new ReplicaSet may be now. */
export function newRSNewReplicas(d: Deployment, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet): number {
  const replicas = replicasOf(d);
  switch (d.spec?.strategy?.type) {
    case 'RollingUpdate': {
      const ru = d.spec.strategy.rollingUpdate;
      const surge = scaledValue(ru?.maxSurge ?? 0, replicas, true);
      // Upstream sums spec.replicas only, so right after an old ReplicaSet is scaled down (its pods not yet
      // gone) the new one may already grow and briefly exceed maxSurge in pods. Counting the pods a
      // ReplicaSet still reports (status.replicas) as well keeps the bound true at every moment.
      const current = allRSs.reduce((n, rs) => n + Math.max(specReplicas(rs), rs?.status?.replicas ?? 0), 0);
      const maxTotal = replicas + surge;
      if (current >= maxTotal) return specReplicas(newRS);
      const scaleUp = Math.min(maxTotal - current, replicas - specReplicas(newRS));
      return specReplicas(newRS) + scaleUp;
    }
    case 'Recreate':
      return replicas;
    default:
      throw ApiError.badRequest(`deployment type ${d.spec?.strategy?.type ?? ''} isn't supported`);
  }
}
