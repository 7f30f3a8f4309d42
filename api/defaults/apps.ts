/** Defaults for apps/v1 and batch/v1 kinds (k/k pkg/apis/apps/v1/defaults.go, batch/v1/defaults.go). Mutate in place. */
import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import { isObj } from './util.js';
import { defaultPodTemplateSpec } from './pod.js';

const unset = (v: unknown) => v === undefined || v === null;

/** SetDefaults_Deployment: replicas 1, RollingUpdate 25%/25%, revisionHistoryLimit 10, progressDeadlineSeconds 600. */
export function defaultDeployment(d: Deployment): void {
  if (!isObj(d)) return;
  if (!isObj(d.spec)) d.spec = { selector: {}, template: {} };
  const spec = d.spec;
  if (unset(spec.replicas)) spec.replicas = 1;
  if (!isObj(spec.strategy)) spec.strategy = {};
  const st = spec.strategy;
  if (!st.type) st.type = 'RollingUpdate';
  if (st.type === 'RollingUpdate') {
    if (!isObj(st.rollingUpdate)) st.rollingUpdate = {};
    if (unset(st.rollingUpdate.maxUnavailable)) st.rollingUpdate.maxUnavailable = '25%';
    if (unset(st.rollingUpdate.maxSurge)) st.rollingUpdate.maxSurge = '25%';
  }
  if (unset(spec.revisionHistoryLimit)) spec.revisionHistoryLimit = 10;
  if (unset(spec.progressDeadlineSeconds)) spec.progressDeadlineSeconds = 600;
  defaultPodTemplateSpec(spec.template);
}

/** SetDefaults_ReplicaSet: replicas 1. */
export function defaultReplicaSet(rs: ReplicaSet): void {
  if (!isObj(rs)) return;
  if (!isObj(rs.spec)) rs.spec = { selector: {} };
  if (unset(rs.spec.replicas)) rs.spec.replicas = 1;
  defaultPodTemplateSpec(rs.spec.template);
}

/** SetDefaults_StatefulSet */
export function defaultStatefulSet(ss: StatefulSet): void {
  if (!isObj(ss)) return;
  if (!isObj(ss.spec)) ss.spec = { selector: {}, serviceName: '', template: {} };
  const spec = ss.spec;
  if (!spec.podManagementPolicy) spec.podManagementPolicy = 'OrderedReady';
  if (!isObj(spec.updateStrategy)) spec.updateStrategy = {};
  if (!spec.updateStrategy.type) spec.updateStrategy.type = 'RollingUpdate';
  if (spec.updateStrategy.type === 'RollingUpdate') {
    if (!isObj(spec.updateStrategy.rollingUpdate)) spec.updateStrategy.rollingUpdate = {};
    if (unset(spec.updateStrategy.rollingUpdate.partition)) spec.updateStrategy.rollingUpdate.partition = 0;
  }
  if (!isObj(spec.persistentVolumeClaimRetentionPolicy)) spec.persistentVolumeClaimRetentionPolicy = {};
  const rp = spec.persistentVolumeClaimRetentionPolicy;
  if (!rp.whenDeleted) rp.whenDeleted = 'Retain';
  if (!rp.whenScaled) rp.whenScaled = 'Retain';
  if (unset(spec.replicas)) spec.replicas = 1;
  if (unset(spec.revisionHistoryLimit)) spec.revisionHistoryLimit = 10;
  for (const pvc of Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : []) {
    if (isObj(pvc) && isObj(pvc.spec) && !pvc.spec.volumeMode) pvc.spec.volumeMode = 'Filesystem';
    const w = pvc as { status?: { phase?: string } };
    if (isObj(pvc) && !isObj(w.status)) w.status = { phase: 'Pending' };
  }
  defaultPodTemplateSpec(spec.template);
}

/** SetDefaults_DaemonSet: RollingUpdate maxUnavailable 1 / maxSurge 0, revisionHistoryLimit 10. */
export function defaultDaemonSet(ds: DaemonSet): void {
  if (!isObj(ds)) return;
  if (!isObj(ds.spec)) ds.spec = { selector: {}, template: {} };
  const spec = ds.spec;
  if (!isObj(spec.updateStrategy)) spec.updateStrategy = {};
  const us = spec.updateStrategy;
  if (!us.type) us.type = 'RollingUpdate';
  if (us.type === 'RollingUpdate') {
    if (!isObj(us.rollingUpdate)) us.rollingUpdate = {};
    if (unset(us.rollingUpdate.maxUnavailable)) us.rollingUpdate.maxUnavailable = 1;
    if (unset(us.rollingUpdate.maxSurge)) us.rollingUpdate.maxSurge = 0;
  }
  if (unset(spec.revisionHistoryLimit)) spec.revisionHistoryLimit = 10;
  defaultPodTemplateSpec(spec.template);
}

/** SetDefaults_Job (the parts that don't depend on feature gates). */
export function defaultJob(job: Job): void {
  if (!isObj(job)) return;
  if (!isObj(job.spec)) job.spec = { template: {} };
  const spec = job.spec;
  if (unset(spec.completions) && unset(spec.parallelism)) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  if (unset(spec.parallelism)) spec.parallelism = 1;
  if (unset(spec.backoffLimit)) spec.backoffLimit = spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null ? 2147483647 : 6;
  if (!spec.completionMode) spec.completionMode = 'NonIndexed';
  if (unset(spec.suspend)) spec.suspend = false;
  if (!spec.podReplacementPolicy) spec.podReplacementPolicy = spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  if (unset(spec.manualSelector)) spec.manualSelector = false;
  if (isObj(spec.template)) {
    if (!isObj(spec.template.metadata)) spec.template.metadata = {};
    // a Job without labels takes its template's
    const labels = spec.template.metadata.labels;
    if (isObj(labels) && isObj(job.metadata) && Object.keys(job.metadata.labels ?? {}).length === 0) job.metadata.labels = { ...labels };
  }
  defaultPodTemplateSpec(spec.template);
}

/** SetDefaults_CronJob */
export function defaultCronJob(cj: CronJob): void {
  if (!isObj(cj)) return;
  if (!isObj(cj.spec)) cj.spec = { schedule: '', jobTemplate: {} };
  const spec = cj.spec;
  if (!spec.concurrencyPolicy) spec.concurrencyPolicy = 'Allow';
  if (unset(spec.suspend)) spec.suspend = false;
  if (unset(spec.successfulJobsHistoryLimit)) spec.successfulJobsHistoryLimit = 3;
  if (unset(spec.failedJobsHistoryLimit)) spec.failedJobsHistoryLimit = 1;
  if (isObj(spec.jobTemplate) && isObj(spec.jobTemplate.spec)) defaultPodTemplateSpec(spec.jobTemplate.spec.template);
}
