/** batch/v1 CronJob (k/k pkg/registry/batch/cronjob/strategy.go). */
import type { CronJob } from 'kubernetes-types/batch/v1.js';
import type { StoredObject } from '../../../api/object.js';
import { requireResource } from '../../../api/resources.js';
import { defaultCronJob } from '../../../api/defaults/index.js';
import { validateCronJob, validateCronJobUpdate } from '../../../api/validation/cronjobs.js';
import { baseStrategy, type Strategy } from '../strategy.js';

const asCronJob = (o: StoredObject) => o as unknown as CronJob;

export const cronJobStrategy: Strategy = baseStrategy(requireResource('batch', 'v1', 'cronjobs'), {
  defaults: (obj) => defaultCronJob(asCronJob(obj)),
  tracksGeneration: true,
  validate: (obj) => validateCronJob(asCronJob(obj)),
  validateUpdate: (obj, old) => validateCronJobUpdate(asCronJob(obj), asCronJob(old)),
});
