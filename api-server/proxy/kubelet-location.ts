/**
 * Where a pod's streaming subresource (log, exec, attach, portforward) is served: the kubelet of the pod's node,
 * found from the Node's status.addresses (InternalIP first) and daemonEndpoints.kubeletEndpoint.Port, as
 * upstream's pod strategy LogLocation/ExecLocation/PortForwardLocation (same validation and error texts).
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { ApiError } from '../../api/errors.js';
import type { GenericStore } from '../registry/store.js';

export const STREAMING_SUBRESOURCES: ReadonlySet<string> = new Set(['log', 'exec', 'attach', 'portforward']);

export function isStreamingSubresource(sub: string | undefined): boolean {
  return sub !== undefined && STREAMING_SUBRESOURCES.has(sub);
}

export interface KubeletLocation {
  host: string;
  port: number;
  /** Path and query on the kubelet. */
  path: string;
}

export interface ProxyStores {
  pods: GenericStore;
  nodes: GenericStore;
}

/** The kubelet's default port when a Node does not report one. */
const DEFAULT_KUBELET_PORT = 10250;

function containerFor(pod: Pod, name: string, query: URLSearchParams): string {
  const spec = pod.spec;
  const wanted = query.get('container');
  if (!wanted) {
    const containers = spec?.containers ?? [];
    if (containers.length === 1) return containers[0].name;
    const names = containers.map((c) => c.name).join(' ');
    const inits = (spec?.initContainers ?? []).map((c) => c.name).join(' ');
    throw ApiError.badRequest(
      `a container name must be specified for pod ${name}, choose one of: [${names}]${inits ? ` or one of the init containers: [${inits}]` : ''}`,
    );
  }
  const all = [...(spec?.containers ?? []), ...(spec?.initContainers ?? []), ...(spec?.ephemeralContainers ?? [])];
  if (!all.some((c) => c.name === wanted)) throw ApiError.badRequest(`container ${wanted} is not valid for pod ${name}`);
  return wanted;
}

function kubeletAddress(node: Node): { host: string; port: number } {
  const addrs = node.status?.addresses ?? [];
  const host = (addrs.find((a) => a.type === 'InternalIP') ?? addrs.find((a) => a.type === 'Hostname') ?? addrs[0])?.address;
  if (!host) throw ApiError.internal(`node ${node.metadata?.name ?? ''} reports no address`);
  return { host, port: node.status?.daemonEndpoints?.kubeletEndpoint?.Port || DEFAULT_KUBELET_PORT };
}

export async function kubeletLocation(stores: ProxyStores, ns: string, name: string, sub: string, query: URLSearchParams): Promise<KubeletLocation> {
  const pod = (await stores.pods.get(ns, name)) as unknown as Pod;
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw ApiError.badRequest(`pod ${name} does not have a host assigned`);
  const node = (await stores.nodes.get(undefined, nodeName)) as unknown as Node;
  const { host, port } = kubeletAddress(node);
  const seg = (s: string): string => encodeURIComponent(s);
  const q = new URLSearchParams(query);
  let path: string;
  if (sub === 'portforward') {
    path = `/portForward/${seg(ns)}/${seg(name)}`;
  } else {
    const container = containerFor(pod, name, query);
    q.delete('container');
    path = `/${sub === 'log' ? 'containerLogs' : sub}/${seg(ns)}/${seg(name)}/${seg(container)}`;
  }
  const qs = q.toString();
  return { host, port, path: qs ? `${path}?${qs}` : path };
}
