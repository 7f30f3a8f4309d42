/**
 * Pod validation (k/k pkg/apis/core/validation/validation.go: ValidatePodCreate, ValidatePodSpec,
 * ValidateVolumes, ValidateTolerations, ValidatePodUpdate, ValidatePodTemplateSpec).
 * Expects defaulted objects (call api/defaults first), as upstream does.
 */
import type { Container, Pod, PodDNSConfig, PodSpec, PodTemplateSpec, Toleration, Volume } from 'kubernetes-types/core/v1.js';
import { FieldError } from '../errors.js';
import { VOLUME_SOURCE_KEYS } from '../defaults/pod.js';
import {
  type PodValidationOptions,
  validateContainer,
  validateDNS1123Label,
  validateLocalDescendingPath,
} from './container.js';
import { validateAnnotations, validateLabelName, validateLabels, validateNonnegativeField, validateObjectMeta, validateObjectMetaUpdate } from './metadata.js';
import { inclusiveRangeError, isDNS1123Subdomain, isValidIP, isValidLabelValue, nameIsDNSSubdomain } from './names.js';
import { goInvalid, goStringSlice } from './gofmt.js';
import { asArray, deepEqual, diffPaths } from './util.js';

export type { PodValidationOptions } from './container.js';

const MAX_INT32 = 2147483647;
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const MAX_DNS_NAMESERVERS = 3;
const MAX_DNS_SEARCH_PATHS = 32;
const MAX_DNS_SEARCH_LIST_CHARS = 2048;
const TOLERATION_OPERATORS = ['Equal', 'Exists'];

function validateKeyToPathItems(items: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  asArray<{ key?: string; path?: string; mode?: number }>(items).forEach((it, i) => {
    const p = `${path}[${i}]`;
    if (!it.key) errs.push(FieldError.required(`${p}.key`));
    if (!it.path) errs.push(FieldError.required(`${p}.path`));
    else errs.push(...validateLocalDescendingPath(it.path, `${p}.path`));
    if (it.mode !== undefined && (it.mode < 0 || it.mode > 0o777)) {
      errs.push(FieldError.invalid(`${p}.mode`, it.mode, 'must be a number between 0 and 0777 (octal), both inclusive'));
    }
  });
  return errs;
}

function validateDefaultMode(mode: number | undefined, path: string): FieldError[] {
  if (mode !== undefined && (mode < 0 || mode > 0o777)) {
    return [FieldError.invalid(path, mode, 'must be a number between 0 and 0777 (octal), both inclusive')];
  }
  return [];
}

function validateVolumeSource(v: Volume, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const rv = v as unknown as Record<string, unknown>;
  let n = 0;
  for (const key of VOLUME_SOURCE_KEYS) {
    if (rv[key] === undefined || rv[key] === null) continue;
    if (n > 0) {
      errs.push(FieldError.forbidden(`${path}.${key}`, 'may not specify more than 1 volume type'));
      continue;
    }
    n++;
    switch (key) {
      case 'hostPath':
        if (!v.hostPath?.path) errs.push(FieldError.required(`${path}.hostPath.path`));
        break;
      case 'configMap':
        if (!v.configMap?.name) errs.push(FieldError.required(`${path}.configMap.name`));
        errs.push(...validateDefaultMode(v.configMap?.defaultMode, `${path}.configMap.defaultMode`));
        errs.push(...validateKeyToPathItems(v.configMap?.items, `${path}.configMap.items`));
        break;
      case 'secret':
        if (!v.secret?.secretName) errs.push(FieldError.required(`${path}.secret.secretName`));
        errs.push(...validateDefaultMode(v.secret?.defaultMode, `${path}.secret.defaultMode`));
        errs.push(...validateKeyToPathItems(v.secret?.items, `${path}.secret.items`));
        break;
      case 'persistentVolumeClaim':
        if (!v.persistentVolumeClaim?.claimName) errs.push(FieldError.required(`${path}.persistentVolumeClaim.claimName`));
        break;
      case 'emptyDir': {
        const medium = v.emptyDir?.medium ?? '';
        if (!['', 'Memory', 'HugePages'].includes(medium) && !medium.startsWith('HugePages-')) {
          errs.push(FieldError.notSupported(`${path}.emptyDir.medium`, medium, ['', 'Memory', 'HugePages']));
        }
        break;
      }
      case 'projected':
        errs.push(...validateDefaultMode(v.projected?.defaultMode, `${path}.projected.defaultMode`));
        break;
      case 'downwardAPI':
        errs.push(...validateDefaultMode(v.downwardAPI?.defaultMode, `${path}.downwardAPI.defaultMode`));
        break;
      default:
        break;
    }
  }
  if (n === 0) errs.push(FieldError.required(path, 'must specify a volume type'));
  return errs;
}

