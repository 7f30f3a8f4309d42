import type { Service, ServicePort } from 'kubernetes-types/core/v1.js';
import { ApiError, FieldError } from '../../../api/errors.js';
import type { DeepMutable, StoredObject } from '../../../api/object.js';
import { requireResource } from '../../../api/resources.js';
import { defaultService } from '../../../api/defaults/index.js';
import { validateService, validateServiceUpdate } from '../../../api/validation/service.js';
import { baseStrategy, type AdmissionContext, type Strategy } from '../strategy.js';
import { RangeAllocator, clusterIPStaticBand, ipv4Range, nodePortStaticBand } from './allocator.js';
import { nameIsDNS1035Label } from '../../../api/validation/names.js';

const asSvc = (o: StoredObject) => o as unknown as DeepMutable<Service>;
const services = requireResource('', 'v1', 'services');

/**
 * An update that leaves clusterIP or a nodePort empty keeps what was allocated (upstream's
 * patchAllocatedValues), so `kubectl apply` of a manifest without them does not try to change them.
 */
function keepAllocations(svc: DeepMutable<Service>, old: Service): void {
  const spec = svc.spec;
  const oldSpec = old.spec;
  if (!spec || !oldSpec) return;
  if (!spec.clusterIP && oldSpec.clusterIP) {
    spec.clusterIP = oldSpec.clusterIP;
    if (!spec.clusterIPs?.length) spec.clusterIPs = oldSpec.clusterIPs ? [...oldSpec.clusterIPs] : undefined;
  }
  const needsNodePorts = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  if (!needsNodePorts) return;
  for (const p of spec.ports ?? []) {
    if (p.nodePort) continue;
    const prev = (oldSpec.ports ?? []).find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
    if (prev?.nodePort) p.nodePort = prev.nodePort;
  }
}

/**
 * A type change (e.g. LoadBalancer → ClusterIP) drops the fields the new type may not carry when the
 * client left them as they were (upstream's dropTypeDependentFields), so `kubectl patch -p
 * '{"spec":{"type":"ClusterIP"}}'` works without also clearing nodePorts.
 */
