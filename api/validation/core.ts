/**
 * Validation for the smaller core/v1, coordination/v1 and discovery/v1 kinds
 * (k/k pkg/apis/core/validation, coordination/validation, discovery/validation).
 */
import type { ConfigMap, Endpoints, Event, Namespace, Node, Secret, ServiceAccount, Taint } from 'kubernetes-types/core/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { FieldError } from '../errors.js';
import { tryParseQuantity } from '../quantity.js';
import { SUPPORTED_PORT_PROTOCOLS, validateDNS1123Label, validateQualifiedName } from './container.js';
import { goDuplicate } from './gofmt.js';
import { validateLabelName, validateObjectMeta, validateObjectMetaUpdate, validateImmutableField } from './metadata.js';
import {
  byteLength,
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidIP,
  isValidIPv4Address,
  isValidIPv6Address,
  isValidLabelValue,
  isValidPortNum,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  validatePathSegmentName,
} from './names.js';
import { validateTaintEffect } from './pod.js';
import { asArray, asRecord, deepEqual } from './util.js';

/** core.MaxSecretSize: 1 MiB, shared by ConfigMaps and Secrets. */
export const MAX_SECRET_SIZE = 1024 * 1024;

const STANDARD_FINALIZERS = ['kubernetes', 'orphan', 'foregroundDeletion'];

