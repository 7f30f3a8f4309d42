/**
 * One sync of one pod (by uid) — level-triggered: it reads the pod from the informer cache and the pod's
 * containers from the runtime, converges, and reports status. Upstream's syncPod / syncTerminatingPod /
 * computePodActions condensed:
 *
 * - pod gone (or not bound here)  → kill and remove every container and volume of the uid;
 * - pod being deleted             → graceful kill, final status, then delete the API object (grace 0, uid precondition);
 * - pod terminal (Succeeded/Failed) → make sure nothing runs, keep the containers for `kubectl logs`;
 * - otherwise                     → admission (once), sandbox, init containers in order, containers with restart
 *                                   policy, CrashLoopBackOff and probe-driven restarts; then status.
 */
import type { Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { ApiError } from '../../api/errors.js';
import type { RestClient } from '../../client/rest.js';
import type { Clock } from '../../common/clock.js';
import { formatDuration } from '../../common/config.js';
import type { Logger } from '../../common/logger.js';
import type { ProbeManager } from '../probes/manager.js';
import { SANDBOX_CONTAINER_NAME } from '../runtime/labels.js';
import type { ContainerRuntime, RuntimeContainer } from '../runtime/types.js';
import { VolumeSetupError, type PreparedVolume, type VolumeManager } from '../volumes/volume-manager.js';
import { admitPod, type NodeCapacity } from './admission.js';
import type { Backoff } from './backoff.js';
import { containerHash, gracePeriodOf, podRef } from './container-config.js';
import { MIN_GRACE_SECONDS, type ContainerRunner } from './container-runner.js';
import type { EnvContext } from './env.js';
import { podHostnameAndDomain } from './dns.js';
import type { PodEvents } from './events.js';
import { containerKey, formatPod, instancesOf, runningSandbox, sandboxesOf, shouldRestart } from './instances.js';
import type { ReasonCache } from './reason-cache.js';
import { computePodStatus, isTerminalPhase, rejectedStatus } from './status.js';
import { PODS, type StatusWriter } from './status-writer.js';
import type { SyncOutcome } from './workers.js';

export interface PodSyncDeps {
  nodeName: string;
  hostIP: string;
  allocatable: EnvContext['allocatable'];
  capacity: NodeCapacity;
  runtime: ContainerRuntime;
  runner: ContainerRunner;
  volumes: VolumeManager;
  probes: ProbeManager;
  reasons: ReasonCache;
  crashBackoff: Backoff;
  imageBackoff: Backoff;
  events: PodEvents;
  status: StatusWriter;
  rest: RestClient;
  clock: Clock;
  log: Logger;
  /** The pod from the informer cache (bound to this node). */
  podByUid(uid: string): Pod | undefined;
  /** The last state of a pod that left the cache (deleted), for its grace period. */
  lastKnown(uid: string): Pod | undefined;
  /** Every pod bound to this node. */
  pods(): Pod[];
}

/** Retry delay while something outside the kubelet is missing (a ConfigMap, the sandbox). */
const RETRY_MS = 5000;
/** How often file volumes (configMap, secret, …) are refreshed while the pod runs. */
const VOLUME_REFRESH_MS = 60_000;


export class PodSync {
  private readonly admitted = new Set<string>();
  private readonly volumesAt = new Map<string, number>();

  constructor(private readonly d: PodSyncDeps) {}

  async sync(uid: string): Promise<SyncOutcome> {
    const pod = this.d.podByUid(uid);
    const containers = await this.d.runtime.podContainers(uid);
    if (!pod || pod.spec?.nodeName !== this.d.nodeName) {
      await this.teardown(uid, this.d.lastKnown(uid), containers);
      return { done: true };
    }
    if (pod.metadata?.deletionTimestamp) return this.terminate(pod, containers);
    if (isTerminalPhase(pod.status?.phase)) {
      await this.stopAll(pod, containers);
      return { done: false };
    }
    if (!this.admitted.has(uid)) {
      const admittedBefore = containers.length > 0 || pod.status?.phase === 'Running';
      const others = this.d.pods().filter((p) => p.metadata?.uid !== uid && this.admitted.has(p.metadata?.uid ?? '') && !isTerminalPhase(p.status?.phase));
      const rejection = admittedBefore ? undefined : admitPod(pod, others, this.d.capacity);
      if (rejection) {
        this.d.events.warning(pod, rejection.reason, rejection.message);
        await this.d.status.write(pod, (p) => rejectedStatus(p, rejection.reason, rejection.message, this.d.clock.now()));
        return { done: false };
      }
      this.admitted.add(uid);
    }
    const requeue = await this.converge(pod, containers);
    const after = await this.d.runtime.podContainers(uid);
    const sandbox = runningSandbox(after);
    this.d.probes.update(
      pod,
      sandbox?.ip,
      after.filter((c) => c.kind === 'regular' && c.state === 'running' && c.sandboxId === sandbox?.id).map((c) => ({ name: c.name, id: c.id, startedAt: c.startedAt ?? c.createdAt })),
    );
    const written = await this.writeStatus(pod, after);
    if (written && isTerminalPhase(written.status?.phase)) await this.stopAll(written, after);
    await this.gc(after);
    return { done: false, requeueAfterMs: requeue };
  }

  private statusOf(pod: Pod, containers: readonly RuntimeContainer[]): PodStatus {
    const uid = pod.metadata?.uid ?? '';
    return computePodStatus({
      pod,
      containers,
      probes: { started: (n, id) => this.d.probes.started(uid, n, id), ready: (n, id) => this.d.probes.ready(uid, n, id) },
      reasons: this.d.reasons.forPod(uid),
      hostIP: this.d.hostIP,
      now: this.d.clock.now(),
    });
  }

  private writeStatus(pod: Pod, containers: readonly RuntimeContainer[]): Promise<Pod | undefined> {
    return this.d.status.write(pod, (p) => this.statusOf(p, containers));
  }

  private envContext(pod: Pod, sandbox: RuntimeContainer | undefined): EnvContext {
    return { pod, nodeName: this.d.nodeName, hostIP: this.d.hostIP, podIPs: sandbox?.ip ? [sandbox.ip] : [], allocatable: this.d.allocatable };
  }

  /** Sets up (or refreshes) volumes; undefined (after a FailedMount event) when one cannot be set up. */
  private async volumes(pod: Pod, sandbox: RuntimeContainer | undefined): Promise<Map<string, PreparedVolume> | undefined> {
    try {
      const v = await this.d.volumes.setUp(pod, this.envContext(pod, sandbox));
      this.volumesAt.set(pod.metadata?.uid ?? '', this.d.clock.now());
      return v;
    } catch (e) {
      if (!(e instanceof VolumeSetupError)) throw e;
      this.d.events.warning(pod, 'FailedMount', e.message);
      return undefined;
    }
  }

  /** Starts/restarts what the spec calls for. Returns when to look again (back-off expiry), if needed. */
  private async converge(pod: Pod, initial: RuntimeContainer[]): Promise<number | undefined> {
    const uid = pod.metadata?.uid ?? '';
    let all = initial;
    let requeue: number | undefined;
    const later = (ms: number): void => {
      requeue = requeue === undefined ? ms : Math.min(requeue, ms);
    };
    let sandbox = runningSandbox(all);
    let volumes: Map<string, PreparedVolume> | undefined;
    if (!sandbox) {
      const previous = sandboxesOf(all);
      if (previous.length > 0 && !this.anyNeedsStart(pod, all)) return undefined;
      // a sandbox that failed is retried with back-off, whatever woke this sync (our own Docker events, too)
      const sandboxKey = `${uid}/${SANDBOX_CONTAINER_NAME}`;
      if (this.d.crashBackoff.isInBackOffSinceUpdate(sandboxKey)) return this.d.crashBackoff.remainingSinceUpdate(sandboxKey) + 10;
      await this.killAll(pod, all.filter((c) => c.kind !== 'sandbox' && c.state === 'running'), gracePeriodOf(pod));
      volumes = await this.volumes(pod, undefined);
      if (!volumes) return RETRY_MS;
      if (previous.length > 0) this.d.events.normal(pod, 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
      try {
        await this.d.runtime.runSandbox({
          pod: podRef(pod),
          attempt: previous.length > 0 ? previous[0].restartCount + 1 : 0,
          hostname: podHostnameAndDomain(pod, '').hostname,
          gracePeriodSeconds: gracePeriodOf(pod),
          shareProcessNamespace: Boolean(pod.spec?.shareProcessNamespace),
        });
      } catch (e) {
        this.d.events.warning(pod, 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${e instanceof Error ? e.message : String(e)}`);
        this.d.crashBackoff.next(sandboxKey, this.d.clock.now());
        return this.d.crashBackoff.remainingSinceUpdate(sandboxKey) + 10;
      }
      this.d.crashBackoff.reset(sandboxKey);
      all = await this.d.runtime.podContainers(uid);
      sandbox = runningSandbox(all);
      if (!sandbox) return RETRY_MS;
    } else if (pod.spec?.volumes?.length && this.d.clock.now() - (this.volumesAt.get(uid) ?? 0) > VOLUME_REFRESH_MS) {
      volumes = await this.volumes(pod, sandbox);
    }
    const sb = sandbox;
    const getVolumes = async (): Promise<Map<string, PreparedVolume> | undefined> => (volumes ??= await this.volumes(pod, sb));
    // containers left from an older sandbox live in the wrong network namespace
    await this.killAll(pod, all.filter((c) => c.kind !== 'sandbox' && c.state === 'running' && c.sandboxId !== sb.id), gracePeriodOf(pod));
    const current = all.filter((c) => c.kind === 'sandbox' || c.sandboxId === sb.id);
    const envCtx = this.envContext(pod, sb);

    const inits = pod.spec?.initContainers ?? [];
    const regularCreated = (pod.spec?.containers ?? []).some((c) => instancesOf(current, c.name, 'regular').length > 0);
    if (inits.length > 0 && !regularCreated) {
      for (const c of inits) {
        const [latest] = instancesOf(current, c.name, 'init');
        if (latest && latest.state === 'exited' && latest.exitCode === 0) continue;
        if (latest && latest.state === 'running') return requeue;
        if (latest && latest.state === 'exited') {
          if ((pod.spec?.restartPolicy ?? 'Always') === 'Never') return requeue;
          const wait = this.backoff(pod, c.name, latest);
          if (wait > 0) return wait;
        }
        const vols = await getVolumes();
        if (!vols) return RETRY_MS;
        const prior = instancesOf(all, c.name, 'init')[0];
        const r = await this.d.runner.start(pod, c, 'init', prior ? prior.restartCount + 1 : 0, sb, vols, envCtx);
        return r.started ? requeue : (r.retryAfterMs ?? RETRY_MS);
      }
    }

    for (const c of pod.spec?.containers ?? []) {
      let [latest] = instancesOf(all, c.name, 'regular');
      if (latest && latest.state === 'running' && latest.sandboxId === sb.id) {
        let message: string | undefined;
        let grace = gracePeriodOf(pod);
        if (latest.specHash && latest.specHash !== containerHash(c)) message = `Container ${c.name} definition changed, will be restarted`;
        else {
          const failed = this.d.probes.failed(uid, c.name, latest.id);
          if (failed) {
            message = `Container ${c.name} failed ${failed} probe, will be restarted`;
            const probe = failed === 'liveness' ? c.livenessProbe : c.startupProbe;
            grace = probe?.terminationGracePeriodSeconds ?? grace;
          }
        }
        if (!message) continue;
        await this.d.runner.kill(pod, latest, grace, message, sb.ip);
        latest = instancesOf(await this.d.runtime.podContainers(uid), c.name, 'regular')[0] ?? latest;
      }
      if (!shouldRestart(pod, latest)) continue;
      if (latest && latest.state === 'exited') {
        const wait = this.backoff(pod, c.name, latest);
        if (wait > 0) {
          later(wait);
          continue;
        }
      }
      const vols = await getVolumes();
      if (!vols) {
        later(RETRY_MS);
        continue;
      }
      const r = await this.d.runner.start(pod, c, 'regular', latest ? latest.restartCount + 1 : 0, sb, vols, envCtx);
      if (!r.started) later(r.retryAfterMs ?? RETRY_MS);
    }
    return requeue;
  }

  /**
   * upstream doBackOff: a container that exited is restarted only once the back-off since its exit is over.
   * Returns 0 when it may start now (and records the restart), else the time left (CrashLoopBackOff).
   */
  private backoff(pod: Pod, name: string, latest: RuntimeContainer): number {
    const uid = pod.metadata?.uid ?? '';
    const key = containerKey(uid, name);
    const finished = latest.finishedAt ?? latest.createdAt;
    if (this.d.crashBackoff.isInBackOffSince(key, finished)) {
      const delay = formatDuration(this.d.crashBackoff.get(key));
      this.d.reasons.set(uid, name, { reason: 'CrashLoopBackOff', message: `back-off ${delay} restarting failed container=${name} pod=${formatPod(pod)}` });
      this.d.events.warning(pod, 'BackOff', `Back-off restarting failed container ${name} in pod ${formatPod(pod)}`);
      return this.d.crashBackoff.remainingSince(key, finished) + 10;
    }
    this.d.crashBackoff.next(key, finished);
    return 0;
  }

  /** Whether any container would still be (re)started: else a pod whose sandbox died has simply finished. */
  private anyNeedsStart(pod: Pod, all: readonly RuntimeContainer[]): boolean {
    return (pod.spec?.containers ?? []).some((c) => shouldRestart(pod, instancesOf(all, c.name, 'regular')[0]));
  }

  private async killAll(pod: Pod | undefined, containers: readonly RuntimeContainer[], grace: number, podIP?: string): Promise<void> {
    await Promise.all(containers.map((c) => this.d.runner.kill(pod, c, grace, undefined, podIP)));
  }

  /** Stops whatever still runs of a pod that must not run (terminal), sandbox last; keeps the containers. */
  private async stopAll(pod: Pod, containers: readonly RuntimeContainer[]): Promise<void> {
    const sandbox = runningSandbox(containers);
    await this.killAll(pod, containers.filter((c) => c.kind !== 'sandbox' && c.state === 'running'), gracePeriodOf(pod), sandbox?.ip);
    await Promise.all(containers.filter((c) => c.kind === 'sandbox' && c.state === 'running').map((c) => this.d.runtime.stopContainer(c.id, MIN_GRACE_SECONDS)));
    this.d.probes.removePod(pod.metadata?.uid ?? '');
  }

  /** Graceful deletion: kill within the deletion grace period, report the final status, delete the object. */
  private async terminate(pod: Pod, containers: RuntimeContainer[]): Promise<SyncOutcome> {
    const uid = pod.metadata?.uid ?? '';
    const grace = pod.metadata?.deletionGracePeriodSeconds ?? gracePeriodOf(pod);
    const sandbox = runningSandbox(containers);
    this.d.probes.removePod(uid);
    await this.killAll(pod, containers.filter((c) => c.kind !== 'sandbox' && c.state === 'running'), grace, sandbox?.ip);
    await Promise.all(containers.filter((c) => c.kind === 'sandbox' && c.state === 'running').map((c) => this.d.runtime.stopContainer(c.id, MIN_GRACE_SECONDS)));
    const after = await this.d.runtime.podContainers(uid);
    const latest = this.d.podByUid(uid) ?? pod;
    try {
      await this.writeStatus(latest, after);
    } catch (e) {
      this.d.log.warn({ pod: pod.metadata?.name, err: e instanceof Error ? e.message : String(e) }, 'could not write the final pod status');
    }
    try {
      await this.d.rest.delete(PODS, pod.metadata?.namespace, pod.metadata?.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid } });
    } catch (e) {
      // gone already, or the name now belongs to another pod (the uid precondition failed)
      if (!(e instanceof ApiError && (e.reason === 'NotFound' || e.reason === 'Conflict'))) throw e;
    }
    await this.teardown(uid, pod, after);
    return { done: true };
  }

  /** Kills and removes everything of `uid` (pod deleted, force-deleted while we were away, or bound elsewhere). */
  private async teardown(uid: string, pod: Pod | undefined, containers: readonly RuntimeContainer[]): Promise<void> {
    const running = containers.filter((c) => c.state === 'running');
    if (running.length > 0) {
      const grace = pod ? (pod.metadata?.deletionGracePeriodSeconds ?? gracePeriodOf(pod)) : Math.min(...running.map((c) => c.gracePeriodSeconds ?? 30));
      this.d.log.info({ uid, pod: pod?.metadata?.name ?? running[0].pod.name, containers: running.length }, 'killing the containers of a pod that is gone');
      await this.killAll(pod, running.filter((c) => c.kind !== 'sandbox'), grace);
    }
    for (const c of containers) await this.d.runtime.removeContainer(c.id);
    await this.d.volumes.tearDown(uid);
    this.forget(uid);
  }

  forget(uid: string): void {
    this.admitted.delete(uid);
    this.volumesAt.delete(uid);
    this.d.probes.removePod(uid);
    this.d.reasons.forget(uid);
    this.d.status.forget(uid);
    this.d.crashBackoff.resetPrefix(`${uid}/`);
    this.d.imageBackoff.resetPrefix(`${uid}_`);
  }

  /** Keeps the newest two instances of each container (current + previous, for `logs --previous`). */
  private async gc(all: readonly RuntimeContainer[]): Promise<void> {
    const groups = new Map<string, RuntimeContainer[]>();
    for (const c of all) {
      const k = `${c.kind}/${c.name}`;
      const g = groups.get(k) ?? [];
      g.push(c);
      groups.set(k, g);
    }
    for (const [k, g] of groups) {
      const sorted = k.startsWith('sandbox/') ? sandboxesOf(g) : instancesOf(g, g[0].name, g[0].kind);
      const keep = k.startsWith('sandbox/') ? 1 : 2;
      for (const c of sorted.slice(keep)) if (c.state !== 'running') await this.d.runtime.removeContainer(c.id);
    }
  }
}
