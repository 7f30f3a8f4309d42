/**
 * The ContainerRuntime on a Docker Engine via dockerode. Every call is bounded in time (an AbortSignal per call),
 * so an unreachable or wedged daemon turns into errors, never hangs. Only this node's objects are touched: lists
 * and events are filtered by the cluster and node labels.
 */
import net from 'node:net';
import { Readable, type Duplex } from 'node:stream';
import Dockerode from 'dockerode';
import type { Logger } from '../../../common/logger.js';
import { LABEL_CLUSTER, LABEL_NODE, LABEL_POD_UID, LABEL_VOLUME_NAME, dockerVolumeName } from '../labels.js';
import type {
  ContainerConfig,
  ContainerRuntime,
  ExecOptions,
  ExecResult,
  ImageInfo,
  LogOptions,
  RuntimeContainer,
  RuntimeEvent,
  SandboxConfig,
  StreamSession,
} from '../types.js';
import { containerCreateOptions, fromInspect, sandboxCreateOptions, type Owner } from './convert.js';
import { demux, demuxMerged, passThrough, FrameDecoder } from './demux.js';
import { parseEvents } from './events.js';
import { isLoopbackRegistry, registryOf } from './image-ref.js';

export interface DockerRuntimeOptions {
  docker: Dockerode;
  cluster: string;
  node: string;
  network: string;
  pauseImage: string;
  log: Logger;
  /** Bound of ordinary API calls (default 30 s). */
  callTimeoutMs?: number;
  /** Bound of an image pull (default 20 s). */
  pullTimeoutMs?: number;
}

