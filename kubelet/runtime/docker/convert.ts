/**
 * Pure conversions between Docker's shapes and the runtime's: inspect data → RuntimeContainer, and
 * ContainerConfig/SandboxConfig → Docker create options.
 */
import type Dockerode from 'dockerode';
import {
  LABEL_CLUSTER,
  LABEL_CONTAINER_HASH,
  LABEL_CONTAINER_KIND,
  LABEL_CONTAINER_NAME,
  LABEL_DOCKER_TYPE,
  LABEL_NODE,
  LABEL_POD_GRACE,
  LABEL_POD_NAME,
  LABEL_POD_NAMESPACE,
  LABEL_POD_UID,
  LABEL_RESTART_COUNT,
  LABEL_SANDBOX_ID,
  SANDBOX_CONTAINER_NAME,
  dockerContainerName,
  type ContainerKind,
  type PodRef,
} from '../labels.js';
import type { ContainerConfig, RuntimeContainer, RuntimeState, SandboxConfig } from '../types.js';

export interface Owner {
  cluster: string;
  node: string;
}

function parseTime(s: string | undefined): number | undefined {
  if (!s || s.startsWith('0001-01-01')) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

function stateOf(status: string | undefined): RuntimeState {
  switch (status) {
    case 'created':
      return 'created';
    case 'running':
    case 'paused':
    case 'restarting':
      return 'running';
    case 'exited':
    case 'dead':
    case 'removing':
      return 'exited';
    default:
      return 'unknown';
  }
}

function kindOf(labels: Record<string, string>): ContainerKind {
  const k = labels[LABEL_CONTAINER_KIND];
  if (k === 'sandbox' || k === 'init' || k === 'regular') return k;
  return labels[LABEL_DOCKER_TYPE] === 'podsandbox' ? 'sandbox' : 'regular';
}

function intLabel(labels: Record<string, string>, key: string): number | undefined {
  const v = labels[key];
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}

/** The pod identity of a labelled container, or undefined when it is not a pod container. */
export function podRefOf(labels: Record<string, string> | undefined): PodRef | undefined {
  if (!labels) return undefined;
  const uid = labels[LABEL_POD_UID];
  const name = labels[LABEL_POD_NAME];
  const namespace = labels[LABEL_POD_NAMESPACE];
  if (!uid || !name || !namespace) return undefined;
  return { uid, name, namespace };
}

/** Converts `docker inspect` output; undefined for containers without the pod labels. */
export function fromInspect(info: Dockerode.ContainerInspectInfo, network: string): RuntimeContainer | undefined {
  const labels = info.Config?.Labels ?? {};
  const pod = podRefOf(labels);
  if (!pod) return undefined;
  // a container Docker could not start stays "created" with an error: for the kubelet it has terminated
  const state = info.State?.Status === 'created' && info.State.Error ? 'exited' : stateOf(info.State?.Status);
  const startedAt = parseTime(info.State?.StartedAt);
  const c: RuntimeContainer = {
    id: info.Id,
    name: labels[LABEL_CONTAINER_NAME] ?? '',
    kind: kindOf(labels),
    pod,
    restartCount: intLabel(labels, LABEL_RESTART_COUNT) ?? 0,
    state,
    createdAt: parseTime(info.Created) ?? 0,
    image: info.Config?.Image ?? '',
    imageId: info.Image ?? '',
  };
  if (startedAt !== undefined) c.startedAt = startedAt;
  if (state === 'exited') {
    c.finishedAt = parseTime(info.State?.FinishedAt) ?? startedAt ?? c.createdAt;
    c.exitCode = info.State?.ExitCode || (info.State?.Error ? 128 : 0);
    if (info.State?.OOMKilled) c.oomKilled = true;
    if (info.State?.Error) c.startError = info.State.Error;
  }
  const ip = info.NetworkSettings?.Networks?.[network]?.IPAddress;
  if (ip) c.ip = ip;
  const hash = labels[LABEL_CONTAINER_HASH];
  if (hash) c.specHash = hash;
  const sandboxId = labels[LABEL_SANDBOX_ID];
  if (sandboxId) c.sandboxId = sandboxId;
  const grace = intLabel(labels, LABEL_POD_GRACE);
  if (grace !== undefined) c.gracePeriodSeconds = grace;
  return c;
}

function podLabels(owner: Owner, pod: PodRef, name: string, kind: ContainerKind, restartCount: number, grace: number): Record<string, string> {
  return {
    [LABEL_CLUSTER]: owner.cluster,
    [LABEL_NODE]: owner.node,
    [LABEL_POD_NAME]: pod.name,
    [LABEL_POD_NAMESPACE]: pod.namespace,
    [LABEL_POD_UID]: pod.uid,
    [LABEL_CONTAINER_NAME]: name,
    [LABEL_CONTAINER_KIND]: kind,
    [LABEL_DOCKER_TYPE]: kind === 'sandbox' ? 'podsandbox' : 'container',
    [LABEL_RESTART_COUNT]: String(restartCount),
    [LABEL_POD_GRACE]: String(grace),
  };
}

/** json-file keeps `kubectl logs` working; sizes as upstream's containerLogMaxSize (10Mi). */
const LOG_CONFIG = { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '2' } };

