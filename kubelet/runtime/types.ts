/**
 * What the kubelet needs from a container runtime (a small CRI): sandboxes and containers identified by labels,
 * images, exec/attach/logs streams and an event stream. `runtime/docker/` implements it with dockerode.
 */
import type { Duplex, Readable } from 'node:stream';
import type { ContainerKind, PodRef } from './labels.js';

export type RuntimeState = 'created' | 'running' | 'exited' | 'unknown';

/** One container instance (sandbox or workload) as the runtime reports it; times are epoch milliseconds. */
export interface RuntimeContainer {
  id: string;
  /** The Kubernetes container name; `POD` for sandboxes. */
  name: string;
  kind: ContainerKind;
  pod: PodRef;
  /** Instance number: restartCount for containers, attempt for sandboxes. */
  restartCount: number;
  state: RuntimeState;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
  oomKilled?: boolean;
  /** Why the runtime could not start it (then exitCode is 128 and it never ran). */
  startError?: string;
  /** The image as the pod spec named it. */
  image: string;
  /** The runtime's image id, e.g. `sha256:…`. */
  imageId: string;
  /** Sandboxes: the pod IP on the pod network. */
  ip?: string;
  specHash?: string;
  /** Sandbox id a container belongs to. */
  sandboxId?: string;
  /** The pod's terminationGracePeriodSeconds when it was created (to kill orphans without their spec). */
  gracePeriodSeconds?: number;
}

export interface ImageInfo {
  id: string;
  size: number;
}

export interface Mount {
  /** A host path (bind) or a runtime volume name. */
  source: string;
  type: 'bind' | 'volume';
  target: string;
  readOnly: boolean;
}

export interface SandboxConfig {
  pod: PodRef;
  attempt: number;
  hostname: string;
  gracePeriodSeconds: number;
  /** Share the PID namespace among the pod's containers (spec.shareProcessNamespace). */
  shareProcessNamespace: boolean;
}

export interface ContainerConfig {
  pod: PodRef;
  name: string;
  kind: Exclude<ContainerKind, 'sandbox'>;
  restartCount: number;
  sandboxId: string;
  image: string;
  /** Replaces the image's entrypoint when set (Kubernetes `command`). */
  entrypoint?: string[];
  /** Replaces the image's cmd when set (Kubernetes `args`). */
  cmd?: string[];
  env: string[];
  workingDir?: string;
  user?: string;
  mounts: Mount[];
  /** nano-CPUs limit (0 = none). */
  nanoCpus: number;
  /** CPU shares from the request (0 = runtime default). */
  cpuShares: number;
  /** Memory limit in bytes (0 = none). */
  memoryBytes: number;
  readOnlyRootfs: boolean;
  capAdd: string[];
  capDrop: string[];
  tty: boolean;
  stdin: boolean;
  stdinOnce: boolean;
  specHash: string;
  gracePeriodSeconds: number;
  shareProcessNamespace: boolean;
}

export interface ExecOptions {
  cmd: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** An interactive exec or attach session. */
export interface StreamSession {
  /** Write stdin here; `end()` closes the process's stdin. Undefined without stdin. */
  stdin?: NodeJS.WritableStream;
  stdout: Readable;
  /** Undefined with a TTY (everything arrives on stdout). */
  stderr?: Readable;
  resize(width: number, height: number): Promise<void>;
  /** Resolves when the streams ended: the exit code (exec), or undefined when unknown (attach). */
  done: Promise<number | undefined>;
  /** Tears the session down. */
  close(): void;
}

export interface LogOptions {
  follow: boolean;
  timestamps: boolean;
  tailLines?: number;
  /** Epoch seconds. */
  since?: number;
}

export type RuntimeEventType = 'create' | 'start' | 'die' | 'oom' | 'destroy';

export interface RuntimeEvent {
  type: RuntimeEventType;
  containerId: string;
  podUid?: string;
}

export interface ExecResult {
  exitCode: number;
  output: string;
  timedOut: boolean;
}

export interface ContainerRuntime {
  /** `docker://<engine version>` for nodeInfo.containerRuntimeVersion. */
  version(signal?: AbortSignal): Promise<string>;
  /** Rejects when the runtime is unreachable. */
  ping(signal?: AbortSignal): Promise<void>;
  ensureNetwork(): Promise<void>;
  /** Every sandbox and container of this node (all states). */
  listContainers(): Promise<RuntimeContainer[]>;
  podContainers(podUid: string): Promise<RuntimeContainer[]>;
  imageStatus(image: string): Promise<ImageInfo | undefined>;
  /** Pulls (bounded in time); rejects with a message fit for ErrImagePull. */
  pullImage(image: string): Promise<ImageInfo>;
  /** Creates and starts the sandbox; returns its id. */
  runSandbox(cfg: SandboxConfig): Promise<string>;
  createContainer(cfg: ContainerConfig): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** Sends the stop signal, waits up to `graceSeconds`, then kills. Missing containers are fine. */
  stopContainer(id: string, graceSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  ensureVolume(podUid: string, name: string, medium: 'disk' | 'memory'): Promise<string>;
  /** Removes the pod's runtime volumes. */
  removePodVolumes(podUid: string): Promise<void>;
  /** Pod uids that have runtime volumes on this node (orphan detection). */
  podVolumeUids(): Promise<string[]>;
  /** Runs a command to completion (probes, exec hooks) within `timeoutMs`. */
  execSync(containerId: string, cmd: string[], timeoutMs: number): Promise<ExecResult>;
  exec(containerId: string, opts: ExecOptions): Promise<StreamSession>;
  attach(containerId: string, opts: Omit<ExecOptions, 'cmd'>): Promise<StreamSession>;
  /** stdout and stderr merged in order (as the kubelet serves logs). */
  logs(containerId: string, opts: LogOptions, signal: AbortSignal): Promise<Readable>;
  /** Container events of this node until `signal` aborts; throws when the stream breaks. */
  events(signal: AbortSignal): AsyncIterable<RuntimeEvent>;
  /** A duplex TCP stream to `port` inside the pod's network namespace. */
  dialPod(podIp: string, port: number): Promise<Duplex>;
}
