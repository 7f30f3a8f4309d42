/** batch/v1 CronJob validation (k/k pkg/apis/batch/validation/validation.go ValidateCronJobCreate/Update). */
import type { CronJob, CronJobSpec, JobTemplateSpec } from 'kubernetes-types/batch/v1.js';
import { isKnownTimeZone, parseSchedule } from '../cron.js';
import { FieldError } from '../errors.js';
import { goInvalid, goLabelSelector } from './gofmt.js';
import { validateNonnegativeField, validateObjectMeta, validateObjectMetaUpdate } from './metadata.js';
import { nameIsDNSSubdomain } from './names.js';
import type { PodValidationOptions } from './pod.js';
import { validateJobSpecFields } from './jobs.js';

/** Jobs are named `<cronjob>-<minutes since the epoch>` (11 characters more) and Job names stop at 63. */
const MAX_CRONJOB_NAME = 52;

function validateSchedule(schedule: string, timeZone: string | undefined | null, allowTZ: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  try {
    parseSchedule(schedule, timeZone && isKnownTimeZone(timeZone) ? timeZone : undefined);
  } catch (e) {
    errs.push(FieldError.invalid(path, schedule, e instanceof Error ? e.message : String(e)));
  }
  if (allowTZ && schedule.includes('TZ') && timeZone !== undefined && timeZone !== null) {
    errs.push(FieldError.invalid(path, schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
  } else if (!allowTZ && schedule.includes('TZ')) {
    errs.push(FieldError.invalid(path, schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  }
  return errs;
}

function validateTimeZone(tz: string | undefined | null, path: string): FieldError[] {
  if (tz === undefined || tz === null) return [];
  if (tz === '') return [FieldError.invalid(path, tz, 'timeZone must be nil or non-empty string')];
  const errs: FieldError[] = [];
  if (tz.toLowerCase() === 'local') errs.push(FieldError.invalid(path, tz, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  else if (!isKnownTimeZone(tz)) errs.push(FieldError.invalid(path, tz, `unknown time zone ${tz}`));
  return errs;
}

/** ValidateJobTemplateSpec: a Job spec whose selector the controller generates. */
function validateJobTemplate(t: JobTemplateSpec | undefined, path: string, opts: PodValidationOptions): FieldError[] {
  const spec = t?.spec;
  if (!spec) return [FieldError.required(`${path}.spec`)];
  const errs = validateJobSpecFields(spec, `${path}.spec`, opts);
  if (spec.selector) errs.push(goInvalid(`${path}.spec.selector`, spec.selector, goLabelSelector(spec.selector), '`selector` will be auto-generated'));
  if (spec.manualSelector === true) errs.push(FieldError.notSupported(`${path}.spec.manualSelector`, true, ['nil', 'false']));
  return errs;
}

function validateCronJobSpec(spec: CronJobSpec | undefined, old: CronJobSpec | undefined, opts: PodValidationOptions): FieldError[] {
  if (!spec) return [FieldError.required('spec')];
  const errs: FieldError[] = [];
  if (!spec.schedule) errs.push(FieldError.required('spec.schedule'));
  else errs.push(...validateSchedule(spec.schedule, spec.timeZone, old?.schedule.includes('TZ') ?? false, 'spec.schedule'));
  errs.push(...validateNonnegativeField(spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds'));
  if (!old || old.timeZone !== spec.timeZone) errs.push(...validateTimeZone(spec.timeZone, 'spec.timeZone'));
  const cp = spec.concurrencyPolicy ?? '';
  if (cp === '') errs.push(FieldError.required('spec.concurrencyPolicy'));
  else if (!['Allow', 'Forbid', 'Replace'].includes(cp)) errs.push(FieldError.notSupported('spec.concurrencyPolicy', cp, ['Allow', 'Forbid', 'Replace']));
  errs.push(...validateJobTemplate(spec.jobTemplate, 'spec.jobTemplate', opts));
  errs.push(...validateNonnegativeField(spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit'));
  errs.push(...validateNonnegativeField(spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit'));
  return errs;
}

export function validateCronJob(cj: CronJob, opts: PodValidationOptions = {}): FieldError[] {
  const errs = validateObjectMeta(cj.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  errs.push(...validateCronJobSpec(cj.spec, undefined, opts));
  const name = cj.metadata?.name ?? '';
  if (name.length > MAX_CRONJOB_NAME) errs.push(FieldError.invalid('metadata.name', name, `must be no more than ${MAX_CRONJOB_NAME} characters`));
  return errs;
}

export function validateCronJobUpdate(n: CronJob, o: CronJob, opts: PodValidationOptions = {}): FieldError[] {
  const errs = validateObjectMetaUpdate(n.metadata, o.metadata);
  errs.push(...validateCronJobSpec(n.spec, o.spec, opts));
  return errs;
}
