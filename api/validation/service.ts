/**
 * Service validation (k/k pkg/apis/core/validation/validation.go: ValidateService, validateServicePort,
 * ValidateServiceUpdate). Expects defaulted objects. The NodePort range is the allocator's job.
 */
import type { Service, ServicePort } from 'kubernetes-types/core/v1.js';
import { FieldError } from '../errors.js';
import { externallyAccessible } from '../defaults/core.js';
import { SUPPORTED_PORT_PROTOCOLS, validateDNS1123Label, validatePortNumOrName, validateQualifiedName } from './container.js';
import { goDuplicate, goIntOrString, goInvalid, goQuote, goStringSlice } from './gofmt.js';
import { validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './metadata.js';
import { isDNS1123Subdomain, isIP, isValidIP, isValidPortNum, nameIsDNS1035Label } from './names.js';
import { asArray } from './util.js';

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const SESSION_AFFINITY_TYPES = ['ClientIP', 'None'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];
const KUBELET_PORT = 10250;

function isHeadless(svc: Service): boolean {
  return svc.spec?.clusterIP === 'None';
}

function goServicePortKey(protocol: string, port: number): string {
  return `core.ServicePort{Name:"", Protocol:${goQuote(protocol)}, AppProtocol:(*string)(nil), Port:${port}, TargetPort:${goIntOrString(undefined)}, NodePort:0}`;
}

function validateServicePort(sp: ServicePort, requireName: boolean, names: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !sp.name) errs.push(FieldError.required(`${path}.name`));
  else if (sp.name) {
    errs.push(...validateDNS1123Label(sp.name, `${path}.name`));
    if (names.has(sp.name)) errs.push(FieldError.duplicate(`${path}.name`, sp.name));
    else names.add(sp.name);
  }
  for (const m of isValidPortNum(sp.port)) errs.push(FieldError.invalid(`${path}.port`, sp.port ?? 0, m));
  if (!sp.protocol) errs.push(FieldError.required(`${path}.protocol`));
  else if (!SUPPORTED_PORT_PROTOCOLS.includes(sp.protocol)) errs.push(FieldError.notSupported(`${path}.protocol`, sp.protocol, SUPPORTED_PORT_PROTOCOLS));
  if (sp.targetPort !== undefined && sp.targetPort !== null) errs.push(...validatePortNumOrName(sp.targetPort, `${path}.targetPort`));
  if (sp.appProtocol !== undefined && sp.appProtocol !== null) errs.push(...validateQualifiedName(sp.appProtocol, `${path}.appProtocol`));
  if (sp.nodePort) for (const m of isValidPortNum(sp.nodePort)) errs.push(FieldError.invalid(`${path}.nodePort`, sp.nodePort, m));
  return errs;
}

function validateClusterIPs(svc: Service): FieldError[] {
  const errs: FieldError[] = [];
  const spec = svc.spec ?? {};
  if (spec.type === 'ExternalName') {
    if (spec.clusterIP) errs.push(FieldError.forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    return errs;
  }
  const ips = asArray<string>(spec.clusterIPs);
  if (spec.clusterIP && ips.length > 0 && ips[0] !== spec.clusterIP) {
    errs.push(FieldError.invalid('spec.clusterIPs', ips, 'first value must match `clusterIP`'));
  }
  const all = ips.length ? ips : spec.clusterIP ? [spec.clusterIP] : [];
  all.forEach((ip, i) => {
    if (ip === 'None') {
      if (i > 0 || all.length > 1) errs.push(FieldError.invalid(`spec.clusterIPs[${i}]`, ip, "must be empty when the first value is 'None'"));
      return;
    }
    if (ip === '' && i === 0) return;
    for (const m of isValidIP(ip)) errs.push(FieldError.invalid(`spec.clusterIPs[${i}]`, ip, m));
  });
  const policy = spec.ipFamilyPolicy;
  if (policy && !['SingleStack', 'PreferDualStack', 'RequireDualStack'].includes(policy)) {
    errs.push(FieldError.notSupported('spec.ipFamilyPolicy', policy, ['PreferDualStack', 'RequireDualStack', 'SingleStack']));
  }
  asArray<string>(spec.ipFamilies).forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6') errs.push(FieldError.notSupported(`spec.ipFamilies[${i}]`, f, ['IPv4', 'IPv6']));
  });
  return errs;
}