/** ValidateVolumes: returns the set of valid volume names and the errors. */
export function validateVolumes(volumes: Volume[] | undefined, path: string): { names: Set<string>; errors: FieldError[] } {
  const names = new Set<string>();
  const errors: FieldError[] = [];
  asArray<Volume>(volumes).forEach((vol, i) => {
    const p = `${path}[${i}]`;
    const el = validateVolumeSource(vol, p);
    if (!vol.name) el.push(FieldError.required(`${p}.name`));
    else el.push(...validateDNS1123Label(vol.name, `${p}.name`));
    if (names.has(vol.name)) el.push(FieldError.duplicate(`${p}.name`, vol.name));
    if (el.length === 0) names.add(vol.name);
    else errors.push(...el);
  });
  return { names, errors };
}

function validateTaintEffect(effect: string | undefined, allowEmpty: boolean, path: string): FieldError[] {
  if (!allowEmpty && !effect) return [FieldError.required(path)];
  if (!TAINT_EFFECTS.includes(effect ?? '')) return [FieldError.notSupported(path, effect ?? '', TAINT_EFFECTS)];
  return [];
}

export { validateTaintEffect };

export function validateTolerations(tolerations: Toleration[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  asArray<Toleration>(tolerations).forEach((t, i) => {
    const p = `${path}[${i}]`;
    if (t.key) errs.push(...validateLabelName(t.key, `${p}.key`));
    if (!t.key && t.operator !== 'Exists') {
      errs.push(FieldError.invalid(`${p}.operator`, t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && t.effect !== 'NoExecute') {
      errs.push(FieldError.invalid(`${p}.effect`, t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (t.operator ?? '') {
      case 'Equal':
      case '': {
        const msgs = isValidLabelValue(t.value ?? '');
        if (msgs.length) errs.push(FieldError.invalid(`${p}.operator`, t.value ?? '', msgs.join(';')));
        break;
      }
      case 'Exists':
        if (t.value) errs.push(FieldError.invalid(`${p}.operator`, t, "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(FieldError.notSupported(`${p}.operator`, t.operator, TOLERATION_OPERATORS));
    }
    if (t.effect) errs.push(...validateTaintEffect(t.effect, true, `${p}.effect`));
  });
  return errs;
}

function validateContainers(containers: Container[] | undefined, volumes: Set<string>, path: string, opts: PodValidationOptions, seen: Set<string>): FieldError[] {
  const list = asArray<Container>(containers);
  const errs: FieldError[] = [];
  list.forEach((c, i) => {
    const p = `${path}[${i}]`;
    errs.push(...validateContainer(c, volumes, p, opts));
    if (seen.has(c.name)) errs.push(FieldError.duplicate(`${p}.name`, c.name));
    else seen.add(c.name);
  });
  return errs;
}

/** AccumulateUniqueHostPorts over containers (hostIP/protocol/port). */
function validateUniqueHostPorts(containers: Container[], path: string, acc: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  containers.forEach((c, ci) => {
    asArray<{ hostPort?: number; hostIP?: string; protocol?: string }>(c.ports).forEach((port, pi) => {
      if (!port.hostPort) return;
      const key = `${port.hostIP ?? ''}/${port.protocol ?? ''}/${port.hostPort}`;
      if (acc.has(key)) errs.push(FieldError.duplicate(`${path}[${ci}].ports[${pi}].hostPort`, key));
      else acc.add(key);
    });
  });
  return errs;
}

/** validatePodDNSConfig: dnsPolicy None needs a dnsConfig with a nameserver; libc's limits on the lists. */
function validatePodDNSConfig(c: PodDNSConfig | undefined, policy: string | undefined, path: string): FieldError[] {
  if (policy === 'None') {
    if (!c) return [FieldError.required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (asArray(c.nameservers).length === 0) return [FieldError.required(`${path}.nameservers`, 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  if (!c) return [];
  const errs: FieldError[] = [];
  const nameservers = asArray<string>(c.nameservers);
  if (nameservers.length > MAX_DNS_NAMESERVERS) {
    errs.push(goInvalid(`${path}.nameservers`, nameservers, goStringSlice(nameservers), `must not have more than ${MAX_DNS_NAMESERVERS} nameservers`));
  }
  nameservers.forEach((ns, i) => {
    for (const m of isValidIP(ns)) errs.push(FieldError.invalid(`${path}.nameservers[${i}]`, ns, m));
  });
  const searches = asArray<string>(c.searches);
  if (searches.length > MAX_DNS_SEARCH_PATHS) {
    errs.push(goInvalid(`${path}.searches`, searches, goStringSlice(searches), `must not have more than ${MAX_DNS_SEARCH_PATHS} search paths`));
  }
  if (searches.join(' ').length > MAX_DNS_SEARCH_LIST_CHARS) {
    errs.push(goInvalid(`${path}.searches`, searches, goStringSlice(searches), `must not have more than ${MAX_DNS_SEARCH_LIST_CHARS} characters (including spaces) in the search list`));
  }
  searches.forEach((search, i) => {
    // a trailing dot is fine
    const d = search.replace(/\.$/, '');
    for (const m of isDNS1123Subdomain(d)) errs.push(FieldError.invalid(`${path}.searches[${i}]`, d, m));
  });
  asArray<{ name?: string }>(c.options).forEach((o, i) => {
    if (!o.name) errs.push(FieldError.required(`${path}.options[${i}]`, 'must not be empty'));
  });
  return errs;
}

export function validatePodSpec(spec: PodSpec | undefined, path = 'spec', opts: PodValidationOptions = {}): FieldError[] {
  const s: PodSpec = spec ?? { containers: [] };
  const errs: FieldError[] = [];
  const { names: volumes, errors: volErrs } = validateVolumes(s.volumes, `${path}.volumes`);
  errs.push(...volErrs);
  const containers = asArray<Container>(s.containers);
  const seen = new Set<string>();
  if (containers.length === 0) errs.push(FieldError.required(`${path}.containers`));
  else {
    errs.push(...validateContainers(containers, volumes, `${path}.containers`, opts, seen));
    errs.push(...validateUniqueHostPorts(containers, `${path}.containers`, new Set()));
  }
  const inits = asArray<Container>(s.initContainers);
  inits.forEach((c, i) => {
    const p = `${path}.initContainers[${i}]`;
    errs.push(...validateContainer(c, volumes, p, { ...opts, probes: c.restartPolicy === 'Always' }));
    if (seen.has(c.name)) errs.push(FieldError.duplicate(`${p}.name`, c.name));
    else seen.add(c.name);
    if (c.restartPolicy === undefined) {
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        if (c[probe]) errs.push(FieldError.forbidden(`${p}.${probe}`, `may not be set for init containers without restartPolicy=Always`));
      }
    }
  });
  if (!s.restartPolicy) errs.push(FieldError.required(`${path}.restartPolicy`));
  else if (!RESTART_POLICIES.includes(s.restartPolicy)) errs.push(FieldError.notSupported(`${path}.restartPolicy`, s.restartPolicy, RESTART_POLICIES));
  if (!s.dnsPolicy) errs.push(FieldError.required(`${path}.dnsPolicy`));
  else if (!DNS_POLICIES.includes(s.dnsPolicy)) errs.push(FieldError.notSupported(`${path}.dnsPolicy`, s.dnsPolicy, DNS_POLICIES));
  errs.push(...validatePodDNSConfig(s.dnsConfig, s.dnsPolicy, `${path}.dnsConfig`));
  errs.push(...validateLabels(s.nodeSelector, `${path}.nodeSelector`));
  if (s.serviceAccountName) {
    for (const m of isDNS1123Subdomain(s.serviceAccountName)) errs.push(FieldError.invalid(`${path}.serviceAccountName`, s.serviceAccountName, m));
  }
  if (s.nodeName) for (const m of isDNS1123Subdomain(s.nodeName)) errs.push(FieldError.invalid(`${path}.nodeName`, s.nodeName, m));
  const ads = s.activeDeadlineSeconds;
  if (ads !== undefined && ads !== null && (ads < 1 || ads > MAX_INT32)) {
    errs.push(FieldError.invalid(`${path}.activeDeadlineSeconds`, ads, inclusiveRangeError(1, MAX_INT32)));
  }
  if (s.hostname) errs.push(...validateDNS1123Label(s.hostname, `${path}.hostname`));
  if (s.subdomain) errs.push(...validateDNS1123Label(s.subdomain, `${path}.subdomain`));
  errs.push(...validateTolerations(s.tolerations, `${path}.tolerations`));
  if (s.priorityClassName) {
    for (const m of isDNS1123Subdomain(s.priorityClassName)) errs.push(FieldError.invalid(`${path}.priorityClassName`, s.priorityClassName, m));
  }
  if (s.preemptionPolicy && !['PreemptLowerPriority', 'Never'].includes(s.preemptionPolicy)) {
    errs.push(FieldError.notSupported(`${path}.preemptionPolicy`, s.preemptionPolicy, ['Never', 'PreemptLowerPriority']));
  }
  errs.push(...validateNonnegativeField(s.terminationGracePeriodSeconds, `${path}.terminationGracePeriodSeconds`));
  asArray<{ name?: string }>(s.imagePullSecrets).forEach((ref, i) => {
    if (!ref.name) errs.push(FieldError.required(`${path}.imagePullSecrets[${i}].name`));
  });
  return errs;
}

/** ValidatePodCreate (metadata + spec). Pod names are DNS-1123 subdomains. */
export function validatePod(pod: Pod, opts: PodValidationOptions = {}): FieldError[] {
  const errs = validateObjectMeta(pod.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  errs.push(...validatePodSpec(pod.spec, 'spec', opts));
  return errs;
}

/** ValidatePodTemplateSpec: note upstream reports template labels at `<path>.labels`. */
export function validatePodTemplateSpec(t: PodTemplateSpec | undefined, path: string, opts: PodValidationOptions = {}): FieldError[] {
  if (!t) return [FieldError.required(path)];
  const errs = validateLabels(t.metadata?.labels, `${path}.labels`);
  errs.push(...validateAnnotations(t.metadata?.annotations, `${path}.annotations`));
  errs.push(...validatePodSpec(t.spec, `${path}.spec`, opts));
  if (asArray(t.spec?.ephemeralContainers).length > 0) {
    errs.push(FieldError.forbidden(`${path}.spec.ephemeralContainers`, 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}

export const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

function validateOnlyAddedTolerations(newT: Toleration[], oldT: Toleration[], path: string): FieldError[] {
  for (const old of oldT) {
    const found = newT.some((n) => deepEqual({ ...old, tolerationSeconds: n.tolerationSeconds }, n));
    if (!found) return [FieldError.forbidden(path, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(newT, path);
}

function validateContainerImagesUpdate(newC: Container[], oldC: Container[], path: string): { errs: FieldError[]; stop: boolean } {
  if (newC.length !== oldC.length) return { errs: [FieldError.forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  const errs: FieldError[] = [];
  newC.forEach((c, i) => {
    if (!c.image) errs.push(FieldError.required(`${path}[${i}].image`));
    else if (c.image.trim().length !== c.image.length) {
      errs.push(FieldError.invalid(`${path}[${i}].image`, c.image, 'must not have leading or trailing whitespace'));
    }
  });
  return { errs, stop: false };
}

/** ValidatePodUpdate: metadata rules, then only image / activeDeadlineSeconds / tolerations / grace-period changes. */
export function validatePodUpdate(newPod: Pod, oldPod: Pod): FieldError[] {
  const errs = validateObjectMetaUpdate(newPod.metadata, oldPod.metadata);
  const ns: PodSpec = newPod.spec ?? { containers: [] };
  const os: PodSpec = oldPod.spec ?? { containers: [] };
  const c1 = validateContainerImagesUpdate(asArray(ns.containers), asArray(os.containers), 'spec.containers');
  errs.push(...c1.errs);
  if (c1.stop) return errs;
  const c2 = validateContainerImagesUpdate(asArray(ns.initContainers), asArray(os.initContainers), 'spec.initContainers');
  errs.push(...c2.errs);
  if (c2.stop) return errs;

  const nads = ns.activeDeadlineSeconds;
  const oads = os.activeDeadlineSeconds;
  if (nads !== undefined && nads !== null) {
    if (nads < 0 || nads > MAX_INT32) {
      errs.push(FieldError.invalid('spec.activeDeadlineSeconds', nads, inclusiveRangeError(0, MAX_INT32)));
      return errs;
    }
    if (oads !== undefined && oads !== null && oads < nads) {
      errs.push(FieldError.invalid('spec.activeDeadlineSeconds', nads, 'must be less than or equal to previous value'));
      return errs;
    }
  } else if (oads !== undefined && oads !== null) {
    errs.push(FieldError.invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }

  // munge the allowed changes back to the old values and require the rest to be equal
  const munged: PodSpec = structuredClone(ns);
  asArray<Container>(munged.containers).forEach((c, i) => (c.image = asArray<Container>(os.containers)[i].image));
  asArray<Container>(munged.initContainers).forEach((c, i) => (c.image = asArray<Container>(os.initContainers)[i].image));
  munged.activeDeadlineSeconds = os.activeDeadlineSeconds;
  munged.tolerations = os.tolerations;
  const otg = os.terminationGracePeriodSeconds;
  if (typeof otg === 'number' && otg < 0 && ns.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = otg;
  munged.schedulingGates = os.schedulingGates;
  if (!deepEqual(munged, os)) {
    const changed = diffPaths(os, munged, 'spec');
    errs.push(
      FieldError.forbidden('spec', `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}\n  changed: ${changed.join(', ')}`),
    );
  }
  errs.push(...validateOnlyAddedTolerations(asArray(ns.tolerations), asArray(os.tolerations), 'spec.tolerations'));
  return errs;
}

/** Pod status updates: metadata rules only (status content is trusted from kubelets). */
export function validatePodStatusUpdate(newPod: Pod, oldPod: Pod): FieldError[] {
  const errs = validateObjectMetaUpdate(newPod.metadata, oldPod.metadata);
  const nodeName = newPod.spec?.nodeName ?? '';
  if ((oldPod.spec?.nodeName ?? '') !== nodeName) errs.push(FieldError.forbidden('spec.nodeName', 'pod binding may not change'));
  return errs;
}

/** Binding (pods/binding): target kind Node with a name. */
export function validateBinding(binding: { target?: { kind?: string; name?: string } }): FieldError[] {
  const errs: FieldError[] = [];
  const kind = binding.target?.kind ?? '';
  if (kind !== '' && kind !== 'Node') errs.push(FieldError.notSupported('target.kind', kind, ['Node', '<empty>']));
  if (!binding.target?.name) errs.push(FieldError.required('target.name'));
  return errs;
}
