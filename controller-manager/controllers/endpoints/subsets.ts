/**
 * Building Endpoints subsets (endpoints_controller.go syncService + endpoints.RepackSubsets): one address per pod
 * and Service port, ready or not ready, then repacked so pods offering the same set of ports share a subset.
 */
import type { EndpointAddress, EndpointPort, EndpointSubset, Pod, Service } from 'kubernetes-types/core/v1.js';
import type { DeepMutable } from '../../../api/object.js';
import { findPort, podAddress, serviceFamily, shouldPodBeInEndpoints, shouldSetHostname } from '../util/endpoints.js';
import { isPodReady } from '../util/pods.js';

interface Entry {
  address: EndpointAddress;
  ready: boolean;
  ports: EndpointPort[];
}

function addressOf(pod: Pod, svc: Service, ip: string): EndpointAddress {
  const a: DeepMutable<EndpointAddress> = {
    ip,
    targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid },
  };
  if (pod.spec?.nodeName) a.nodeName = pod.spec.nodeName;
  if (shouldSetHostname(pod, svc)) a.hostname = pod.spec?.hostname;
  return a;
}

function portKey(p: EndpointPort): string {
  return `${p.name ?? ''}\u0000${p.port}\u0000${p.protocol ?? ''}\u0000${p.appProtocol ?? ''}`;
}

function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  const ua = a.targetRef?.uid ?? '';
  const ub = b.targetRef?.uid ?? '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

/** The subsets for a Service with a selector, from the pods it selects. */
export function buildSubsets(svc: Service, pods: readonly Pod[]): EndpointSubset[] {
  const tolerateUnready = svc.spec?.publishNotReadyAddresses === true;
  const family = serviceFamily(svc);
  const servicePorts = svc.spec?.ports ?? [];
  const headless = svc.spec?.clusterIP === 'None';
  const entries: Entry[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, tolerateUnready)) continue;
    const ip = podAddress(pod, family);
    if (!ip) continue;
    const address = addressOf(pod, svc, ip);
    const ready = tolerateUnready || isPodReady(pod);
    if (servicePorts.length === 0) {
      // a headless Service may have no ports
      if (headless) entries.push({ address, ready, ports: [] });
      continue;
    }
    const ports: EndpointPort[] = [];
    for (const sp of servicePorts) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      const ep: DeepMutable<EndpointPort> = { port, protocol: sp.protocol ?? 'TCP' };
      if (sp.name) ep.name = sp.name;
      if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
      ports.push(ep);
    }
    if (ports.length > 0) entries.push({ address, ready, ports });
  }
  return repack(entries);
}

/** Groups addresses by their exact port set; subsets, addresses and ports in a stable order. */
function repack(entries: readonly Entry[]): EndpointSubset[] {
  const groups = new Map<string, { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }>();
  for (const e of entries) {
    const ports = [...e.ports].sort((a, b) => (portKey(a) < portKey(b) ? -1 : portKey(a) > portKey(b) ? 1 : 0));
    const key = ports.map(portKey).join('\u0001');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, ready: [], notReady: [] }));
    (e.ready ? g.ready : g.notReady).push(e.address);
  }
  const subsets: DeepMutable<EndpointSubset>[] = [];
  for (const g of groups.values()) {
    const s: DeepMutable<EndpointSubset> = {};
    if (g.ready.length) s.addresses = g.ready.sort(compareAddresses);
    if (g.notReady.length) s.notReadyAddresses = g.notReady.sort(compareAddresses);
    if (g.ports.length) s.ports = g.ports;
    subsets.push(s);
  }
  const first = (s: EndpointSubset): string => (s.addresses ?? s.notReadyAddresses ?? [])[0]?.ip ?? '';
  subsets.sort((a, b) => (first(a) < first(b) ? -1 : first(a) > first(b) ? 1 : 0));
  return subsets;
}