export function validateService(svc: Service): FieldError[] {
  const errs = validateObjectMeta(svc.metadata, { namespaced: true, nameFn: nameIsDNS1035Label });
  const spec = svc.spec ?? {};
  const ports = asArray<ServicePort>(spec.ports);
  const headless = isHeadless(svc);
  if (ports.length === 0 && !headless && spec.type !== 'ExternalName') errs.push(FieldError.required('spec.ports'));
  switch (spec.type) {
    case 'LoadBalancer':
      if (headless) errs.push(FieldError.invalid('spec.clusterIPs[0]', 'None', "may not be set to 'None' for LoadBalancer services"));
      ports.forEach((p, i) => {
        if (p.port === KUBELET_PORT) errs.push(FieldError.invalid(`spec.ports[${i}]`, p.port, `may not expose port ${KUBELET_PORT} externally since it is used by kubelet`));
      });
      break;
    case 'NodePort':
      if (headless) errs.push(FieldError.invalid('spec.clusterIPs[0]', 'None', "may not be set to 'None' for NodePort services"));
      break;
    case 'ExternalName': {
      const cname = (spec.externalName ?? '').replace(/\.$/, '');
      if (cname) for (const m of isDNS1123Subdomain(cname)) errs.push(FieldError.invalid('spec.externalName', cname, m));
      else errs.push(FieldError.required('spec.externalName'));
      break;
    }
  }
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, `spec.ports[${i}]`)));
  if (spec.selector) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  if (!spec.sessionAffinity) errs.push(FieldError.required('spec.sessionAffinity'));
  else if (!SESSION_AFFINITY_TYPES.includes(spec.sessionAffinity)) {
    errs.push(FieldError.notSupported('spec.sessionAffinity', spec.sessionAffinity, SESSION_AFFINITY_TYPES));
  }
  if (spec.sessionAffinity === 'ClientIP') {
    const t = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
    if (t !== undefined && t !== null && (t <= 0 || t > 86400)) {
      errs.push(FieldError.invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', t, 'must be greater than 0 and less than 86400'));
    }
  } else if (spec.sessionAffinity === 'None' && spec.sessionAffinityConfig) {
    errs.push(FieldError.forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }
  errs.push(...validateClusterIPs(svc));
  asArray<string>(spec.externalIPs).forEach((ip, i) => {
    if (!isIP(ip)) errs.push(FieldError.invalid(`spec.externalIPs[${i}]`, ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  });
  if (!spec.type) errs.push(FieldError.required('spec.type'));
  else if (!SERVICE_TYPES.includes(spec.type)) errs.push(FieldError.notSupported('spec.type', spec.type, SERVICE_TYPES));
  if (spec.type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (p.nodePort) errs.push(FieldError.forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    if (!p.nodePort) return;
    const key = `${p.protocol}/${p.nodePort}`;
    if (nodePorts.has(key)) errs.push(FieldError.duplicate(`spec.ports[${i}].nodePort`, p.nodePort));
    nodePorts.add(key);
  });
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const key = `${p.protocol}/${p.port}`;
    if (seen.has(key)) errs.push(goDuplicate(`spec.ports[${i}]`, { protocol: p.protocol, port: p.port }, goServicePortKey(p.protocol ?? '', p.port)));
    seen.add(key);
  });
  if (!externallyAccessible(svc)) {
    if (spec.externalTrafficPolicy) errs.push(FieldError.invalid('spec.externalTrafficPolicy', spec.externalTrafficPolicy, 'may only be set for externally-accessible services'));
  } else if (!spec.externalTrafficPolicy) errs.push(FieldError.required('spec.externalTrafficPolicy'));
  else if (!TRAFFIC_POLICIES.includes(spec.externalTrafficPolicy)) {
    errs.push(FieldError.notSupported('spec.externalTrafficPolicy', spec.externalTrafficPolicy, TRAFFIC_POLICIES));
  }
  if (!spec.internalTrafficPolicy) {
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer' || spec.type === 'ClusterIP') {
      errs.push(FieldError.required('spec.internalTrafficPolicy', 'must be specified'));
    }
  } else if (!TRAFFIC_POLICIES.includes(spec.internalTrafficPolicy)) {
    errs.push(FieldError.notSupported('spec.internalTrafficPolicy', spec.internalTrafficPolicy, TRAFFIC_POLICIES));
  }
  return errs;
}

/**
 * ValidateServiceUpdate. The primary cluster IP can't change (upstream:
 * `spec.clusterIPs[0]: Invalid value: []string{"10.0.0.9"}: may not change once set`); the api-server should
 * first copy the old clusterIP(s) into an update that leaves them empty, as upstream's REST storage does.
 */
export function validateServiceUpdate(n: Service, o: Service): FieldError[] {
  const errs = validateObjectMetaUpdate(n.metadata, o.metadata);
  if (n.spec?.type !== 'ExternalName' && o.spec?.type !== 'ExternalName') {
    const nips = asArray<string>(n.spec?.clusterIPs).length ? asArray<string>(n.spec?.clusterIPs) : n.spec?.clusterIP ? [n.spec.clusterIP] : [];
    const oips = asArray<string>(o.spec?.clusterIPs).length ? asArray<string>(o.spec?.clusterIPs) : o.spec?.clusterIP ? [o.spec.clusterIP] : [];
    if (oips.length > 0 && nips.length > 0 && nips[0] !== oips[0]) {
      errs.push(goInvalid('spec.clusterIPs[0]', nips, goStringSlice(nips), 'may not change once set'));
    }
  }
  errs.push(...validateService(n).filter((e) => !e.field.startsWith('metadata.')));
  return errs;
}