export function sandboxCreateOptions(owner: Owner, cfg: SandboxConfig, image: string, network: string): Dockerode.ContainerCreateOptions {
  return {
    name: dockerContainerName(cfg.pod, SANDBOX_CONTAINER_NAME, cfg.attempt),
    Image: image,
    Hostname: cfg.hostname,
    Labels: podLabels(owner, cfg.pod, SANDBOX_CONTAINER_NAME, 'sandbox', cfg.attempt, cfg.gracePeriodSeconds),
    HostConfig: {
      NetworkMode: network,
      IpcMode: 'shareable',
      RestartPolicy: { Name: 'no' },
      LogConfig: LOG_CONFIG,
      // The defence-in-depth part of reliability-security.md §2d: never privileged, no host namespaces.
      Privileged: false,
      ReadonlyRootfs: true,
    },
    NetworkingConfig: { EndpointsConfig: { [network]: {} } },
  };
}

export function containerCreateOptions(owner: Owner, cfg: ContainerConfig): Dockerode.ContainerCreateOptions {
  const labels = podLabels(owner, cfg.pod, cfg.name, cfg.kind, cfg.restartCount, cfg.gracePeriodSeconds);
  labels[LABEL_CONTAINER_HASH] = cfg.specHash;
  labels[LABEL_SANDBOX_ID] = cfg.sandboxId;
  const opts: Dockerode.ContainerCreateOptions = {
    name: dockerContainerName(cfg.pod, cfg.name, cfg.restartCount),
    Image: cfg.image,
    Env: cfg.env,
    Labels: labels,
    Tty: cfg.tty,
    OpenStdin: cfg.stdin,
    StdinOnce: cfg.stdinOnce,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    HostConfig: {
      NetworkMode: `container:${cfg.sandboxId}`,
      IpcMode: `container:${cfg.sandboxId}`,
      Mounts: cfg.mounts.map((m) => ({ Type: m.type, Source: m.source, Target: m.target, ReadOnly: m.readOnly })),
      RestartPolicy: { Name: 'no' },
      LogConfig: LOG_CONFIG,
      ReadonlyRootfs: cfg.readOnlyRootfs,
      Privileged: false,
      CapAdd: cfg.capAdd,
      CapDrop: cfg.capDrop,
    },
  };
  const hc = opts.HostConfig as Dockerode.HostConfig;
  if (cfg.shareProcessNamespace) hc.PidMode = `container:${cfg.sandboxId}`;
  if (cfg.nanoCpus > 0) hc.NanoCpus = cfg.nanoCpus;
  if (cfg.cpuShares > 0) hc.CpuShares = cfg.cpuShares;
  if (cfg.memoryBytes > 0) {
    hc.Memory = cfg.memoryBytes;
    hc.MemorySwap = cfg.memoryBytes;
  }
  if (cfg.entrypoint) opts.Entrypoint = cfg.entrypoint;
  if (cfg.cmd) opts.Cmd = cfg.cmd;
  if (cfg.workingDir) opts.WorkingDir = cfg.workingDir;
  if (cfg.user) opts.User = cfg.user;
  return opts;
}
