/**
 * apps/v1 validation (k/k pkg/apis/apps/validation/validation.go): Deployments, ReplicaSets,
 * StatefulSets, DaemonSets. Expects defaulted objects.
 */
import type { DaemonSet, Deployment, DeploymentStrategy, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { FieldError } from '../errors.js';
import { Selector, trySelectorFromLabelSelector } from '../labels.js';
import { goIntOrString, goInvalid, goLabelSelector, goNotSupported, goQuote, goStringMap, type IntOrString } from './gofmt.js';
import {
  FIELD_IMMUTABLE_ERROR_MSG,
  validateLabelSelector,
  validateNonnegativeField,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from './metadata.js';
import { isValidPercent, nameIsDNSLabel, nameIsDNSSubdomain } from './names.js';
import { type PodValidationOptions, validatePodTemplateSpec } from './pod.js';
import { deepEqual } from './util.js';

/** ValidatePositiveIntOrPercent */
export function validatePositiveIntOrPercent(v: IntOrString | undefined, path: string): FieldError[] {
  if (typeof v === 'string') return isValidPercent(v).map((m) => goInvalid(path, v, goIntOrString(v), m));
  if (typeof v === 'number') return validateNonnegativeField(v, path);
  if (v === undefined || v === null) return [];
  return [goInvalid(path, v, JSON.stringify(v), "must be an integer or percentage (e.g '5%')")];
}

function percentValue(v: IntOrString | undefined): number | undefined {
  if (typeof v !== 'string' || isValidPercent(v).length) return undefined;
  return parseInt(v.slice(0, -1), 10);
}

function intOrPercentValue(v: IntOrString | undefined): number {
  const p = percentValue(v);
  if (p !== undefined) return p;
  if (typeof v === 'number') return v;
  const n = typeof v === 'string' && /^[+-]?\d+$/.test(v) ? parseInt(v, 10) : 0;
  return n;
}

function isNotMoreThan100Percent(v: IntOrString | undefined, path: string): FieldError[] {
  const p = percentValue(v);
  if (p === undefined || p <= 100) return [];
  return [goInvalid(path, v, goIntOrString(v), 'must not be greater than 100%')];
}

function goDeploymentStrategy(s: DeploymentStrategy): string {
  const ru = s.rollingUpdate;
  const ruText = ru
    ? `&apps.RollingUpdateDeployment{MaxUnavailable:${goIntOrString(ru.maxUnavailable)}, MaxSurge:${goIntOrString(ru.maxSurge)}}`
    : '(*apps.RollingUpdateDeployment)(nil)';
  return `apps.DeploymentStrategy{Type:${goQuote(s.type ?? '')}, RollingUpdate:${ruText}}`;
}

export function validateDeploymentStrategy(s: DeploymentStrategy | undefined, path: string): FieldError[] {
  const st: DeploymentStrategy = s ?? {};
  const errs: FieldError[] = [];
  switch (st.type) {
    case 'Recreate':
      if (st.rollingUpdate) errs.push(FieldError.forbidden(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'"));
      break;
    case 'RollingUpdate': {
      const ru = st.rollingUpdate;
      if (!ru) {
        errs.push(FieldError.required(`${path}.rollingUpdate`, 'this should be defaulted and never be nil'));
        break;
      }
      const p = `${path}.rollingUpdate`;
      errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`));
      errs.push(...validatePositiveIntOrPercent(ru.maxSurge, `${p}.maxSurge`));
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(goInvalid(`${p}.maxUnavailable`, ru.maxUnavailable, goIntOrString(ru.maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
      }
      errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`));
      break;
    }
    default:
      errs.push(goNotSupported(path, st, goDeploymentStrategy(st), ['Recreate', 'RollingUpdate']));
  }
  return errs;
}

/** ValidatePodTemplateSpecForReplicaSet: selector must match the template labels, restartPolicy Always. */
export function validatePodTemplateSpecForReplicaSet(
  template: PodTemplateSpec | undefined,
  selector: Selector,
  path: string,
  opts: PodValidationOptions = {},
): FieldError[] {
  if (!template) return [FieldError.required(path)];
  const errs: FieldError[] = [];
  if (!selector.isEmpty()) {
    const labels = template.metadata?.labels;
    if (!selector.matches(labels)) {
      errs.push(goInvalid(`${path}.metadata.labels`, labels ?? null, goStringMap(labels), '`selector` does not match template `labels`'));
    }
  }
  errs.push(...validatePodTemplateSpec(template, path, opts));
  const rp = template.spec?.restartPolicy ?? '';
  if (rp !== 'Always') errs.push(FieldError.notSupported(`${path}.spec.restartPolicy`, rp, ['Always']));
  if (template.spec?.activeDeadlineSeconds !== undefined && template.spec?.activeDeadlineSeconds !== null) {
    errs.push(FieldError.forbidden(`${path}.spec.activeDeadlineSeconds`, 'activeDeadlineSeconds in ReplicaSet is not Supported'));
  }
  return errs;
}

/** Shared selector checks; returns the selector to match templates against (undefined if invalid). */
function validateSelector(sel: LabelSelector | undefined, path: string, kindWord: string, errs: FieldError[]): Selector | undefined {
  if (!sel) errs.push(FieldError.required(path));
  else {
    errs.push(...validateLabelSelector(sel, path));
    if (Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0) {
      errs.push(goInvalid(path, sel, goLabelSelector(sel), `empty selector is invalid for ${kindWord}`));
    }
  }
  const selector = trySelectorFromLabelSelector(sel);
  if (!selector) errs.push(goInvalid(path, sel, goLabelSelector(sel), 'invalid label selector'));
  return selector;
}

export function validateDeploymentSpec(d: Deployment, opts: PodValidationOptions = {}): FieldError[] {
  const spec = d.spec;
  const errs: FieldError[] = [];
  if (!spec) return [FieldError.required('spec')];
  errs.push(...validateNonnegativeField(spec.replicas, 'spec.replicas'));
  const selector = validateSelector(spec.selector, 'spec.selector', 'deployment', errs);
  if (selector) errs.push(...validatePodTemplateSpecForReplicaSet(spec.template, selector, 'spec.template', opts));
  errs.push(...validateDeploymentStrategy(spec.strategy, 'spec.strategy'));
  errs.push(...validateNonnegativeField(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateNonnegativeField(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  const pds = spec.progressDeadlineSeconds;
  if (pds !== undefined && pds !== null) {
    errs.push(...validateNonnegativeField(pds, 'spec.progressDeadlineSeconds'));
    if (pds <= (spec.minReadySeconds ?? 0)) errs.push(FieldError.invalid('spec.progressDeadlineSeconds', pds, 'must be greater than minReadySeconds'));
  }
  return errs;
}

export function validateDeployment(d: Deployment, opts: PodValidationOptions = {}): FieldError[] {
  const errs = validateObjectMeta(d.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  errs.push(...validateDeploymentSpec(d, opts));
  return errs;
}

/** spec.selector is immutable in apps/v1: `spec.selector: Invalid value: v1.LabelSelector{…}: field is immutable`. */
function validateSelectorImmutable(n: LabelSelector | undefined, o: LabelSelector | undefined): FieldError[] {
  if (deepEqual(n ?? null, o ?? null)) return [];
  return [goInvalid('spec.selector', n ?? null, goLabelSelector(n), FIELD_IMMUTABLE_ERROR_MSG)];
}

export function validateDeploymentUpdate(n: Deployment, o: Deployment, opts: PodValidationOptions = {}): FieldError[] {
  const errs = validateObjectMetaUpdate(n.metadata, o.metadata);
  errs.push(...validateDeploymentSpec(n, opts));
  errs.push(...validateSelectorImmutable(n.spec?.selector, o.spec?.selector));
  return errs;
}

/** Deployment/ReplicaSet/StatefulSet status: replicas counters ≥ 0. */
export function validateReplicaCountersStatus(status: Record<string, unknown> | undefined, path = 'status'): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'fullyLabeledReplicas', 'currentReplicas']) {
    const v = status?.[k];
    if (typeof v === 'number') errs.push(...validateNonnegativeField(v, `${path}.${k}`));
  }
  const og = status?.observedGeneration;
  if (typeof og === 'number') errs.push(...validateNonnegativeField(og, `${path}.observedGeneration`));
  return errs;
}

export function validateReplicaSetSpec(rs: ReplicaSet, opts: PodValidationOptions = {}): FieldError[] {
  const spec = rs.spec;
  if (!spec) return [FieldError.required('spec')];
  const errs: FieldError[] = [];
  errs.push(...validateNonnegativeField(spec.replicas, 'spec.replicas'));
  errs.push(...validateNonnegativeField(spec.minReadySeconds, 'spec.minReadySeconds'));
  const selector = validateSelector(spec.selector, 'spec.selector', 'deployment', errs);
  if (selector) errs.push(...validatePodTemplateSpecForReplicaSet(spec.template, selector, 'spec.template', opts));
  return errs;
}

export function validateReplicaSet(rs: ReplicaSet, opts: PodValidationOptions = {}): FieldError[] {
  const errs = validateObjectMeta(rs.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  errs.push(...validateReplicaSetSpec(rs, opts));
  return errs;
}

export function validateReplicaSetUpdate(n: ReplicaSet, o: ReplicaSet, opts: PodValidationOptions = {}): FieldError[] {
  const errs = validateObjectMetaUpdate(n.metadata, o.metadata);
  errs.push(...validateReplicaSetSpec(n, opts));
  errs.push(...validateSelectorImmutable(n.spec?.selector, o.spec?.selector));
  return errs;
}

/** StatefulSet: name is a DNS-1123 label (pods get `<name>-<ordinal>` hostnames), selector/template as a ReplicaSet. */
export function validateStatefulSet(ss: StatefulSet, opts: PodValidationOptions = {}): FieldError[] {
  const errs = validateObjectMeta(ss.metadata, { namespaced: true, nameFn: nameIsDNSLabel });
  const spec = ss.spec;
  if (!spec) return [...errs, FieldError.required('spec')];
  const pmp = spec.podManagementPolicy;
  if (!pmp) errs.push(FieldError.required('spec.podManagementPolicy'));
  else if (!['OrderedReady', 'Parallel'].includes(pmp)) errs.push(FieldError.invalid('spec.podManagementPolicy', pmp, 'must be \'OrderedReady\' or \'Parallel\''));
  const ust = spec.updateStrategy?.type;
  if (!ust) errs.push(FieldError.required('spec.updateStrategy'));
  else if (!['OnDelete', 'RollingUpdate'].includes(ust)) errs.push(FieldError.invalid('spec.updateStrategy', ust, 'must be \'RollingUpdate\' or \'OnDelete\''));
  errs.push(...validateNonnegativeField(spec.updateStrategy?.rollingUpdate?.partition, 'spec.updateStrategy.rollingUpdate.partition'));
  errs.push(...validateNonnegativeField(spec.replicas, 'spec.replicas'));
  errs.push(...validateNonnegativeField(spec.minReadySeconds, 'spec.minReadySeconds'));
  const selector = validateSelector(spec.selector, 'spec.selector', 'statefulset', errs);
  if (selector) errs.push(...validatePodTemplateSpecForReplicaSet(spec.template, selector, 'spec.template', opts));
  return errs;
}

export function validateStatefulSetUpdate(n: StatefulSet, o: StatefulSet, opts: PodValidationOptions = {}): FieldError[] {
  const errs = validateObjectMetaUpdate(n.metadata, o.metadata);
  errs.push(...validateStatefulSet(n, opts).filter((e) => !e.field.startsWith('metadata.')));
  // only replicas, ordinals, template, updateStrategy, revisionHistoryLimit, persistentVolumeClaimRetentionPolicy and minReadySeconds may change
  const strip = (s: StatefulSet['spec']) => {
    const c = structuredClone(s ?? {}) as Record<string, unknown>;
    for (const k of ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds']) delete c[k];
    return c;
  };
  if (!deepEqual(strip(n.spec), strip(o.spec))) {
    errs.push(
      FieldError.forbidden(
        'spec',
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
  return errs;
}

export function validateDaemonSet(ds: DaemonSet, opts: PodValidationOptions = {}): FieldError[] {
  const errs = validateObjectMeta(ds.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const spec = ds.spec;
  if (!spec) return [...errs, FieldError.required('spec')];
  const selector = validateSelector(spec.selector, 'spec.selector', 'daemonset', errs);
  if (selector) errs.push(...validatePodTemplateSpecForReplicaSet(spec.template, selector, 'spec.template', opts));
  errs.push(...validateNonnegativeField(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateNonnegativeField(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  const us = spec.updateStrategy;
  const t = us?.type ?? '';
  if (t === 'RollingUpdate') {
    const ru = us?.rollingUpdate;
    errs.push(...validatePositiveIntOrPercent(ru?.maxUnavailable, 'spec.updateStrategy.rollingUpdate.maxUnavailable'));
    errs.push(...validatePositiveIntOrPercent(ru?.maxSurge, 'spec.updateStrategy.rollingUpdate.maxSurge'));
    if (intOrPercentValue(ru?.maxUnavailable) === 0 && intOrPercentValue(ru?.maxSurge) === 0) {
      errs.push(goInvalid('spec.updateStrategy.rollingUpdate.maxUnavailable', ru?.maxUnavailable, goIntOrString(ru?.maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
    }
  } else if (t !== 'OnDelete') {
    errs.push(FieldError.notSupported('spec.updateStrategy.type', t, ['OnDelete', 'RollingUpdate']));
  }
  return errs;
}

export function validateDaemonSetUpdate(n: DaemonSet, o: DaemonSet, opts: PodValidationOptions = {}): FieldError[] {
  const errs = validateObjectMetaUpdate(n.metadata, o.metadata);
  errs.push(...validateDaemonSet(n, opts).filter((e) => !e.field.startsWith('metadata.')));
  errs.push(...validateSelectorImmutable(n.spec?.selector, o.spec?.selector));
  return errs;
}

