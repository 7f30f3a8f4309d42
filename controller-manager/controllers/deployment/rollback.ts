/**
 * Rollback through the `deprecated.deployment.rollback.to` annotation (deployment/rollback.go; apps/v1 keeps
 * extensions/v1beta1's spec.rollbackTo there). `kubectl rollout undo` does not use it: it patches the template
 * itself and the controller just converges, which needs nothing here.
 */
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';

import { lastRevision, POD_TEMPLATE_HASH_LABEL, revisionOf, ROLLBACK_TO_ANNOTATION, setDeploymentAnnotationsTo } from './annotations.js';
import { equalIgnoreHash } from './replicasets.js';
import { DEPLOYMENTS, rollbackTo, type DeploymentSync, type MDeployment } from './sync.js';
import { mutableCopy } from '../util/kinds.js';

export const ROLLBACK_REASON = {
  RevisionNotFound: 'DeploymentRollbackRevisionNotFound',
  TemplateUnchanged: 'DeploymentRollbackTemplateUnchanged',
  Done: 'DeploymentRollback',
} as const;

export async function rollback(s: DeploymentSync, d: MDeployment, rsList: readonly ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await s.getAllReplicaSetsAndSyncRevision(d, rsList, true);
  const allRSs = [...oldRSs, ...(newRS ? [newRS] : [])];
  let revision = rollbackTo(d) ?? 0;
  if (revision === 0) {
    revision = lastRevision(allRSs);
    if (revision === 0) {
      s.event(d, 'Warning', ROLLBACK_REASON.RevisionNotFound, 'Unable to find last revision.');
      return clearRollbackTo(s, d);
    }
  }
  for (const rs of allRSs) {
    if (revisionOf(rs) !== revision) continue;
    if (await rollbackToTemplate(s, d, rs)) {
      s.event(d, 'Normal', ROLLBACK_REASON.Done, `Rolled back deployment "${d.metadata?.name ?? ''}" to revision ${revision}`);
    }
    return;
  }
  s.event(d, 'Warning', ROLLBACK_REASON.RevisionNotFound, 'Unable to find the revision to rollback to.');
  return clearRollbackTo(s, d);
}

/** Copies the ReplicaSet's template (without the hash label) and annotations into the deployment. */
async function rollbackToTemplate(s: DeploymentSync, d: MDeployment, rs: ReplicaSet): Promise<boolean> {
  let performed = false;
  if (!equalIgnoreHash(d.spec?.template, rs.spec?.template)) {
    const template = mutableCopy(rs.spec?.template ?? {});
    if (template.metadata?.labels) delete template.metadata.labels[POD_TEMPLATE_HASH_LABEL];
    d.spec!.template = template;
    setDeploymentAnnotationsTo(d, rs);
    performed = true;
  } else {
    s.event(d, 'Warning', ROLLBACK_REASON.TemplateUnchanged, `The rollback revision contains the same template as current deployment "${d.metadata?.name ?? ''}"`);
  }
  await clearRollbackTo(s, d);
  return performed;
}

/** updateDeploymentAndClearRollbackTo */
async function clearRollbackTo(s: DeploymentSync, d: MDeployment): Promise<void> {
  if (d.metadata?.annotations) delete d.metadata.annotations[ROLLBACK_TO_ANNOTATION];
  await s.deps.rest.update<Deployment>(DEPLOYMENTS, d.metadata?.namespace, d);
}
