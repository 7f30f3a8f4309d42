/**
 * The endpoints a Service should have, grouped by port set (endpointslice/reconciler.go, utils.go podToEndpoint,
 * getEndpointPorts). Terminating pods are included, with conditions ready / serving / terminating.
 */
import type { Endpoint, EndpointPort } from 'kubernetes-types/discovery/v1.js';
import type { Node, Pod, Service } from 'kubernetes-types/core/v1.js';
import type { DeepMutable } from '../../../api/object.js';
import { canonicalJson } from '../deployment/hash.js';
import { findPort, podAddress, serviceFamily, shouldPodBeInEndpoints, shouldSetHostname } from '../util/endpoints.js';
import { isPodReady } from '../util/pods.js';

export const ZONE_LABEL = 'topology.kubernetes.io/zone';

export interface PortSet {
  key: string;
  ports: EndpointPort[];
  endpoints: Endpoint[];
}

export interface Desired {
  addressType: 'IPv4' | 'IPv6';
  byPorts: Map<string, PortSet>;
  /** Pods skipped because their node is not known (the Service is retried). */
  missingNodes: string[];
}

/** getEndpointPorts: every Service port the pod resolves (name always set, possibly ''). */
export function endpointPorts(svc: Service, pod: Pod): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const ep: DeepMutable<EndpointPort> = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
    out.push(ep);
  }
  return out;
}

/** podToEndpoint */
export function podToEndpoint(pod: Pod, node: Node | undefined, svc: Service, ip: string): Endpoint {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata?.deletionTimestamp;
  const ready = svc.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const ep: DeepMutable<Endpoint> = {
    addresses: [ip],
    conditions: { ready, serving, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid },
  };
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  const zone = node?.metadata?.labels?.[ZONE_LABEL];
  if (zone) ep.zone = zone;
  if (shouldSetHostname(pod, svc)) ep.hostname = pod.spec?.hostname;
  return ep;
}

export function portsKey(ports: readonly EndpointPort[]): string {
  return canonicalJson([...ports].map((p) => canonicalJson(p)).sort());
}

export function desiredEndpoints(svc: Service, pods: readonly Pod[], nodeOf: (name: string) => Node | undefined): Desired {
  const addressType = serviceFamily(svc);
  const byPorts = new Map<string, PortSet>();
  const missingNodes: string[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ports = endpointPorts(svc, pod);
    const key = portsKey(ports);
    let set = byPorts.get(key);
    if (!set) byPorts.set(key, (set = { key, ports, endpoints: [] }));
    const nodeName = pod.spec?.nodeName ?? '';
    const node = nodeName ? nodeOf(nodeName) : undefined;
    if (!node && svc.spec?.publishNotReadyAddresses !== true) {
      // upstream skips pods whose node it does not know (and retries), unless not-ready addresses are published
      missingNodes.push(nodeName);
      continue;
    }
    const ip = podAddress(pod, addressType);
    if (ip) set.endpoints.push(podToEndpoint(pod, node, svc, ip));
  }
  for (const set of byPorts.values()) {
    set.endpoints.sort((a, b) => {
      const x = `${a.targetRef?.name ?? ''}/${a.addresses[0]}`;
      const y = `${b.targetRef?.name ?? ''}/${b.addresses[0]}`;
      return x < y ? -1 : x > y ? 1 : 0;
    });
  }
  return { addressType, byPorts, missingNodes };
}