function dropTypeDependentFields(svc: DeepMutable<Service>, old: Service): void {
  const spec = svc.spec;
  const oldSpec = old.spec;
  if (!spec || !oldSpec || spec.type === oldSpec.type) return;
  const external = (t: string | undefined) => t === 'NodePort' || t === 'LoadBalancer';
  if (!external(spec.type) && external(oldSpec.type)) {
    const oldPorts = new Map((oldSpec.ports ?? []).map((p) => [p.port, p.nodePort]));
    for (const p of spec.ports ?? []) if (p.nodePort && oldPorts.get(p.port) === p.nodePort) delete p.nodePort;
    if (spec.externalTrafficPolicy === oldSpec.externalTrafficPolicy) delete spec.externalTrafficPolicy;
    if (spec.healthCheckNodePort === oldSpec.healthCheckNodePort) delete spec.healthCheckNodePort;
  }
  if (spec.type !== 'LoadBalancer' && oldSpec.type === 'LoadBalancer') {
    if (spec.allocateLoadBalancerNodePorts === oldSpec.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
    if (spec.loadBalancerClass === oldSpec.loadBalancerClass) delete spec.loadBalancerClass;
  }
}

export interface ServiceNetworkConfig {
  serviceCIDR: string; // 10.96.0.0/12
  nodePortMin: number; // 30000
  nodePortMax: number; // 32767
}

export const DEFAULT_SERVICE_NETWORK: ServiceNetworkConfig = { serviceCIDR: '10.96.0.0/12', nodePortMin: 30000, nodePortMax: 32767 };

/** The Service strategy owns ClusterIP and NodePort allocation (upstream's service REST + allocators). */
export function serviceStrategy(cfg: ServiceNetworkConfig = DEFAULT_SERVICE_NETWORK): Strategy {
  const range = ipv4Range(cfg.serviceCIDR);
  const ips = new RangeAllocator<string>(range.size, range.at, clusterIPStaticBand(range.size));
  const portCount = cfg.nodePortMax - cfg.nodePortMin + 1;
  const ports = new RangeAllocator<number>(portCount, (i) => cfg.nodePortMin + i, nodePortStaticBand(portCount));

  function inUse(ctx: AdmissionContext, self: StoredObject): { ips: Set<string>; ports: Set<number> } {
    const used = { ips: new Set<string>(), ports: new Set<number>() };
    for (const o of ctx.cacheOf(services)?.snapshot() ?? []) {
      if (o.metadata.uid === self.metadata.uid) continue;
      const s = asSvc(o);
      for (const ip of s.spec?.clusterIPs ?? (s.spec?.clusterIP ? [s.spec.clusterIP] : [])) used.ips.add(ip);
      for (const p of s.spec?.ports ?? []) if (p.nodePort) used.ports.add(p.nodePort);
    }
    return used;
  }

  function admit(obj: StoredObject, old: StoredObject | undefined, ctx: AdmissionContext): void {
    const svc = asSvc(obj);
    const spec = svc.spec!;
    const used = inUse(ctx, obj);
    const errs: FieldError[] = [];
    const oldSpec = old ? asSvc(old).spec : undefined;
    // ClusterIP: allocated once, immutable afterwards (validation rejects changes)
    if (spec.type !== 'ExternalName' && spec.clusterIP !== 'None') {
      if (oldSpec?.clusterIP && oldSpec.clusterIP !== 'None' && (!spec.clusterIP || spec.clusterIP === oldSpec.clusterIP)) {
        spec.clusterIP = oldSpec.clusterIP;
      } else if (!spec.clusterIP) {
        const ip = ips.allocate(used.ips);
        if (!ip) throw ApiError.internal('failed to allocate a serviceIP: range is full');
        spec.clusterIP = ip;
      } else if (!oldSpec?.clusterIP) {
        if (!range.contains(spec.clusterIP)) {
          errs.push(FieldError.invalid('spec.clusterIPs', [spec.clusterIP], `failed to allocate IP ${spec.clusterIP}: the provided IP (${spec.clusterIP}) is not in the valid range. The range of valid IPs is ${cfg.serviceCIDR}`));
        } else if (!ips.claim(spec.clusterIP, used.ips)) {
          errs.push(FieldError.invalid('spec.clusterIPs', [spec.clusterIP], `failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`));
        }
      }
      spec.clusterIPs = [spec.clusterIP];
    } else if (spec.clusterIP === 'None') {
      spec.clusterIPs = ['None'];
    }
    // NodePorts for NodePort and LoadBalancer services
    const needsNodePorts = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
    const oldPorts = new Map<number, number>();
    for (const p of oldSpec?.ports ?? []) if (p.nodePort) oldPorts.set(p.nodePort, p.port);
    const seen = new Set<number>();
    (spec.ports ?? []).forEach((p: ServicePort, i) => {
      if (!needsNodePorts) {
        delete p.nodePort;
        return;
      }
      if (p.nodePort) {
        if (oldPorts.has(p.nodePort) || seen.has(p.nodePort)) {
          seen.add(p.nodePort);
          return;
        }
        if (p.nodePort < cfg.nodePortMin || p.nodePort > cfg.nodePortMax) {
          errs.push(FieldError.invalid(`spec.ports[${i}].nodePort`, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${cfg.nodePortMin}-${cfg.nodePortMax}`));
        } else if (!ports.claim(p.nodePort, used.ports)) {
          errs.push(FieldError.invalid(`spec.ports[${i}].nodePort`, p.nodePort, 'provided port is already allocated'));
        }
        seen.add(p.nodePort);
        return;
      }
      const reuse = [...oldPorts.entries()].find(([np, port]) => port === p.port && !seen.has(np));
      const np = reuse ? reuse[0] : ports.allocate(used.ports);
      if (np === undefined) throw ApiError.internal('failed to allocate a nodePort: range is full');
      p.nodePort = np;
      seen.add(np);
    });
    if (errs.length) {
      release(obj);
      throw ApiError.invalid('Service', '', obj.metadata.name ?? '', errs);
    }
  }

  function release(obj: StoredObject): void {
    const spec = asSvc(obj).spec;
    if (spec?.clusterIP && spec.clusterIP !== 'None') ips.release(spec.clusterIP);
    for (const p of spec?.ports ?? []) if (p.nodePort) ports.release(p.nodePort);
  }

  return baseStrategy(services, {
    defaults: (obj) => defaultService(asSvc(obj)),
    nameValidator: nameIsDNS1035Label,
    prepareForCreate: (obj) => {
      obj.status = { loadBalancer: {} };
    },
    prepareForUpdate: (obj, old) => {
      obj.status = old.status;
      keepAllocations(asSvc(obj), asSvc(old));
      dropTypeDependentFields(asSvc(obj), asSvc(old));
    },
    validate: (obj) => validateService(asSvc(obj)),
    validateUpdate: (obj, old) => validateServiceUpdate(asSvc(obj), asSvc(old)),
    admit,
    release,
    returnDeletedObject: true,
  });
}
