/** Turns a pod's container spec into the runtime's ContainerConfig (pure). */
import { createHash } from 'node:crypto';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '../../api/quantity.js';
import type { PodRef } from '../runtime/labels.js';
import type { ContainerConfig, Mount } from '../runtime/types.js';
import { expand, toDockerEnv } from './env.js';
import { stableJson } from './stable-json.js';

/** Upstream's HashContainer: any change outside `resources` restarts the container. Stable key order. */
export function containerHash(c: Container): string {
  const { resources: _resources, ...rest } = c;
  return createHash('sha256').update(stableJson(rest)).digest('hex').slice(0, 8);
}

/** upstream MilliCPUToShares: 2 when there is no request, else milli × 1024 / 1000 (at least 2). */
export function milliCpuToShares(milli: bigint): number {
  if (milli === 0n) return 2;
  const shares = Number((milli * 1024n) / 1000n);
  return Math.max(2, shares);
}

export function podRef(pod: Pod): PodRef {
  return { name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? 'default', uid: pod.metadata?.uid ?? '' };
}

export function gracePeriodOf(pod: Pod): number {
  return pod.spec?.terminationGracePeriodSeconds ?? 30;
}

export interface BuildInput {
  pod: Pod;
  container: Container;
  kind: 'init' | 'regular';
  restartCount: number;
  sandboxId: string;
  env: Map<string, string>;
  mounts: Mount[];
}

export function buildContainerConfig(input: BuildInput): ContainerConfig {
  const { pod, container: c, env } = input;
  const lookup = (n: string): string | undefined => env.get(n);
  const sc = c.securityContext;
  const psc = pod.spec?.securityContext;
  const uid = sc?.runAsUser ?? psc?.runAsUser;
  const gid = sc?.runAsGroup ?? psc?.runAsGroup;
  const limits = c.resources?.limits ?? {};
  const requests = c.resources?.requests ?? {};
  const cpuLimit = limits.cpu !== undefined ? parseQuantity(String(limits.cpu)).milliValue() : 0n;
  const cpuRequest = requests.cpu ?? limits.cpu;
  const memLimit = limits.memory !== undefined ? parseQuantity(String(limits.memory)).value() : 0n;
  const cfg: ContainerConfig = {
    pod: podRef(pod),
    name: c.name,
    kind: input.kind,
    restartCount: input.restartCount,
    sandboxId: input.sandboxId,
    image: c.image ?? '',
    env: toDockerEnv(env),
    mounts: input.mounts,
    nanoCpus: Number(cpuLimit * 1_000_000n),
    cpuShares: milliCpuToShares(cpuRequest !== undefined ? parseQuantity(String(cpuRequest)).milliValue() : 0n),
    memoryBytes: Number(memLimit),
    readOnlyRootfs: Boolean(sc?.readOnlyRootFilesystem),
    capAdd: sc?.capabilities?.add ?? [],
    capDrop: sc?.capabilities?.drop ?? [],
    tty: Boolean(c.tty),
    stdin: Boolean(c.stdin),
    stdinOnce: Boolean(c.stdinOnce),
    specHash: containerHash(c),
    gracePeriodSeconds: gracePeriodOf(pod),
    shareProcessNamespace: Boolean(pod.spec?.shareProcessNamespace),
  };
  if (c.command) cfg.entrypoint = c.command.map((s) => expand(s, lookup));
  if (c.args) cfg.cmd = c.args.map((s) => expand(s, lookup));
  if (c.workingDir) cfg.workingDir = c.workingDir;
  if (uid !== undefined) cfg.user = gid !== undefined ? `${uid}:${gid}` : String(uid);
  return cfg;
}