export function validateNamespace(ns: Namespace): FieldError[] {
  const errs = validateObjectMeta(ns.metadata, { namespaced: false, nameFn: nameIsDNSLabel });
  asArray<string>(ns.spec?.finalizers).forEach((f) => {
    for (const m of isQualifiedName(f)) errs.push(FieldError.invalid('spec.finalizers', f, m));
    if (!f.includes('/') && !STANDARD_FINALIZERS.includes(f)) {
      errs.push(FieldError.invalid('spec.finalizers', f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  });
  return errs;
}

export function validateNamespaceUpdate(n: Namespace, o: Namespace): FieldError[] {
  const errs = validateObjectMetaUpdate(n.metadata, o.metadata);
  errs.push(...validateNamespace(n).filter((e) => !e.field.startsWith('metadata.')));
  return errs;
}

/** Decoded byte length of a base64 value (binaryData / secret data). */
function base64Length(v: unknown): number {
  return typeof v === 'string' ? Buffer.from(v, 'base64').length : 0;
}

export function validateConfigMap(cm: ConfigMap): FieldError[] {
  const errs = validateObjectMeta(cm.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const data = asRecord(cm.data);
  const bin = asRecord(cm.binaryData);
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const m of isConfigMapKey(k)) errs.push(FieldError.invalid(`data[${k}]`, k, m));
    if (k in bin) errs.push(FieldError.invalid(`data[${k}]`, k, 'duplicate of key present in binaryData'));
    total += typeof v === 'string' ? byteLength(v) : 0;
  }
  for (const [k, v] of Object.entries(bin)) {
    for (const m of isConfigMapKey(k)) errs.push(FieldError.invalid(`binaryData[${k}]`, k, m));
    if (k in data) errs.push(FieldError.invalid(`binaryData[${k}]`, k, 'duplicate of key present in data'));
    total += base64Length(v);
  }
  // upstream reports the whole object with an empty field path
  if (total > MAX_SECRET_SIZE) errs.push(FieldError.tooLong('', '', MAX_SECRET_SIZE));
  return errs;
}

function immutableDataErrors(
  n: { immutable?: boolean; data?: unknown; binaryData?: unknown },
  o: { immutable?: boolean; data?: unknown; binaryData?: unknown },
  fields: ('data' | 'binaryData')[],
): FieldError[] {
  if (o.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (n.immutable !== true) errs.push(FieldError.forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const f of fields) if (!deepEqual(n[f], o[f])) errs.push(FieldError.forbidden(f, 'field is immutable when `immutable` is set'));
  return errs;
}

export function validateConfigMapUpdate(n: ConfigMap, o: ConfigMap): FieldError[] {
  const errs = validateObjectMetaUpdate(n.metadata, o.metadata);
  errs.push(...immutableDataErrors(n, o, ['data', 'binaryData']));
  errs.push(...validateConfigMap(n).filter((e) => !e.field.startsWith('metadata.')));
  return errs;
}

export function validateSecret(s: Secret): FieldError[] {
  const errs = validateObjectMeta(s.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const data = asRecord(s.data);
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const m of isConfigMapKey(k)) errs.push(FieldError.invalid(`data[${k}]`, k, m));
    total += base64Length(v);
  }
  if (total > MAX_SECRET_SIZE) errs.push(FieldError.tooLong('data', '', MAX_SECRET_SIZE));
  const has = (k: string) => Object.prototype.hasOwnProperty.call(data, k);
  switch (s.type ?? '') {
    case 'kubernetes.io/service-account-token':
      if (!s.metadata?.annotations?.['kubernetes.io/service-account.name']) {
        errs.push(FieldError.required('metadata.annotations[kubernetes.io/service-account.name]'));
      }
      break;
    case 'kubernetes.io/dockercfg':
    case 'kubernetes.io/dockerconfigjson': {
      const key = s.type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
      if (!has(key)) {
        errs.push(FieldError.required(`data[${key}]`));
        break;
      }
      try {
        JSON.parse(Buffer.from(String(data[key]), 'base64').toString('utf8'));
      } catch (e) {
        errs.push(FieldError.invalid(`data[${key}]`, '<secret contents redacted>', (e as Error).message));
      }
      break;
    }
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) {
        errs.push(FieldError.required('data[username]'), FieldError.required('data[password]'));
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if (base64Length(data['ssh-privatekey']) === 0) errs.push(FieldError.required('data[ssh-privatekey]'));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(FieldError.required('data[tls.crt]'));
      if (!has('tls.key')) errs.push(FieldError.required('data[tls.key]'));
      break;
    default:
      break;
  }
  return errs;
}

export function validateSecretUpdate(n: Secret, o: Secret): FieldError[] {
  const errs = validateObjectMetaUpdate(n.metadata, o.metadata);
  errs.push(...validateImmutableField(n.type ?? '', o.type ?? '', 'type'));
  errs.push(...immutableDataErrors(n, o, ['data']));
  errs.push(...validateSecret(n).filter((e) => !e.field.startsWith('metadata.')));
  return errs;
}

function validateNodeTaints(taints: Taint[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  asArray<Taint>(taints).forEach((t, i) => {
    const p = `${path}[${i}]`;
    errs.push(...validateLabelName(t.key ?? '', `${p}.key`));
    const vm = isValidLabelValue(t.value ?? '');
    if (vm.length) errs.push(FieldError.invalid(`${p}.value`, t.value ?? '', vm.join(';')));
    errs.push(...validateTaintEffect(t.effect, false, `${p}.effect`));
    const key = `${t.effect}\u0000${t.key}`;
    if (seen.has(key)) {
      errs.push(goDuplicate(p, t, `core.Taint{Key:${JSON.stringify(t.key)}, Value:${JSON.stringify(t.value ?? '')}, Effect:${JSON.stringify(t.effect)}, TimeAdded:<nil>}`, 'taints must be unique by key and effect pair'));
    } else seen.add(key);
  });
  return errs;
}

function validateResourceListQuantities(list: Record<string, unknown> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(list ?? {})) {
    const q = tryParseQuantity(v);
    if (!q) errs.push(FieldError.invalid(`${path}[${k}]`, String(v), 'must be a valid quantity'));
    else if (q.sign() < 0) errs.push(FieldError.invalid(`${path}[${k}]`, q.toString(), 'must be greater than or equal to 0'));
  }
  return errs;
}

export function validateNode(node: Node): FieldError[] {
  const errs = validateObjectMeta(node.metadata, { namespaced: false, nameFn: nameIsDNSSubdomain });
  errs.push(...validateNodeTaints(node.spec?.taints, 'spec.taints'));
  asArray<string>(node.spec?.podCIDRs).forEach((c, i) => {
    if (!/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(c)) errs.push(FieldError.invalid(`spec.podCIDRs[${i}]`, c, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
  });
  errs.push(...validateResourceListQuantities(node.status?.capacity, 'status.capacity'));
  errs.push(...validateResourceListQuantities(node.status?.allocatable, 'status.allocatable'));
  return errs;
}

export function validateNodeUpdate(n: Node, o: Node): FieldError[] {
  const errs = validateObjectMetaUpdate(n.metadata, o.metadata);
  errs.push(...validateNode(n).filter((e) => !e.field.startsWith('metadata.')));
  const oldCIDRs = asArray<string>(o.spec?.podCIDRs);
  if (oldCIDRs.length > 0 && !deepEqual(asArray(n.spec?.podCIDRs), oldCIDRs)) {
    errs.push(FieldError.forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  }
  return errs;
}

export function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs = validateObjectMeta(ep.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  asArray<NonNullable<Endpoints['subsets']>[number]>(ep.subsets).forEach((ss, i) => {
    const p = `subsets[${i}]`;
    const addrs = asArray<{ ip?: string; nodeName?: string; hostname?: string }>(ss.addresses);
    const notReady = asArray<{ ip?: string; nodeName?: string; hostname?: string }>(ss.notReadyAddresses);
    if (addrs.length === 0 && notReady.length === 0) errs.push(FieldError.required(p, 'must specify `addresses` or `notReadyAddresses`'));
    for (const [list, field] of [[addrs, 'addresses'], [notReady, 'notReadyAddresses']] as const) {
      list.forEach((a, j) => {
        const ap = `${p}.${field}[${j}]`;
        for (const m of isValidIP(a.ip ?? '')) errs.push(FieldError.invalid(`${ap}.ip`, a.ip ?? '', m));
        if (a.hostname) for (const m of isDNS1123Label(a.hostname)) errs.push(FieldError.invalid(`${ap}.hostname`, a.hostname, m));
        if (a.nodeName) for (const m of isDNS1123Subdomain(a.nodeName)) errs.push(FieldError.invalid(`${ap}.nodeName`, a.nodeName, m));
      });
    }
    const ports = asArray<{ name?: string; port?: number; protocol?: string }>(ss.ports);
    ports.forEach((port, j) => {
      const pp = `${p}.ports[${j}]`;
      if (ports.length > 1 && !port.name) errs.push(FieldError.required(`${pp}.name`));
      else if (port.name) errs.push(...validateDNS1123Label(port.name, `${pp}.name`));
      for (const m of isValidPortNum(port.port ?? 0)) errs.push(FieldError.invalid(`${pp}.port`, port.port ?? 0, m));
      if (!port.protocol) errs.push(FieldError.required(`${pp}.protocol`));
      else if (!SUPPORTED_PORT_PROTOCOLS.includes(port.protocol)) errs.push(FieldError.notSupported(`${pp}.protocol`, port.protocol, SUPPORTED_PORT_PROTOCOLS));
    });
  });
  return errs;
}

export function validateEndpointsUpdate(n: Endpoints, o: Endpoints): FieldError[] {
  const errs = validateObjectMetaUpdate(n.metadata, o.metadata);
  errs.push(...validateEndpoints(n).filter((e) => !e.field.startsWith('metadata.')));
  return errs;
}

/**
 * ValidateEventCreate (legacy rules apply to core/v1 and events.k8s.io alike) + generic name checks.
 * Accepts core/v1 shape (involvedObject) and events.k8s.io/v1 shape (regarding).
 */
export function validateEvent(ev: Event | Record<string, unknown>): FieldError[] {
  const e = ev as Record<string, unknown> & Event;
  const errs = validateObjectMeta(e.metadata, { namespaced: true, nameFn: validatePathSegmentName });
  const io = asRecord(e.involvedObject ?? (e as Record<string, unknown>).regarding);
  const ioNs = typeof io.namespace === 'string' ? io.namespace : '';
  const ns = e.metadata?.namespace ?? '';
  const isNew = !!e.eventTime;
  const reportingController = (e.reportingComponent ?? (e as Record<string, unknown>).reportingController ?? '') as string;
  const ioPath = e.involvedObject ? 'involvedObject.namespace' : 'regarding.namespace';
  if (!isNew) {
    if (ioNs === '' ? ns !== '' && ns !== 'default' : ns !== ioNs) errs.push(FieldError.invalid(ioPath, ioNs, 'does not match event.namespace'));
  } else {
    if (ioNs === '' && ns !== 'default' && ns !== 'kube-system') errs.push(FieldError.invalid(ioPath, ioNs, 'does not match event.namespace'));
    const rcField = e.involvedObject ? 'reportingComponent' : 'reportingController';
    if (!reportingController) errs.push(FieldError.required(rcField));
    for (const m of isQualifiedName(reportingController)) if (reportingController) errs.push(FieldError.invalid(rcField, reportingController, m));
    if (!e.reportingInstance) errs.push(FieldError.required('reportingInstance'));
    else if (e.reportingInstance.length > 128) errs.push(FieldError.invalid('reportingInstance', '', 'can have at most 128 characters'));
    if (!e.action) errs.push(FieldError.required('action'));
    else if (e.action.length > 128) errs.push(FieldError.invalid('action', '', 'can have at most 128 characters'));
    if (!e.reason) errs.push(FieldError.required('reason'));
    else if (e.reason.length > 128) errs.push(FieldError.invalid('reason', '', 'can have at most 128 characters'));
    const note = (e.message ?? (e as Record<string, unknown>).note ?? '') as string;
    if (note.length > 1024) errs.push(FieldError.invalid(e.involvedObject ? 'message' : 'note', '', 'can have at most 1024 characters'));
  }
  return errs;
}

export function validateEventUpdate(n: Event, o: Event): FieldError[] {
  const errs = validateObjectMetaUpdate(n.metadata, o.metadata);
  errs.push(...validateEvent(n).filter((e) => !e.field.startsWith('metadata.')));
  return errs;
}

export function validateServiceAccount(sa: ServiceAccount): FieldError[] {
  const errs = validateObjectMeta(sa.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  asArray<{ name?: string }>(sa.secrets).forEach((s, i) => {
    if (!s.name) errs.push(FieldError.required(`secrets[${i}].name`));
  });
  return errs;
}

export function validateServiceAccountUpdate(n: ServiceAccount, o: ServiceAccount): FieldError[] {
  const errs = validateObjectMetaUpdate(n.metadata, o.metadata);
  errs.push(...validateServiceAccount(n).filter((e) => !e.field.startsWith('metadata.')));
  return errs;
}

export function validateLease(lease: Lease): FieldError[] {
  const errs = validateObjectMeta(lease.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const spec = lease.spec ?? {};
  if (spec.leaseDurationSeconds !== undefined && spec.leaseDurationSeconds !== null && spec.leaseDurationSeconds <= 0) {
    errs.push(FieldError.invalid('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'));
  }
  if (spec.leaseTransitions !== undefined && spec.leaseTransitions !== null && spec.leaseTransitions < 0) {
    errs.push(FieldError.invalid('spec.leaseTransitions', spec.leaseTransitions, 'must be greater than or equal to 0'));
  }
  return errs;
}

export function validateLeaseUpdate(n: Lease, o: Lease): FieldError[] {
  const errs = validateObjectMetaUpdate(n.metadata, o.metadata);
  errs.push(...validateLease(n).filter((e) => !e.field.startsWith('metadata.')));
  return errs;
}

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];

export function validateEndpointSlice(es: EndpointSlice): FieldError[] {
  const errs = validateObjectMeta(es.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain });
  const at = es.addressType;
  if (!at) errs.push(FieldError.required('addressType'));
  else if (!ADDRESS_TYPES.includes(at)) errs.push(FieldError.notSupported('addressType', at, ADDRESS_TYPES));
  asArray<EndpointSlice['endpoints'][number]>(es.endpoints).forEach((ep, i) => {
    const p = `endpoints[${i}]`;
    const addrs = asArray<string>(ep.addresses);
    if (addrs.length === 0) errs.push(FieldError.required(`${p}.addresses`, 'must contain at least 1 address'));
    else if (addrs.length > 100) errs.push(FieldError.invalid(`${p}.addresses`, addrs.length, 'must have at most 100 items'));
    addrs.forEach((a, j) => {
      const ap = `${p}.addresses[${j}]`;
      const msgs = at === 'IPv4' ? isValidIPv4Address(a) : at === 'IPv6' ? isValidIPv6Address(a) : at === 'FQDN' ? isDNS1123Subdomain(a.replace(/\.$/, '')) : [];
      for (const m of msgs) errs.push(FieldError.invalid(ap, a, m));
    });
    if (ep.nodeName) for (const m of isDNS1123Subdomain(ep.nodeName)) errs.push(FieldError.invalid(`${p}.nodeName`, ep.nodeName, m));
    if (ep.hostname) errs.push(...validateDNS1123Label(ep.hostname, `${p}.hostname`));
  });
  const names = new Set<string>();
  asArray<NonNullable<EndpointSlice['ports']>[number]>(es.ports).forEach((port, i) => {
    const p = `ports[${i}]`;
    const name = port.name ?? '';
    if (name) errs.push(...validateDNS1123Label(name, `${p}.name`));
    if (names.has(name)) errs.push(FieldError.duplicate(`${p}.name`, name));
    else names.add(name);
    if (!port.protocol) errs.push(FieldError.required(`${p}.protocol`));
    else if (!SUPPORTED_PORT_PROTOCOLS.includes(port.protocol)) errs.push(FieldError.notSupported(`${p}.protocol`, port.protocol, SUPPORTED_PORT_PROTOCOLS));
    if (port.appProtocol) errs.push(...validateQualifiedName(port.appProtocol, `${p}.appProtocol`));
    if (port.port !== undefined && port.port !== null) {
      for (const m of isValidPortNum(port.port)) errs.push(FieldError.invalid(`${p}.port`, port.port, m));
    }
  });
  return errs;
}

export function validateEndpointSliceUpdate(n: EndpointSlice, o: EndpointSlice): FieldError[] {
  const errs = validateObjectMetaUpdate(n.metadata, o.metadata);
  errs.push(...validateImmutableField(n.addressType, o.addressType, 'addressType'));
  errs.push(...validateEndpointSlice(n).filter((e) => !e.field.startsWith('metadata.')));
  return errs;
}
