/**
 * Protobuf field table, batch/v1: Job and CronJob.
 * Field numbers and names are those of the wire format (k8s.io/api v0.32 batch/v1 `generated.proto`);
 * modes follow the Go types' `json` tags (see ../schema.ts).
 */
import type { MessageTable } from '../schema.js';

export const BATCH_V1: MessageTable = {
  'batch.Job': {
    1: ['metadata', 'meta.ObjectMeta'],
    2: ['spec', 'batch.JobSpec'],
    3: ['status', 'batch.JobStatus'],
  },
  'batch.CronJob': {
    1: ['metadata', 'meta.ObjectMeta'],
    2: ['spec', 'batch.CronJobSpec'],
    3: ['status', 'batch.CronJobStatus'],
  },
  'batch.CronJobSpec': {
    1: ['schedule', 'string', 'keep'],
    2: ['startingDeadlineSeconds', 'int64', 'ptr'],
    3: ['concurrencyPolicy', 'string'],
    4: ['suspend', 'bool', 'ptr'],
    5: ['jobTemplate', 'batch.JobTemplateSpec'],
    6: ['successfulJobsHistoryLimit', 'int32', 'ptr'],
    7: ['failedJobsHistoryLimit', 'int32', 'ptr'],
    8: ['timeZone', 'string', 'ptr'],
  },
  'batch.CronJobStatus': {
    1: ['active', 'core.ObjectReference', 'list'],
    4: ['lastScheduleTime', 'Time'],
    5: ['lastSuccessfulTime', 'Time'],
  },
  'batch.JobTemplateSpec': {
    1: ['metadata', 'meta.ObjectMeta'],
    2: ['spec', 'batch.JobSpec'],
  },
  'batch.JobSpec': {
    1: ['parallelism', 'int32', 'ptr'],
    2: ['completions', 'int32', 'ptr'],
    3: ['activeDeadlineSeconds', 'int64', 'ptr'],
    4: ['selector', 'meta.LabelSelector'],
    5: ['manualSelector', 'bool', 'ptr'],
    6: ['template', 'core.PodTemplateSpec'],
    7: ['backoffLimit', 'int32', 'ptr'],
    8: ['ttlSecondsAfterFinished', 'int32', 'ptr'],
    9: ['completionMode', 'string', 'ptr'],
    10: ['suspend', 'bool', 'ptr'],
    11: ['podFailurePolicy', 'batch.PodFailurePolicy'],
    12: ['backoffLimitPerIndex', 'int32', 'ptr'],
    13: ['maxFailedIndexes', 'int32', 'ptr'],
    14: ['podReplacementPolicy', 'string', 'ptr'],
    15: ['managedBy', 'string', 'ptr'],
    16: ['successPolicy', 'batch.SuccessPolicy'],
  },
  'batch.JobStatus': {
    1: ['conditions', 'batch.JobCondition', 'list'],
    2: ['startTime', 'Time'],
    3: ['completionTime', 'Time'],
    4: ['active', 'int32'],
    5: ['succeeded', 'int32'],
    6: ['failed', 'int32'],
    7: ['completedIndexes', 'string'],
    8: ['uncountedTerminatedPods', 'batch.UncountedTerminatedPods'],
    9: ['ready', 'int32', 'ptr'],
    10: ['failedIndexes', 'string', 'ptr'],
    11: ['terminating', 'int32', 'ptr'],
  },
  'batch.JobCondition': {
    1: ['type', 'string', 'keep'],
    2: ['status', 'string', 'keep'],
    3: ['lastProbeTime', 'Time'],
    4: ['lastTransitionTime', 'Time'],
    5: ['reason', 'string'],
    6: ['message', 'string'],
  },
  'batch.UncountedTerminatedPods': {
    1: ['succeeded', 'string', 'list'],
    2: ['failed', 'string', 'list'],
  },
  'batch.PodFailurePolicy': {
    1: ['rules', 'batch.PodFailurePolicyRule', 'list'],
  },
  'batch.PodFailurePolicyRule': {
    1: ['action', 'string', 'keep'],
    2: ['onExitCodes', 'batch.PodFailurePolicyOnExitCodesRequirement'],
    3: ['onPodConditions', 'batch.PodFailurePolicyOnPodConditionsPattern', 'list'],
  },
  'batch.PodFailurePolicyOnExitCodesRequirement': {
    1: ['containerName', 'string', 'ptr'],
    2: ['operator', 'string', 'keep'],
    3: ['values', 'int32', 'list'],
  },
  'batch.PodFailurePolicyOnPodConditionsPattern': {
    1: ['type', 'string', 'keep'],
    2: ['status', 'string', 'keep'],
  },
  'batch.SuccessPolicy': {
    1: ['rules', 'batch.SuccessPolicyRule', 'list'],
  },
  'batch.SuccessPolicyRule': {
    1: ['succeededIndexes', 'string', 'ptr'],
    2: ['succeededCount', 'int32', 'ptr'],
  },
};
