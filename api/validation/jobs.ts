/**
 * batch/v1 Job validation (k/k pkg/apis/batch/validation/validation.go ValidateJob / ValidateJobUpdate /
 * ValidateJobUpdateStatus). Expects defaulted objects.
 */
import type { Job, JobSpec } from 'kubernetes-types/batch/v1.js';
import { FieldError } from '../errors.js';
import { trySelectorFromLabelSelector } from '../labels.js';
import { goInvalid, goLabelSelector, goStringMap } from './gofmt.js';
import { validateImmutableField, validateLabelSelector, validateNonnegativeField, validateObjectMeta, validateObjectMetaUpdate } from './metadata.js';
import { isDNS1123Label, nameIsDNSSubdomain } from './names.js';
import { type PodValidationOptions, validatePodTemplateSpec } from './pod.js';
import { deepEqual } from './util.js';

export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const LEGACY_JOB_NAME_LABEL = 'job-name';
export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
export const JOB_COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';

/** upstream maxParallelismForIndexedJob */
const MAX_PARALLELISM_INDEXED = 100_000;

/** validateGeneratedSelector: unless manualSelector, the template and selector carry this Job's uid. */
function validateGeneratedSelector(job: Job): FieldError[] {
  const spec = job.spec;
  if (spec?.manualSelector === true) return [];
  const errs: FieldError[] = [];
  const uid = job.metadata?.uid ?? '';
  const labels = spec?.template?.metadata?.labels;
  if (!labels) errs.push(FieldError.required('spec.template.metadata.labels'));
  if (!uid) errs.push(FieldError.required('metadata.uid'));
  if (!spec?.selector) errs.push(FieldError.required('spec.selector'));
  if (!uid) return errs;
  for (const key of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL]) {
    if (labels && labels[key] !== uid) errs.push(FieldError.invalid(`spec.template.metadata.labels[${key}]`, labels[key] ?? '', `must be '${uid}'`));
  }
  const selector = trySelectorFromLabelSelector(spec?.selector);
  if (spec?.selector && selector && !selector.matches({ [CONTROLLER_UID_LABEL]: uid })) {
    errs.push(goInvalid('spec.selector', spec.selector, goLabelSelector(spec.selector), '`selector` not auto-generated'));
  }
  return errs;
}

const MAX_POD_FAILURE_POLICY_RULES = 20;
const MAX_EXIT_CODES = 255;

/** validatePodFailurePolicy (the rules' actions, requirements and exit code lists). */
function validatePodFailurePolicy(spec: JobSpec, path: string): FieldError[] {
  const policy = spec.podFailurePolicy;
  if (!policy) return [];
  const errs: FieldError[] = [];
  const rules = policy.rules ?? [];
  if (rules.length > MAX_POD_FAILURE_POLICY_RULES) errs.push(FieldError.tooMany(`${path}.rules`, rules.length, MAX_POD_FAILURE_POLICY_RULES));
  rules.forEach((rule, i) => {
    const rp = `${path}.rules[${i}]`;
    const actions = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
    if (!rule.action) errs.push(FieldError.required(`${rp}.action`));
    else if (!actions.includes(rule.action)) errs.push(FieldError.notSupported(`${rp}.action`, rule.action, actions));
    else if (rule.action === 'FailIndex' && (spec.backoffLimitPerIndex === undefined || spec.backoffLimitPerIndex === null)) {
      errs.push(FieldError.forbidden(`${rp}.action`, 'requires the backoffLimitPerIndex to be set'));
    }
    const conditions = rule.onPodConditions ?? [];
    if (rule.onExitCodes && conditions.length > 0) errs.push(FieldError.invalid(rp, '', 'specifying both OnExitCodes and OnPodConditions is not supported'));
    else if (!rule.onExitCodes && conditions.length === 0) errs.push(FieldError.invalid(rp, '', 'specifying one of OnExitCodes and OnPodConditions is required'));
    const ec = rule.onExitCodes;
    if (ec) {
      const ep = `${rp}.onExitCodes`;
      if (ec.operator !== 'In' && ec.operator !== 'NotIn') errs.push(FieldError.notSupported(`${ep}.operator`, ec.operator, ['In', 'NotIn']));
      const values = ec.values ?? [];
      if (values.length === 0) errs.push(FieldError.invalid(`${ep}.values`, values, 'at least one value is required'));
      if (values.length > MAX_EXIT_CODES) errs.push(FieldError.tooMany(`${ep}.values`, values.length, MAX_EXIT_CODES));
      values.forEach((v, j) => {
        if (ec.operator === 'In' && v === 0) errs.push(FieldError.invalid(`${ep}.values[${j}]`, v, 'must not be 0 for the In operator'));
        if (j > 0 && values[j - 1] === v) errs.push(FieldError.duplicate(`${ep}.values[${j}]`, v));
        else if (j > 0 && values[j - 1] > v) errs.push(FieldError.invalid(`${ep}.values[${j}]`, v, 'must be ordered'));
      });
    }
    conditions.forEach((c, j) => {
      const cp = `${rp}.onPodConditions[${j}]`;
      if (!c.type) errs.push(FieldError.required(`${cp}.type`));
      if (!['True', 'False', 'Unknown'].includes(c.status)) errs.push(FieldError.notSupported(`${cp}.status`, c.status, ['True', 'False', 'Unknown']));
    });
  });
  return errs;
}

