/**
 * What the Endpoints and EndpointSlice controllers share (endpointslice/util, pkg/api/v1/pod/util.go FindPort):
 * which pods back a Service, their address for the Service's IP family, and their port for each Service port.
 */
import type { Pod, Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { Lister } from '../../../client/lister.js';
import { objectKey } from '../../../client/types.js';
import { isPodReady } from './pods.js';
import { setSelector } from './selectors.js';

/** ShouldPodBeInEndpoints: not terminal, has an IP, and (unless included) not terminating. */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (!pod.status?.podIP && (pod.status?.podIPs ?? []).length === 0) return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  return true;
}

function isIPv6(ip: string): boolean {
  return ip.includes(':');
}

/** The Service's primary IP family (ipFamilies[0], IPv4 when unset). */
export function serviceFamily(svc: Service): 'IPv4' | 'IPv6' {
  return svc.spec?.ipFamilies?.[0] === 'IPv6' ? 'IPv6' : 'IPv4';
}

/** The pod's IP of the Service's family, if it has one. */
export function podAddress(pod: Pod, family: 'IPv4' | 'IPv6'): string | undefined {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip): ip is string => !!ip);
  if (ips.length === 0 && pod.status?.podIP) ips.push(pod.status.podIP);
  return ips.find((ip) => isIPv6(ip) === (family === 'IPv6'));
}

/** FindPort: the pod's port for a Service port; a named targetPort is looked up in the pod's containers. */
export function findPort(pod: Pod, sp: ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = sp.protocol ?? 'TCP';
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}

/** ShouldSetHostname: the pod names this Service as its subdomain and has a hostname. */
export function shouldSetHostname(pod: Pod, svc: Service): boolean {
  return !!pod.spec?.hostname && pod.spec.subdomain === svc.metadata?.name && pod.metadata?.namespace === svc.metadata?.namespace;
}

/** Keys of the Services (with a selector) whose selector matches the pod (GetPodServiceMemberships). */
export function podServiceKeys(services: Lister<Service>, pod: Pod): Set<string> {
  const keys = new Set<string>();
  for (const svc of services.listNamespace(pod.metadata?.namespace ?? '')) {
    const sel = svc.spec?.selector;
    if (!sel) continue;
    if (setSelector(sel).matches(pod.metadata?.labels ?? {})) keys.add(objectKey(svc));
  }
  return keys;
}

/** podEndpointsChanged: [the endpoint changed, the membership may have changed]. */
export function podEndpointsChanged(old: Pod, cur: Pod): [boolean, boolean] {
  const labelsChanged =
    JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(cur.metadata?.labels ?? {}) ||
    old.spec?.hostname !== cur.spec?.hostname ||
    old.spec?.subdomain !== cur.spec?.subdomain;
  if (old.metadata?.deletionTimestamp !== cur.metadata?.deletionTimestamp) return [true, labelsChanged];
  if (isPodReady(old) !== isPodReady(cur)) return [true, labelsChanged];
  if (old.status?.podIP !== cur.status?.podIP) return [true, labelsChanged];
  if (old.status?.phase !== cur.status?.phase) return [true, labelsChanged];
  if (old.spec?.nodeName !== cur.spec?.nodeName) return [true, labelsChanged];
  const oi = (old.status?.podIPs ?? []).map((p) => p.ip).join(',');
  const ci = (cur.status?.podIPs ?? []).map((p) => p.ip).join(',');
  return [oi !== ci, labelsChanged];
}

/** Registers the pod handlers both endpoint controllers use: enqueue the Services a pod (possibly) backs. */
export function podEventsToServices(services: Lister<Service>, enqueue: (key: string) => void): {
  onAdd(pod: Pod): void;
  onUpdate(old: Pod, cur: Pod): void;
  onDelete(pod: Pod): void;
} {
  const all = (pod: Pod): void => {
    for (const k of podServiceKeys(services, pod)) enqueue(k);
  };
  return {
    onAdd: all,
    onUpdate: (old, cur) => {
      if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
      const [changed, labelsChanged] = podEndpointsChanged(old, cur);
      if (!changed && !labelsChanged) return;
      const keys = podServiceKeys(services, cur);
      if (labelsChanged) for (const k of podServiceKeys(services, old)) keys.add(k);
      for (const k of keys) enqueue(k);
    },
    onDelete: all,
  };
}
