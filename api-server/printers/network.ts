/** Service, Endpoints and EndpointSlice rows, as upstream printService / printEndpoints / printEndpointSlice. */
import type { Endpoints, Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { DOC } from './descriptions.js';
import { ageSince } from './duration.js';
import { formatLabels, joinHostPort, listWithMore } from './format.js';
import { column, type Printer } from './types.js';

/** printers.go loadBalancerWidth: LoadBalancer addresses are clipped to this many bytes unless wide */
const LOAD_BALANCER_WIDTH = 16;

export const servicePrinter: Printer = {
  columns: [
    column('Name', 'string', DOC.name, { format: 'name' }),
    column('Type', 'string', DOC.svcType),
    column('Cluster-IP', 'string', DOC.svcClusterIP),
    column('External-IP', 'string', DOC.svcExternalIPs),
    column('Port(s)', 'string', DOC.svcPorts),
    column('Age', 'string', DOC.creationTimestamp),
    column('Selector', 'string', DOC.svcSelector, { priority: 1 }),
  ],
  print: (obj, now) => {
    const svc = obj as Service;
    const spec = svc.spec ?? {};
    return {
      cells: [
        svc.metadata?.name ?? '',
        spec.type ?? '',
        spec.clusterIPs?.[0] ?? '<none>',
        serviceExternalIP(svc, true),
        makePortString(spec.ports ?? []) || '<none>',
        ageSince(svc.metadata?.creationTimestamp, now),
        formatLabels(spec.selector),
      ],
    };
  },
};

/** printers.go loadBalancerStatusStringer: the ingress IPs (or hostnames), sorted and de-duplicated. */
function loadBalancerStatus(svc: Service, wide: boolean): string {
  const set = new Set<string>();
  for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
    if (ing.ip) set.add(ing.ip);
    else if (ing.hostname) set.add(ing.hostname);
  }
  const r = [...set].sort().join(',');
  return !wide && r.length > LOAD_BALANCER_WIDTH ? `${r.slice(0, LOAD_BALANCER_WIDTH - 3)}...` : r;
}

/** printers.go getServiceExternalIP */
export function serviceExternalIP(svc: Service, wide: boolean): string {
  const spec = svc.spec ?? {};
  const externalIPs = spec.externalIPs ?? [];
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerStatus(svc, wide);
      if (externalIPs.length > 0) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

/** printers.go makePortString: `80/TCP`, `80:30080/TCP` with a node port, comma separated. */
export function makePortString(ports: readonly ServicePort[]): string {
  return ports
    .map((p) => {
      const protocol = p.protocol ?? 'TCP';
      return p.nodePort && p.nodePort > 0 ? `${p.port}:${p.nodePort}/${protocol}` : `${p.port}/${protocol}`;
    })
    .join(',');
}

export const endpointsPrinter: Printer = {
  columns: [
    column('Name', 'string', DOC.name, { format: 'name' }),
    column('Endpoints', 'string', DOC.epSubsets),
    column('Age', 'string', DOC.creationTimestamp),
  ],
  print: (obj, now) => {
    const ep = obj as Endpoints;
    return { cells: [ep.metadata?.name ?? '', formatEndpoints(ep), ageSince(ep.metadata?.creationTimestamp, now)] };
  },
};

/** printers.go formatEndpoints (all ports): up to three `ip:port`, then `+ N more...`; `<none>` without subsets. */
export function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    const ports = ss.ports ?? [];
    if (ports.length === 0) {
      // headless services may have no ports
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(a.ip);
      }
      continue;
    }
    for (const port of ports) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(joinHostPort(a.ip, port.port));
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

export const endpointSlicePrinter: Printer = {
  columns: [
    column('Name', 'string', DOC.name, { format: 'name' }),
    column('AddressType', 'string', DOC.addressType),
    column('Ports', 'string', DOC.esPorts),
    column('Endpoints', 'string', DOC.esEndpoints),
    column('Age', 'string', DOC.creationTimestamp),
  ],
  print: (obj, now) => {
    const es = obj as unknown as EndpointSlice;
    return {
      cells: [es.metadata?.name ?? '', es.addressType ?? '', formatSlicePorts(es), formatSliceEndpoints(es), ageSince(es.metadata?.creationTimestamp, now)],
    };
  },
};

/** printers.go formatDiscoveryPorts: port numbers (or names, or `*`), three at most. */
function formatSlicePorts(es: EndpointSlice): string {
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const p of es.ports ?? []) {
    if (list.length < max) list.push(p.port !== undefined && p.port !== null ? String(p.port) : p.name != null ? p.name : '*');
    else if (list.length === max) more = true;
    count++;
  }
  return listWithMore(list, more, count, max);
}

/** printers.go formatDiscoveryEndpoints: addresses of all endpoints, three at most. */
function formatSliceEndpoints(es: EndpointSlice): string {
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ep of es.endpoints ?? []) {
    for (const address of ep.addresses ?? []) {
      if (list.length < max) list.push(address);
      else if (list.length === max) more = true;
      count++;
    }
  }
  return listWithMore(list, more, count, max);
}