/** validateJobSpec: everything but the selector (a CronJob's jobTemplate has none); `path` is e.g. `spec`. */
export function validateJobSpecFields(spec: JobSpec, path: string, opts: PodValidationOptions): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateNonnegativeField(spec.parallelism, `${path}.parallelism`));
  errs.push(...validateNonnegativeField(spec.completions, `${path}.completions`));
  errs.push(...validateNonnegativeField(spec.activeDeadlineSeconds, `${path}.activeDeadlineSeconds`));
  errs.push(...validateNonnegativeField(spec.backoffLimit, `${path}.backoffLimit`));
  errs.push(...validateNonnegativeField(spec.ttlSecondsAfterFinished, `${path}.ttlSecondsAfterFinished`));
  const mode = spec.completionMode;
  if (mode !== undefined && mode !== null) {
    if (mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(FieldError.notSupported(`${path}.completionMode`, mode, ['NonIndexed', 'Indexed']));
    if (mode === 'Indexed') {
      if (spec.completions === undefined || spec.completions === null) errs.push(FieldError.required(`${path}.completions`, 'when completion mode is Indexed'));
      if (typeof spec.parallelism === 'number' && spec.parallelism > MAX_PARALLELISM_INDEXED) {
        errs.push(FieldError.invalid(`${path}.parallelism`, spec.parallelism, `must be less than or equal to ${MAX_PARALLELISM_INDEXED} when completion mode is Indexed`));
      }
    }
  }
  errs.push(...validatePodFailurePolicy(spec, `${path}.podFailurePolicy`));
  const prp = spec.podReplacementPolicy;
  if (prp !== undefined && prp !== null) {
    const allowed = spec.podFailurePolicy ? ['Failed'] : ['TerminatingOrFailed', 'Failed'];
    if (!allowed.includes(prp)) errs.push(FieldError.notSupported(`${path}.podReplacementPolicy`, prp, allowed));
  }
  const template = spec.template;
  if (!template) return [...errs, FieldError.required(`${path}.template`)];
  errs.push(...validatePodTemplateSpec(template, `${path}.template`, opts));
  const rp = template.spec?.restartPolicy ?? '';
  if (rp === 'Always' || rp === '') {
    errs.push(FieldError.required(`${path}.template.spec.restartPolicy`, 'valid values: "OnFailure", "Never"'));
  } else if (rp !== 'OnFailure' && rp !== 'Never') {
    errs.push(FieldError.notSupported(`${path}.template.spec.restartPolicy`, rp, ['OnFailure', 'Never']));
  } else if (spec.podFailurePolicy && rp !== 'Never') {
    errs.push(FieldError.invalid(`${path}.template.spec.restartPolicy`, rp, 'only "Never" is supported when podFailurePolicy is specified'));
  }
  return errs;
}