/** The HTTP status of a dockerode error, if it has one. */
export function dockerStatus(e: unknown): number | undefined {
  const code = (e as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

function errMessage(e: unknown): string {
  const json = (e as { json?: { message?: unknown } } | null)?.json;
  if (json && typeof json.message === 'string') return json.message;
  return e instanceof Error ? e.message : String(e);
}

type WithSignal = { abortSignal?: AbortSignal };

/** The dockerode calls whose typings lack the options argument (abortSignal) that dockerode accepts. */
interface SignalCalls {
  version(o: WithSignal): Promise<{ Version?: string }>;
  ping(o: WithSignal): Promise<unknown>;
}
interface ImageCalls {
  inspect(o: WithSignal): Promise<Dockerode.ImageInspectInfo>;
}
interface LogCalls {
  logs(o: { follow: boolean; stdout: boolean; stderr: boolean; timestamps: boolean; tail: string; since: number } & WithSignal): Promise<Buffer | Readable>;
}

interface CachedInspect {
  listState: string;
  container: RuntimeContainer;
}

export class DockerRuntime implements ContainerRuntime {
  private readonly docker: Dockerode;
  private readonly owner: Owner;
  private readonly callTimeoutMs: number;
  private readonly pullTimeoutMs: number;
  private readonly log: Logger;
  /** Inspect results of exited containers (they never change) by id. */
  private readonly inspectCache = new Map<string, CachedInspect>();

  constructor(private readonly opts: DockerRuntimeOptions) {
    this.docker = opts.docker;
    this.owner = { cluster: opts.cluster, node: opts.node };
    this.callTimeoutMs = opts.callTimeoutMs ?? 30_000;
    this.pullTimeoutMs = opts.pullTimeoutMs ?? 20_000;
    this.log = opts.log.child({ part: 'docker' });
  }

  private signal(ms = this.callTimeoutMs): AbortSignal {
    return AbortSignal.timeout(ms);
  }

  async version(signal?: AbortSignal): Promise<string> {
    const v = await (this.docker as unknown as SignalCalls).version({ abortSignal: signal ?? this.signal(5000) });
    return `docker://${v.Version ?? 'unknown'}`;
  }

  async ping(signal?: AbortSignal): Promise<void> {
    await (this.docker as unknown as SignalCalls).ping({ abortSignal: signal ?? this.signal(5000) });
  }

  /**
   * Finds or creates the pod network. Kubelets starting together can race past Docker's duplicate check and
   * create several networks of the same name; then every kubelet keeps the oldest and removes the others (before
   * any sandbox uses them), so they all agree.
   */
  async ensureNetwork(): Promise<void> {
    const name = this.opts.network;
    let nets = await this.networksNamed(name);
    if (nets.length === 0) {
      try {
        await this.docker.createNetwork({
          Name: name,
          Driver: 'bridge',
          CheckDuplicate: true,
          Labels: { [LABEL_CLUSTER]: this.owner.cluster },
          abortSignal: this.signal(),
        });
        this.log.info({ network: name }, 'created the pod network');
      } catch (e) {
        // another kubelet of the cluster created it first
        if (dockerStatus(e) !== 409) throw e;
      }
      nets = await this.networksNamed(name);
    }
    const [keep, ...duplicates] = nets.sort((a, b) => a.Created.localeCompare(b.Created) || a.Id.localeCompare(b.Id));
    for (const dup of duplicates) {
      this.log.info({ network: name, id: dup.Id.slice(0, 12) }, 'removing a duplicate pod network');
      try {
        await this.docker.getNetwork(dup.Id).remove({ abortSignal: this.signal() });
      } catch (e) {
        const status = dockerStatus(e);
        if (status !== 404 && status !== 403 && status !== 409) throw e;
      }
    }
    if (!keep) throw new Error(`the pod network ${name} could not be created`);
  }

  private async networksNamed(name: string): Promise<Dockerode.NetworkInspectInfo[]> {
    const nets = await this.docker.listNetworks({ filters: { name: [name] }, abortSignal: this.signal() });
    return nets.filter((n) => n.Name === name);
  }


  private filters(extra: string[] = []): { label: string[] } {
    return { label: [`${LABEL_CLUSTER}=${this.owner.cluster}`, `${LABEL_NODE}=${this.owner.node}`, ...extra] };
  }

  async listContainers(): Promise<RuntimeContainer[]> {
    const out = await this.list(this.filters());
    const live = new Set(out.map((c) => c.id));
    for (const id of this.inspectCache.keys()) if (!live.has(id)) this.inspectCache.delete(id);
    return out;
  }

  podContainers(podUid: string): Promise<RuntimeContainer[]> {
    return this.list(this.filters([`${LABEL_POD_UID}=${podUid}`]));
  }

  private async list(filters: { label: string[] }): Promise<RuntimeContainer[]> {
    const infos = await this.docker.listContainers({ all: true, filters, abortSignal: this.signal() });
    const out: RuntimeContainer[] = [];
    await Promise.all(
      infos.map(async (info) => {
        const cached = this.inspectCache.get(info.Id);
        if (cached && cached.listState === info.State) {
          out.push(cached.container);
          return;
        }
        try {
          const full = await this.docker.getContainer(info.Id).inspect({ abortSignal: this.signal() });
          const c = fromInspect(full, this.opts.network);
          if (!c) return;
          // only exited containers never change; Docker's list view can lag behind a container's exit (the
          // die event comes first), so live containers are always inspected
          if (c.state === 'exited' && full.State.Status === info.State) this.inspectCache.set(info.Id, { listState: info.State, container: c });
          out.push(c);
        } catch (e) {
          if (dockerStatus(e) !== 404) throw e; // removed meanwhile
        }
      }),
    );
    return out.sort((a, b) => a.createdAt - b.createdAt || a.restartCount - b.restartCount);
  }

  async imageStatus(image: string): Promise<ImageInfo | undefined> {
    try {
      const info = await (this.docker.getImage(image) as unknown as ImageCalls).inspect({ abortSignal: this.signal() });
      return { id: info.Id, size: info.Size };
    } catch (e) {
      if (dockerStatus(e) === 404) return undefined;
      throw e;
    }
  }

  async pullImage(image: string): Promise<ImageInfo> {
    const registry = registryOf(image);
    if (!isLoopbackRegistry(registry)) {
      throw new Error(
        `rpc error: code = Unavailable desc = pulling from ${registry} is disabled: kubemu runs offline and only contacts registries on 127.0.0.0/8 (build or load the image locally)`,
      );
    }
    const signal = this.signal(this.pullTimeoutMs);
    try {
      const stream = (await this.docker.pull(image, { abortSignal: signal })) as Readable;
      await new Promise<void>((resolve, reject) => {
        this.docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve()));
        signal.addEventListener('abort', () => stream.destroy(new Error(`timed out after ${this.pullTimeoutMs}ms`)), { once: true });
      });
    } catch (e) {
      throw new Error(`rpc error: code = Unknown desc = ${signal.aborted ? `pull timed out after ${this.pullTimeoutMs}ms` : errMessage(e)}`, { cause: e });
    }
    const info = await this.imageStatus(image);
    if (!info) throw new Error(`rpc error: code = NotFound desc = image ${image} not found after pulling it`);
    return info;
  }

  async runSandbox(cfg: SandboxConfig): Promise<string> {
    if (!(await this.imageStatus(this.opts.pauseImage))) {
      throw new Error(`the pause image ${this.opts.pauseImage} is missing: build it with images/pause/build.sh`);
    }
    const opts = sandboxCreateOptions(this.owner, cfg, this.opts.pauseImage, this.opts.network);
    let id: string;
    try {
      id = await this.create(opts, cfg.pod.uid);
    } catch (e) {
      // the pod network was removed under us: make it again, once
      if (dockerStatus((e as { cause?: unknown }).cause) !== 404) throw e;
      await this.ensureNetwork();
      id = await this.create(opts, cfg.pod.uid);
    }
    try {
      await this.startContainer(id);
    } catch (e) {
      // a sandbox that cannot start is useless: do not leave it behind
      await this.removeContainer(id);
      throw e;
    }
    return id;
  }

  createContainer(cfg: ContainerConfig): Promise<string> {
    return this.create(containerCreateOptions(this.owner, cfg), cfg.pod.uid);
  }

  /** Creates a container; a leftover of ours with the same name (an interrupted earlier attempt) is replaced. */
  private async create(opts: Dockerode.ContainerCreateOptions, podUid: string): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      try {
        const c = await this.docker.createContainer({ ...opts, abortSignal: this.signal() });
        return c.id;
      } catch (e) {
        if (dockerStatus(e) !== 409 || attempt > 0 || !opts.name) throw new Error(errMessage(e), { cause: e });
        const stale = await this.docker.getContainer(opts.name).inspect({ abortSignal: this.signal() });
        if (stale.Config.Labels?.[LABEL_POD_UID] !== podUid || stale.Config.Labels?.[LABEL_CLUSTER] !== this.owner.cluster) {
          throw new Error(errMessage(e), { cause: e });
        }
        this.log.info({ name: opts.name }, 'replacing a leftover container with the same name');
        await this.removeContainer(stale.Id);
      }
    }
  }

  async startContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).start({ abortSignal: this.signal() });
    } catch (e) {
      if (dockerStatus(e) === 304) return; // already started
      throw new Error(errMessage(e), { cause: e });
    }
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    const t = Math.max(0, Math.ceil(graceSeconds));
    try {
      await this.docker.getContainer(id).stop({ t, abortSignal: this.signal(t * 1000 + this.callTimeoutMs) } as Dockerode.ContainerStopOptions);
    } catch (e) {
      const status = dockerStatus(e);
      if (status === 304 || status === 404) return;
      throw e;
    }
  }

  async removeContainer(id: string): Promise<void> {
    this.inspectCache.delete(id);
    try {
      await this.docker.getContainer(id).remove({ force: true, v: false, abortSignal: this.signal() });
    } catch (e) {
      const status = dockerStatus(e);
      // 404: already gone; 409: removal already in progress
      if (status === 404 || status === 409) return;
      throw e;
    }
  }

  async ensureVolume(podUid: string, name: string, medium: 'disk' | 'memory'): Promise<string> {
    const volName = dockerVolumeName(podUid, name);
    await this.docker.createVolume({
      Name: volName,
      Driver: 'local',
      DriverOpts: medium === 'memory' ? { type: 'tmpfs', device: 'tmpfs' } : {},
      Labels: {
        [LABEL_CLUSTER]: this.owner.cluster,
        [LABEL_NODE]: this.owner.node,
        [LABEL_POD_UID]: podUid,
        [LABEL_VOLUME_NAME]: name,
      },
      abortSignal: this.signal(),
    } as Dockerode.VolumeCreateOptions);
    return volName;
  }

  async removePodVolumes(podUid: string): Promise<void> {
    const res = await this.docker.listVolumes({ filters: this.filters([`${LABEL_POD_UID}=${podUid}`]), abortSignal: this.signal() });
    for (const v of res.Volumes ?? []) {
      try {
        await this.docker.getVolume(v.Name).remove({ abortSignal: this.signal() });
      } catch (e) {
        if (dockerStatus(e) !== 404) throw e;
      }
    }
  }

  async podVolumeUids(): Promise<string[]> {
    const res = await this.docker.listVolumes({ filters: this.filters(), abortSignal: this.signal() });
    return [...new Set((res.Volumes ?? []).map((v) => v.Labels?.[LABEL_POD_UID]).filter((u): u is string => Boolean(u)))];
  }

  async execSync(containerId: string, cmd: string[], timeoutMs: number): Promise<ExecResult> {
    const exec = await this.docker.getContainer(containerId).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, abortSignal: this.signal() });
    const stream = (await exec.start({ hijack: true, stdin: false, abortSignal: this.signal() }));
    const chunks: Buffer[] = [];
    let size = 0;
    const decoder = new FrameDecoder();
    const timedOut = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        stream.destroy();
        resolve(true);
      }, timeoutMs);
      stream.on('data', (chunk: Buffer) =>
        decoder.push(chunk, (_s, p) => {
          if (size < 64 * 1024) chunks.push(p);
          size += p.length;
        }),
      );
      const end = (): void => {
        clearTimeout(timer);
        resolve(false);
      };
      stream.once('end', end);
      stream.once('close', end);
      stream.once('error', end);
    });
    const output = Buffer.concat(chunks).toString('utf8');
    if (timedOut) return { exitCode: -1, output, timedOut };
    return { exitCode: await this.execExitCode(exec), output, timedOut: false };
  }

  /** The exit code once the exec process has stopped (Docker marks it shortly after the stream ends). */
  private async execExitCode(exec: Dockerode.Exec): Promise<number> {
    for (let i = 0; i < 50; i++) {
      const info = await exec.inspect({ abortSignal: this.signal() });
      if (!info.Running) return info.ExitCode ?? -1;
      await new Promise((r) => setTimeout(r, 20));
    }
    return -1;
  }

  async exec(containerId: string, o: ExecOptions): Promise<StreamSession> {
    const exec = await this.docker.getContainer(containerId).exec({
      Cmd: o.cmd,
      AttachStdin: o.stdin,
      AttachStdout: o.stdout,
      AttachStderr: o.stderr,
      Tty: o.tty,
      abortSignal: this.signal(),
    });
    const stream = (await exec.start({ hijack: true, stdin: o.stdin, Tty: o.tty, abortSignal: this.signal() }));
    return this.session(stream, o.tty, o.stdin, (w, h) => exec.resize({ w, h }), async () => this.execExitCode(exec));
  }

  async attach(containerId: string, o: Omit<ExecOptions, 'cmd'>): Promise<StreamSession> {
    const container = this.docker.getContainer(containerId);
    const info = await container.inspect({ abortSignal: this.signal() });
    const tty = info.Config.Tty;
    const stream = (await container.attach({ stream: true, stdin: o.stdin, stdout: o.stdout, stderr: o.stderr, hijack: true, abortSignal: this.signal() })) as Duplex;
    return this.session(stream, tty, o.stdin, (w, h) => container.resize({ w, h }), async () => undefined);
  }

  private session(
    stream: Duplex,
    tty: boolean,
    stdin: boolean,
    resize: (w: number, h: number) => Promise<unknown>,
    exitCode: () => Promise<number | undefined>,
  ): StreamSession {
    const outputs = tty ? { stdout: passThrough(stream), stderr: undefined } : demux(stream);
    const ended = new Promise<void>((resolve) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', () => resolve());
    });
    return {
      stdin: stdin ? stream : undefined,
      stdout: outputs.stdout,
      stderr: outputs.stderr,
      resize: async (w, h) => {
        await resize(w, h);
      },
      done: ended.then(exitCode),
      close: () => stream.destroy(),
    };
  }

  async logs(containerId: string, o: LogOptions, signal: AbortSignal): Promise<Readable> {
    const container = this.docker.getContainer(containerId);
    const info = await container.inspect({ abortSignal: this.signal() });
    const params = {
      stdout: true,
      stderr: true,
      timestamps: o.timestamps,
      tail: o.tailLines !== undefined ? String(o.tailLines) : 'all',
      since: o.since ?? 0,
      abortSignal: signal,
    };
    const res = await (container as unknown as LogCalls).logs({ ...params, follow: o.follow });
    const raw = Buffer.isBuffer(res) ? Readable.from([res]) : res;
    return info.Config.Tty ? passThrough(raw) : demuxMerged(raw);
  }

  async *events(signal: AbortSignal): AsyncIterable<RuntimeEvent> {
    const stream = (await this.docker.getEvents({
      filters: { type: ['container'], event: ['create', 'start', 'die', 'oom', 'destroy'], label: this.filters().label },
      abortSignal: signal,
    })) as Readable;
    try {
      for await (const ev of parseEvents(stream)) {
        if (ev.type === 'destroy') this.inspectCache.delete(ev.containerId);
        yield ev;
      }
    } finally {
      stream.destroy();
    }
    if (!signal.aborted) throw new Error('the Docker event stream ended');
  }

  dialPod(podIp: string, port: number): Promise<Duplex> {
    return new Promise<Duplex>((resolve, reject) => {
      const socket = net.connect({ host: podIp, port });
      const timer = setTimeout(() => socket.destroy(new Error(`dial tcp ${podIp}:${port}: i/o timeout`)), 5000);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeListener('error', onError);
        resolve(socket);
      });
      const onError = (e: NodeJS.ErrnoException): void => {
        clearTimeout(timer);
        reject(new Error(e.code === 'ECONNREFUSED' ? `dial tcp ${podIp}:${port}: connect: connection refused` : e.message));
      };
      socket.once('error', onError);
    });
  }
}
