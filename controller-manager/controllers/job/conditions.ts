/** Job conditions as the Job controller writes them (k/k pkg/controller/job/job_controller.go). */
import type { Job, JobCondition } from 'kubernetes-types/batch/v1.js';

export type Verdict = { kind: 'success' | 'failure'; reason: string; message: string };

export const COMPLETIONS_REACHED: Verdict = { kind: 'success', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };
export const BACKOFF_LIMIT_EXCEEDED: Verdict = { kind: 'failure', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
export const DEADLINE_EXCEEDED: Verdict = { kind: 'failure', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };

export function findCondition(job: Job, type: string): JobCondition | undefined {
  return job.status?.conditions?.find((c) => c.type === type);
}

export function conditionTrue(job: Job, type: string): boolean {
  return findCondition(job, type)?.status === 'True';
}

/** A Job is finished once Complete or Failed is True; nothing changes it after that. */
export function isFinished(job: Job): boolean {
  return conditionTrue(job, 'Complete') || conditionTrue(job, 'Failed');
}

/** The interim condition of a verdict (pods may still be terminating) and the final one. */
export function conditionTypes(v: Verdict): { interim: string; final: string } {
  return v.kind === 'success' ? { interim: 'SuccessCriteriaMet', final: 'Complete' } : { interim: 'FailureTarget', final: 'Failed' };
}

/** The verdict a Job already carries in its interim condition (after a restart or a conflict). */
export function recordedVerdict(job: Job): Verdict | undefined {
  for (const [type, kind] of [['SuccessCriteriaMet', 'success'], ['FailureTarget', 'failure']] as const) {
    const c = findCondition(job, type);
    if (c?.status === 'True') return { kind, reason: c.reason ?? '', message: c.message ?? '' };
  }
  return undefined;
}

/**
 * Sets a condition: a new one is appended; an existing one changes (and gets a new lastTransitionTime) only when
 * its status changes, as upstream's ensureJobConditionStatus. Returns whether anything changed.
 */
export function setCondition(conditions: JobCondition[], type: string, status: 'True' | 'False', reason: string, message: string, now: string): boolean {
  const i = conditions.findIndex((c) => c.type === type);
  if (i < 0) {
    conditions.push({ type, status, reason, message, lastProbeTime: now, lastTransitionTime: now });
    return true;
  }
  const c = conditions[i];
  if (c.status === status && c.reason === reason && c.message === message) return false;
  conditions[i] = { ...c, status, reason, message, lastProbeTime: now, lastTransitionTime: c.status === status ? c.lastTransitionTime : now };
  return true;
}