/** ValidateJobSpec: the fields, a selector, and the selector matching the template's labels. */
function validateJobSpec(spec: JobSpec, opts: PodValidationOptions): FieldError[] {
  const errs = validateJobSpecFields(spec, 'spec', opts);
  if (!spec.selector) errs.push(FieldError.required('spec.selector'));
  else errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  // whether set by hand or generated, the selector must match the pods the Job creates
  const selector = trySelectorFromLabelSelector(spec.selector);
  const labels = spec.template?.metadata?.labels;
  if (selector && !selector.matches(labels ?? {})) {
    errs.push(goInvalid('spec.template.metadata.labels', labels ?? null, goStringMap(labels), '`selector` does not match template `labels`'));
  }
  return errs;
}

export function validateJob(job: Job, opts: PodValidationOptions = {}): FieldError[] {
  const errs = validateObjectMeta(job.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  errs.push(...validateGeneratedSelector(job));
  if (!job.spec) return [...errs, FieldError.required('spec')];
  errs.push(...validateJobSpec(job.spec, opts));
  const completions = job.spec.completions;
  if (job.spec.completionMode === 'Indexed' && typeof completions === 'number' && completions > 0) {
    // pods of an Indexed Job are named and hostnamed `<job>-<index>`
    const hostname = `${job.metadata?.name ?? ''}-${completions - 1}`;
    if (isDNS1123Label(hostname).length > 0) {
      errs.push(FieldError.invalid('metadata.name', job.metadata?.name ?? '', `will not able to create pod with invalid DNS label: ${hostname}`));
    }
  }
  return errs;
}

/** A suspended Job that never started may change its template's scheduling directives (upstream: mutable scheduling directives). */
function templateMayChange(n: Job, o: Job): boolean {
  return o.spec?.suspend === true && !o.status?.startTime;
}

export function validateJobUpdate(n: Job, o: Job, opts: PodValidationOptions = {}): FieldError[] {
  const errs = validateObjectMetaUpdate(n.metadata, o.metadata);
  if (!n.spec) return [...errs, FieldError.required('spec')];
  errs.push(...validateJobSpec(n.spec, opts));
  const ns = n.spec;
  const os = o.spec ?? { template: {} };
  // elastic Indexed Jobs: completions may change together with parallelism
  const elastic = ns.completionMode === 'Indexed' && os.completionMode === 'Indexed' && ns.completions === ns.parallelism && os.completions === os.parallelism;
  if (!elastic) errs.push(...validateImmutableField(ns.completions, os.completions, 'spec.completions'));
  else if (ns.completions !== os.completions && ns.parallelism === os.parallelism) {
    errs.push(FieldError.invalid('spec.completions', ns.completions ?? '', 'can only be modified in tandem with spec.parallelism'));
  }
  if (!deepEqual(ns.selector ?? null, os.selector ?? null)) errs.push(goInvalid('spec.selector', ns.selector ?? null, goLabelSelector(ns.selector), 'field is immutable'));
  if (!templateMayChange(n, o) && !deepEqual(ns.template ?? null, os.template ?? null)) {
    errs.push(goInvalid('spec.template', ns.template, 'core.PodTemplateSpec{…}', 'field is immutable'));
  }
  errs.push(...validateImmutableField(ns.completionMode, os.completionMode, 'spec.completionMode'));
  errs.push(...validateImmutableField(ns.podFailurePolicy, os.podFailurePolicy, 'spec.podFailurePolicy'));
  errs.push(...validateImmutableField(ns.backoffLimitPerIndex, os.backoffLimitPerIndex, 'spec.backoffLimitPerIndex'));
  errs.push(...validateImmutableField(ns.managedBy, os.managedBy, 'spec.managedBy'));
  errs.push(...validateImmutableField(ns.successPolicy, os.successPolicy, 'spec.successPolicy'));
  return errs;
}

/** ValidateJobUpdateStatus: counters are never negative. */
export function validateJobStatusUpdate(n: Job, o: Job): FieldError[] {
  const errs = validateObjectMetaUpdate(n.metadata, o.metadata);
  const s = n.status ?? {};
  for (const k of ['active', 'succeeded', 'failed', 'ready', 'terminating'] as const) errs.push(...validateNonnegativeField(s[k], `status.${k}`));
  return errs;
}
