/**
 * Helpers for scheduler tests: Node manifests with capacity, labels and taints (no kubelet behind them), pod
 * manifests with requests, selectors, affinity, tolerations and host ports, polling for integration tests, and
 * PodInfo / NodeInfo / ClusterView fixtures for unit tests.
 */
import type { Affinity, Node, Pod, Taint, Toleration, TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import { Selector } from '../api/labels.js';
import { requireResource } from '../api/resources.js';
import type { RestClient } from '../client/rest.js';
import { NodeInfo } from './cache/node-info.js';
import { PodInfo } from './cache/pod-info.js';
import type { ClusterView } from './framework/types.js';

export const NODES = requireResource('', 'v1', 'nodes');
export const PODS = requireResource('', 'v1', 'pods');
export const EVENTS = requireResource('', 'v1', 'events');

export interface NodeSpecInput {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  /** extra allocatable resources, e.g. { 'example.com/gpu': '2' } */
  extended?: Record<string, string>;
  ready?: boolean;
}

export function nodeManifest(name: string, s: NodeSpecInput = {}): Node {
  const resources = { cpu: s.cpu ?? '4', memory: s.memory ?? '8Gi', pods: s.pods ?? '110', ...(s.extended ?? {}) };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...(s.labels ?? {}) } },
    spec: { taints: s.taints, unschedulable: s.unschedulable },
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [{ type: 'Ready', status: s.ready === false ? 'False' : 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
    },
  };
}

export interface PodSpecInput {
  namespace?: string;
  cpu?: string;
  memory?: string;
  labels?: Record<string, string>;
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  tolerations?: Toleration[];
  hostPort?: number;
  topologySpreadConstraints?: TopologySpreadConstraint[];
  schedulerName?: string;
  priority?: number;
  extended?: Record<string, string>;
}

export function podManifest(name: string, s: PodSpecInput = {}): Pod {
  const requests: Record<string, string> = { ...(s.extended ?? {}) };
  if (s.cpu) requests.cpu = s.cpu;
  if (s.memory) requests.memory = s.memory;
  const limits = s.extended ? { ...s.extended } : undefined;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: s.namespace ?? 'default', labels: s.labels ?? { app: name } },
    spec: {
      containers: [
        {
          name: 'c',
          image: 'busybox:latest',
          resources: Object.keys(requests).length > 0 ? { requests, limits } : undefined,
          ports: s.hostPort ? [{ containerPort: 80, hostPort: s.hostPort, protocol: 'TCP' }] : undefined,
        },
      ],
      nodeSelector: s.nodeSelector,
      affinity: s.affinity,
      tolerations: s.tolerations,
      topologySpreadConstraints: s.topologySpreadConstraints,
      schedulerName: s.schedulerName,
      priority: s.priority,
    },
  };
}

/** Polls `fn` every `intervalMs` until it returns a value, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 10_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e instanceof Error ? e.message : JSON.stringify(e);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last})` : ''}`);
}

/** The node a pod was bound to, once it is. */
export function waitBound(rest: RestClient, name: string, namespace = 'default', timeoutMs = 10_000): Promise<string> {
  return waitFor(`pod ${namespace}/${name} to be bound`, async () => (await rest.get<Pod>(PODS, namespace, name)).spec?.nodeName || undefined, timeoutMs);
}

/** Deletes every pod (at once, grace 0) and node, then waits until both lists are empty. */
export async function clearCluster(rest: RestClient, namespace = 'default'): Promise<void> {
  await rest.deleteCollection(PODS, namespace, { gracePeriodSeconds: 0 });
  await rest.deleteCollection(NODES, undefined, {});
  await waitFor('pods and nodes to be gone', async () => {
    const [p, n] = await Promise.all([rest.list(PODS, namespace), rest.list(NODES, undefined)]);
    return p.items.length === 0 && n.items.length === 0 ? true : undefined;
  });
}

/** A PodInfo for unit tests (uid defaults to the name). */
export function podInfoOf(name: string, s: PodSpecInput = {}, mutate?: (p: Pod) => void): PodInfo {
  const pod = podManifest(name, s);
  pod.metadata = { ...pod.metadata, uid: name };
  mutate?.(pod);
  return new PodInfo(pod);
}

/** A NodeInfo for unit tests, with `pods` placed on it. */
export function nodeInfoOf(name: string, s: NodeSpecInput = {}, pods: PodInfo[] = []): NodeInfo {
  const ni = new NodeInfo(name);
  ni.setNode(nodeManifest(name, s));
  for (const p of pods) ni.addPod(p);
  return ni;
}

/** A ClusterView over fixed NodeInfos (no namespaces, no workloads) for unit tests. */
export function fakeCluster(nodes: NodeInfo[], opts: { namespaceLabels?: Record<string, Record<string, string>>; defaultSelector?: (pod: Pod) => Selector } = {}): ClusterView {
  return {
    nodeInfos: () => nodes,
    nodeInfo: (name) => nodes.find((n) => n.name === name),
    nodesWithAffinityPods: () => nodes.filter((n) => n.podsWithAffinity.size > 0),
    namespaceLabels: (ns) => opts.namespaceLabels?.[ns],
    defaultSelector: opts.defaultSelector ?? (() => new Selector([])),
  };
}
