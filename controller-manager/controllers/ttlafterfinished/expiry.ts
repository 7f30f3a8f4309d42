/** When a finished Job with spec.ttlSecondsAfterFinished expires (upstream timeLeft / jobFinishTime). */
import type { Job } from 'kubernetes-types/batch/v1.js';

/** ms since the epoch at which the Job may be deleted; undefined while it runs or has no TTL. */
export function expiresAt(job: Job): number | undefined {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  if (ttl === undefined || ttl === null) return undefined;
  const done = job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  if (!done) return undefined;
  const finished = Date.parse(done.lastTransitionTime ?? '');
  // upstream: a finished condition without a time is an error; the Job is left alone
  if (Number.isNaN(finished)) return undefined;
  return finished + ttl * 1000;
}
