/**
 * The TTL-after-finished controller (k/k pkg/controller/ttlafterfinished): deletes a finished Job (Complete or
 * Failed) once `spec.ttlSecondsAfterFinished` have passed since it finished, with its pods (Foreground).
 */
import type { Job } from 'kubernetes-types/batch/v1.js';
import { isApiError } from '../../../api/errors.js';
import { runController } from '../../../client/controller-runner.js';
import type { Lister } from '../../../client/lister.js';
import { objectKey, splitKey } from '../../../client/types.js';
import { WorkQueue } from '../../../client/workqueue.js';
import type { Controller, ControllerContext } from '../context.js';
import { JOBS } from '../job/resources.js';
import { expiresAt } from './expiry.js';

export const TTL_AFTER_FINISHED_CONTROLLER = 'ttl-after-finished-controller';

export function newTtlAfterFinishedController(ctx: ControllerContext): Controller {
  const queue = new WorkQueue<string>({ name: 'ttl_jobs_to_delete', clock: ctx.clock });
  const lister: Lister<Job> = ctx.informers.lister<Job>(JOBS);
  const consider = (job: Job): void => {
    if (!job.metadata?.deletionTimestamp && expiresAt(job) !== undefined) queue.add(objectKey(job));
  };
  ctx.informers.informer<Job>(JOBS).addEventHandler({ onAdd: consider, onUpdate: (_old, cur) => consider(cur) });

  const sync = async (key: string): Promise<void> => {
    const { namespace, name } = splitKey(key);
    const cached = lister.get(namespace, name);
    if (!cached || cached.metadata?.deletionTimestamp) return;
    const at = expiresAt(cached);
    if (at === undefined) return;
    const left = at - ctx.clock.now();
    if (left > 0) {
      queue.addAfter(key, left);
      return;
    }
    // the cache may be stale (the TTL changed, the Job was replaced): decide on a fresh copy
    let fresh: Job;
    try {
      fresh = await ctx.rest.get<Job>(JOBS, namespace, name);
    } catch (e) {
      if (isApiError(e, 'NotFound')) return;
      throw e;
    }
    const freshAt = expiresAt(fresh);
    if (fresh.metadata?.deletionTimestamp || freshAt === undefined) return;
    if (freshAt > ctx.clock.now()) {
      queue.addAfter(key, freshAt - ctx.clock.now());
      return;
    }
    ctx.log.info({ job: key }, 'deleting a finished Job whose TTL expired');
    try {
      await ctx.rest.delete(JOBS, namespace, name, { propagationPolicy: 'Foreground', preconditions: { uid: fresh.metadata?.uid } });
    } catch (e) {
      if (!isApiError(e, 'NotFound') && !isApiError(e, 'Conflict')) throw e;
    }
  };

  return {
    run: (signal) => runController({ name: TTL_AFTER_FINISHED_CONTROLLER, queue, workers: ctx.settings.concurrentTtlAfterFinishedSyncs, sync, log: ctx.log, signal }),
  };
}
