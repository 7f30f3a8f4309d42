/**
 * Kubelet-side admission, run once before a pod first starts here.
 *
 * 1. Host access is refused (reliability-security.md §2d, defence in depth behind Pod Security admission): these
 *    fields would map onto Docker's HostConfig (Binds, Privileged, NetworkMode=host, …) and give a pod root on the
 *    machine running the emulator.
 * 2. Resources, as upstream's predicate admission: the pod must fit the node's allocatable pods/cpu/memory next to
 *    the pods already admitted (pods bound by setting spec.nodeName skip the scheduler).
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '../../api/quantity.js';

export interface Rejection {
  reason: string;
  message: string;
}

/** Capabilities the baseline Pod Security level allows to add. */
const BASELINE_CAPS = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start',
]);

function allContainers(pod: Pod): { c: Container; path: string }[] {
  const spec = pod.spec;
  return [
    ...(spec?.initContainers ?? []).map((c, i) => ({ c, path: `spec.initContainers[${i}]` })),
    ...(spec?.containers ?? []).map((c, i) => ({ c, path: `spec.containers[${i}]` })),
    ...(spec?.ephemeralContainers ?? []).map((c, i) => ({ c: c, path: `spec.ephemeralContainers[${i}]` })),
  ];
}

/** Every host-access field the pod sets; empty when it may run. */
export function hostAccessViolations(pod: Pod): string[] {
  const spec = pod.spec;
  const out: string[] = [];
  if (spec?.hostNetwork) out.push('spec.hostNetwork=true');
  if (spec?.hostPID) out.push('spec.hostPID=true');
  if (spec?.hostIPC) out.push('spec.hostIPC=true');
  (spec?.volumes ?? []).forEach((v, i) => {
    if (v.hostPath) out.push(`spec.volumes[${i}].hostPath (${v.hostPath.path})`);
  });
  for (const s of spec?.securityContext?.sysctls ?? []) {
    if (!SAFE_SYSCTLS.has(s.name)) out.push(`spec.securityContext.sysctls: ${s.name}`);
  }
  if (spec?.securityContext?.seccompProfile?.type === 'Unconfined') out.push('spec.securityContext.seccompProfile.type=Unconfined');
  for (const { c, path } of allContainers(pod)) {
    const sc = c.securityContext;
    if (sc?.privileged) out.push(`${path}.securityContext.privileged=true`);
    const bad = (sc?.capabilities?.add ?? []).filter((cap) => !BASELINE_CAPS.has(cap.replace(/^CAP_/, '')));
    if (bad.length) out.push(`${path}.securityContext.capabilities.add=${JSON.stringify(bad)}`);
    if (sc?.procMount && sc.procMount !== 'Default') out.push(`${path}.securityContext.procMount=${sc.procMount}`);
    if (sc?.seccompProfile?.type === 'Unconfined') out.push(`${path}.securityContext.seccompProfile.type=Unconfined`);
    (c.ports ?? []).forEach((p, j) => {
      if (p.hostPort) out.push(`${path}.ports[${j}].hostPort=${p.hostPort}`);
    });
  }
  return out;
}

export interface NodeCapacity {
  pods: number;
  /** millicores */
  cpuMilli: bigint;
  memoryBytes: bigint;
}

/** Effective requests of a pod: max(max(init), sum(containers)), as the scheduler computes them. */
export function podRequests(pod: Pod): { cpuMilli: bigint; memoryBytes: bigint } {
  const req = (c: Container, name: string): bigint => {
    const v = c.resources?.requests?.[name] ?? c.resources?.limits?.[name];
    if (v === undefined) return 0n;
    const q = parseQuantity(String(v));
    return name === 'cpu' ? q.milliValue() : q.value();
  };
  let cpu = 0n;
  let mem = 0n;
  for (const c of pod.spec?.containers ?? []) {
    cpu += req(c, 'cpu');
    mem += req(c, 'memory');
  }
  for (const c of pod.spec?.initContainers ?? []) {
    const ic = req(c, 'cpu');
    const im = req(c, 'memory');
    if (ic > cpu) cpu = ic;
    if (im > mem) mem = im;
  }
  return { cpuMilli: cpu, memoryBytes: mem };
}

/** undefined when the pod may run; else why it is rejected (upstream reasons and wording). */
export function admitPod(pod: Pod, others: readonly Pod[], node: NodeCapacity): Rejection | undefined {
  const violations = hostAccessViolations(pod);
  if (violations.length > 0) {
    return { reason: 'Forbidden', message: `kubemu's kubelet does not run pods with host access: ${violations.join(', ')}` };
  }
  if (others.length + 1 > node.pods) {
    return { reason: 'OutOfpods', message: `Node didn't have enough resource: pods, requested: 1, used: ${others.length}, capacity: ${node.pods}` };
  }
  const want = podRequests(pod);
  let cpu = 0n;
  let mem = 0n;
  for (const o of others) {
    const r = podRequests(o);
    cpu += r.cpuMilli;
    mem += r.memoryBytes;
  }
  if (want.cpuMilli > 0n && cpu + want.cpuMilli > node.cpuMilli) {
    return { reason: 'OutOfcpu', message: `Node didn't have enough resource: cpu, requested: ${want.cpuMilli}, used: ${cpu}, capacity: ${node.cpuMilli}` };
  }
  if (want.memoryBytes > 0n && mem + want.memoryBytes > node.memoryBytes) {
    return { reason: 'OutOfmemory', message: `Node didn't have enough resource: memory, requested: ${want.memoryBytes}, used: ${mem}, capacity: ${node.memoryBytes}` };
  }
  return undefined;
}
