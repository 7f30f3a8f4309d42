/** The kubelet's Node object and its status (pure), shaped as upstream's kubelet_node_status / nodestatus setters. */
import os from 'node:os';
import type { Node, NodeCondition, NodeStatus } from 'kubernetes-types/core/v1.js';
import { formatTime } from '../../client/events.js';
import { stableJson } from '../pods/stable-json.js';

export const KUBELET_VERSION = 'v1.32.0-kubemu';

export interface NodeFacts {
  name: string;
  /** InternalIP. */
  address: string;
  /** The kubelet's streaming server port (daemonEndpoints.kubeletEndpoint.Port). */
  port: number;
  cpu: string;
  memory: string;
  pods: number;
  /** `docker://<version>`, or undefined while the runtime is unreachable. */
  runtimeVersion: string | undefined;
  /** Why the node is not ready (runtime down), or undefined when it is. */
  notReadyMessage: string | undefined;
  machineID: string;
  bootID: string;
}

export function goArch(arch = process.arch): string {
  return arch === 'x64' ? 'amd64' : arch === 'ia32' ? '386' : arch;
}

/** The Node to register: labels, annotations, and an initial status. */
export function initialNode(f: NodeFacts, now: number): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: f.name,
      labels: {
        'beta.kubernetes.io/arch': goArch(),
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': goArch(),
        'kubernetes.io/hostname': f.name,
        'kubernetes.io/os': 'linux',
      },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: {},
    status: nodeStatus(f, undefined, now),
  };
}

function cond(type: string, ok: boolean, reason: string, message: string): NodeCondition {
  return { type, status: ok ? 'True' : 'False', reason, message };
}

/**
 * The status to report. Heartbeat times are `now`; a condition keeps its lastTransitionTime while its status is
 * unchanged. Use {@link sameStatus} to decide whether anything but heartbeats changed.
 */
export function nodeStatus(f: NodeFacts, old: NodeStatus | undefined, now: number): NodeStatus {
  const t = formatTime(now);
  const ready = f.notReadyMessage === undefined;
  const conditions = [
    cond('MemoryPressure', false, 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    cond('DiskPressure', false, 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    cond('PIDPressure', false, 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    ready ? cond('Ready', true, 'KubeletReady', 'kubelet is posting ready status') : cond('Ready', false, 'KubeletNotReady', f.notReadyMessage ?? ''),
  ].map((c) => {
    const prev = old?.conditions?.find((o) => o.type === c.type);
    return { ...c, lastHeartbeatTime: t, lastTransitionTime: prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : t };
  });
  const resources = { cpu: f.cpu, memory: f.memory, pods: String(f.pods), 'ephemeral-storage': '100Gi', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0' };
  return {
    ...(old ?? {}),
    capacity: resources,
    allocatable: { ...resources },
    conditions,
    addresses: [
      { type: 'InternalIP', address: f.address },
      { type: 'Hostname', address: f.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: f.port } },
    nodeInfo: {
      machineID: f.machineID,
      systemUUID: f.machineID,
      bootID: f.bootID,
      kernelVersion: os.release(),
      osImage: 'kubemu (Docker)',
      containerRuntimeVersion: f.runtimeVersion ?? old?.nodeInfo?.containerRuntimeVersion ?? 'docker://unknown',
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: KUBELET_VERSION,
      operatingSystem: 'linux',
      architecture: goArch(),
    },
  };
}

/** Equal apart from heartbeat times: nothing to report but the periodic status. */
export function sameStatus(a: NodeStatus | undefined, b: NodeStatus | undefined): boolean {
  const strip = (s: NodeStatus | undefined): string =>
    stableJson({ ...s, conditions: (s?.conditions ?? []).map((c) => ({ ...c, lastHeartbeatTime: undefined })) });
  return strip(a) === strip(b);
}
