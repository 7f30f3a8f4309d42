/** batch/v1 Job (k/k pkg/registry/batch/job/strategy.go). */
import type { Job } from 'kubernetes-types/batch/v1.js';
import { FieldError } from '../../../api/errors.js';
import type { StoredObject } from '../../../api/object.js';
import { requireResource } from '../../../api/resources.js';
import { defaultJob } from '../../../api/defaults/index.js';
import {
  CONTROLLER_UID_LABEL,
  JOB_NAME_LABEL,
  LEGACY_CONTROLLER_UID_LABEL,
  LEGACY_JOB_NAME_LABEL,
  validateJob,
  validateJobStatusUpdate,
  validateJobUpdate,
} from '../../../api/validation/jobs.js';
import { isDNS1123Label } from '../../../api/validation/names.js';
import { baseStrategy, type Strategy } from '../strategy.js';

const asJob = (o: StoredObject) => o as unknown as Job;

/**
 * generateSelector: unless spec.manualSelector, the pod template gets the job-name and controller-uid labels
 * (both the batch.kubernetes.io/ and the legacy keys; labels the user set are kept, and a conflict fails
 * validation) and the selector matches batch.kubernetes.io/controller-uid.
 */
function generateSelector(job: Job): void {
  const spec = job.spec;
  if (!spec || spec.manualSelector === true) return;
  const template = (spec.template ??= {});
  const meta = (template.metadata ??= {});
  const labels = (meta.labels ??= {});
  const name = job.metadata?.name ?? '';
  const uid = job.metadata?.uid ?? '';
  for (const key of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) if (!(key in labels)) labels[key] = name;
  for (const key of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL]) if (!(key in labels)) labels[key] = uid;
  const selector = (spec.selector ??= {});
  const matchLabels = (selector.matchLabels ??= {});
  if (!(CONTROLLER_UID_LABEL in matchLabels)) matchLabels[CONTROLLER_UID_LABEL] = uid;
}

/**
 * What kubemu's Job controller does not run yet. Rejected at create so a Job never runs with different semantics
 * than it asks for.
 */
function unsupported(job: Job): FieldError[] {
  const spec = job.spec;
  const errs: FieldError[] = [];
  for (const f of ['successPolicy', 'backoffLimitPerIndex', 'maxFailedIndexes'] as const) {
    if (spec?.[f] !== undefined && spec?.[f] !== null) errs.push(FieldError.forbidden(`spec.${f}`, 'not supported by kubemu yet'));
  }
  return errs;
}

const info = requireResource('batch', 'v1', 'jobs');
const base = baseStrategy(info);

export const jobStrategy: Strategy = baseStrategy(info, {
  defaults: (obj) => defaultJob(asJob(obj)),
  tracksGeneration: true,
  prepareForCreate: (obj) => {
    base.prepareForCreate(obj);
    generateSelector(asJob(obj));
  },
  validate: (obj) => [...validateJob(asJob(obj)), ...unsupported(asJob(obj))],
  validateUpdate: (obj, old) => validateJobUpdate(asJob(obj), asJob(old)),
  validateStatusUpdate: (obj, old) => validateJobStatusUpdate(asJob(obj), asJob(old)),
  // a Job's name becomes part of its pods' names and hostnames
  warningsOnCreate: (obj) => {
    const errs = isDNS1123Label(obj.metadata.name ?? '');
    return errs.length ? [`metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [${errs.join(' ')}]`] : [];
  },
  // batch/v1 keeps a Job's pods when the DELETE names no propagation policy (upstream's backwards compatibility)
  defaultDeletePropagation: {
    policy: 'Orphan',
    warning: 'child pods are preserved by default when jobs are deleted; set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to suppress this warning',
  },
});
