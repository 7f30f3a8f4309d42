/**
 * The CronJob controller: creates a Job for each scheduled time of each CronJob, keeps status.active and
 * lastScheduleTime, honours concurrencyPolicy and startingDeadlineSeconds, and trims the finished Jobs to the
 * history limits. Each CronJob is re-queued for its next scheduled time.
 */
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import { runController } from '../../../client/controller-runner.js';
import { objectKey } from '../../../client/types.js';
import { WorkQueue } from '../../../client/workqueue.js';
import type { Controller, ControllerContext } from '../context.js';
import { requeueOnConflict } from '../util/errors.js';
import { CONTROLLER_UID_INDEX, controllerUidIndex, getControllerOf } from '../util/owner.js';
import { JOBS } from '../job/resources.js';
import { CRONJOBS } from './resources.js';
import { syncCronJob, type CronJobSyncDeps } from './sync.js';

export const CRONJOB_CONTROLLER = 'cronjob-controller';

export function newCronJobController(ctx: ControllerContext): Controller {
  const queue = new WorkQueue<string>({ name: 'cronjob', clock: ctx.clock });
  const cronJobLister = ctx.informers.lister<CronJob>(CRONJOBS);
  const jobLister = ctx.informers.lister<Job>(JOBS);
  ctx.informers.ensureIndex<Job>(JOBS, CONTROLLER_UID_INDEX, controllerUidIndex);
  const deps: CronJobSyncDeps = {
    rest: ctx.rest,
    cronJobLister,
    jobLister,
    recorder: ctx.recorder(CRONJOB_CONTROLLER),
    clock: ctx.clock,
    log: ctx.log,
    enqueueAfter: (key, ms) => queue.addAfter(key, ms),
  };

  /** A Job event re-syncs the CronJob that controls it. */
  const onJob = (job: Job): void => {
    const ref = getControllerOf(job);
    if (ref?.kind !== 'CronJob') return;
    const cj = cronJobLister.get(job.metadata?.namespace, ref.name);
    if (cj && cj.metadata?.uid === ref.uid) queue.add(objectKey(cj));
  };

  ctx.informers.informer<CronJob>(CRONJOBS).addEventHandler({
    onAdd: (cj) => queue.add(objectKey(cj)),
    onUpdate: (_old, cur) => queue.add(objectKey(cur)),
  });
  ctx.informers.informer<Job>(JOBS).addEventHandler({ onAdd: onJob, onUpdate: (_old, cur) => onJob(cur), onDelete: onJob });

  return {
    run: (signal) =>
      runController({
        name: CRONJOB_CONTROLLER,
        queue,
        workers: ctx.settings.concurrentCronJobSyncs,
        sync: ctx.metrics.wrap(CRONJOB_CONTROLLER, requeueOnConflict((key: string) => syncCronJob(deps, key), (key) => queue.addAfter(key, 50))),
        log: ctx.log,
        signal,
      }),
  };
}
