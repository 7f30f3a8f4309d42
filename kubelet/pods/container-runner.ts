/**
 * Starting and killing one container, as upstream kuberuntime's startContainer / killContainer: image, env,
 * mounts, create, start (with Created/Started/Failed events and waiting reasons), and preStop hook, stop signal,
 * grace period, kill (Killing events).
 */
import type { Container, LifecycleHandler, Pod } from 'kubernetes-types/core/v1.js';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import { httpProbe, resolvePort } from '../probes/prober.js';
import type { ContainerRuntime, RuntimeContainer } from '../runtime/types.js';
import type { PreparedVolume, VolumeManager } from '../volumes/volume-manager.js';
import { buildContainerConfig } from './container-config.js';
import { ContainerConfigError, resolveEnv, type EnvContext, type ObjectSource } from './env.js';
import type { PodEtcFiles } from './etc-files.js';
import type { PodEvents } from './events.js';
import type { ImageManager } from './images.js';
import type { ReasonCache } from './reason-cache.js';

/** upstream minimumGracePeriodInSeconds: containers always get this long after the stop signal. */
export const MIN_GRACE_SECONDS = 2;

export interface StartOutcome {
  started: boolean;
  /** Retry no sooner than this (image pull back-off). */
  retryAfterMs?: number;
}

export interface RunnerDeps {
  runtime: ContainerRuntime;
  images: ImageManager;
  volumes: VolumeManager;
  /** The managed /etc/hosts and /etc/resolv.conf. */
  etcFiles: PodEtcFiles;
  events: PodEvents;
  source: ObjectSource;
  reasons: ReasonCache;
  clock: Clock;
  log: Logger;
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class ContainerRunner {
  constructor(private readonly d: RunnerDeps) {}

  async start(
    pod: Pod,
    c: Container,
    kind: 'init' | 'regular',
    restartCount: number,
    sandbox: RuntimeContainer,
    volumes: ReadonlyMap<string, PreparedVolume>,
    envCtx: EnvContext,
  ): Promise<StartOutcome> {
    const uid = pod.metadata?.uid ?? '';
    const fail = (reason: string, message: string, eventMessage = `Error: ${reason === 'CreateContainerConfigError' ? message : reason}`): StartOutcome => {
      this.d.reasons.set(uid, c.name, { reason, message });
      this.d.events.warning(pod, 'Failed', eventMessage);
      return { started: false };
    };
    const image = await this.d.images.ensure(pod, c);
    if (!image.ok) {
      this.d.reasons.set(uid, c.name, { reason: image.reason, message: image.message });
      this.d.events.warning(pod, 'Failed', `Error: ${image.reason}`);
      return { started: false, retryAfterMs: image.retryAfterMs };
    }
    let id: string;
    try {
      const env = await resolveEnv(c, envCtx, this.d.source);
      const mounts = this.d.volumes.mountsFor(c, volumes);
      mounts.push(...(await this.d.etcFiles.mountsFor(pod, c, sandbox.ip ? [sandbox.ip] : [])));
      const cfg = buildContainerConfig({ pod, container: c, kind, restartCount, sandboxId: sandbox.id, env, mounts });
      id = await this.d.runtime.createContainer(cfg);
    } catch (e) {
      if (e instanceof ContainerConfigError) return fail('CreateContainerConfigError', e.message);
      return fail('CreateContainerError', errText(e), `Error: ${errText(e)}`);
    }
    this.d.events.normal(pod, 'Created', `Created container: ${c.name}`);
    try {
      await this.d.runtime.startContainer(id);
    } catch (e) {
      return fail('RunContainerError', errText(e), `Error: ${errText(e)}`);
    }
    this.d.events.normal(pod, 'Started', `Started container ${c.name}`);
    this.d.reasons.clear(uid, c.name);
    return { started: true };
  }

  /**
   * Kills one container: Killing event, preStop hook (its time counts against the grace period), then the stop
   * signal and, after the rest of the grace period (at least 2 s), SIGKILL.
   */
  async kill(pod: Pod | undefined, inst: RuntimeContainer, graceSeconds: number, message?: string, podIP?: string): Promise<void> {
    const spec = pod ? [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((x) => x.name === inst.name) : undefined;
    if (pod && inst.kind !== 'sandbox') this.d.events.normal(pod, 'Killing', message ?? `Stopping container ${inst.name}`);
    let grace = graceSeconds;
    const preStop = spec?.lifecycle?.preStop;
    if (preStop && pod && grace > 0 && inst.state === 'running') {
      const t0 = this.d.clock.now();
      await this.runPreStop(pod, spec, inst, preStop, grace, podIP);
      grace -= Math.floor((this.d.clock.now() - t0) / 1000);
    }
    await this.d.runtime.stopContainer(inst.id, Math.max(grace, MIN_GRACE_SECONDS));
  }

  private async runPreStop(pod: Pod, c: Container, inst: RuntimeContainer, h: LifecycleHandler, graceSeconds: number, podIP: string | undefined): Promise<void> {
    const timeoutMs = graceSeconds * 1000;
    let problem: string | undefined;
    try {
      if (h.exec) {
        const r = await this.d.runtime.execSync(inst.id, h.exec.command ?? [], timeoutMs);
        if (r.timedOut || r.exitCode !== 0) problem = r.timedOut ? 'timed out' : `exited with ${r.exitCode}: ${r.output}`;
      } else if (h.httpGet) {
        const port = resolvePort(h.httpGet.port, c);
        const host = h.httpGet.host || podIP;
        if (port === undefined || !host) problem = 'cannot resolve the hook address';
        else {
          const p = h.httpGet.path ?? '/';
          const url = new URL(`${(h.httpGet.scheme ?? 'HTTP').toLowerCase()}://${host}:${port}${p.startsWith('/') ? p : `/${p}`}`);
          const r = await httpProbe(url, Object.fromEntries((h.httpGet.httpHeaders ?? []).map((x) => [x.name, x.value])), timeoutMs);
          if (r.result !== 'success') problem = r.output;
        }
      } else if (h.sleep) {
        await this.d.clock.sleep(Math.min(h.sleep.seconds, graceSeconds) * 1000);
      }
    } catch (e) {
      problem = errText(e);
    }
    if (problem !== undefined) {
      this.d.log.info({ pod: pod.metadata?.name, container: c.name, problem }, 'preStop hook failed');
      this.d.events.warning(pod, 'FailedPreStopHook', 'PreStopHook failed');
    }
  }
}
