/**
 * Keeps one ProbeWorker per (pod, container instance, probe type) for the running containers that have probes,
 * and answers the kubelet's questions: is the container started, ready, or failing its liveness/startup probe.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { Clock } from '../../common/clock.js';
import type { ProbeOutcome, ProbeResult, ProbeTarget } from './prober.js';
import { ProbeWorker, type ProbeType } from './worker.js';

export interface RunningContainer {
  name: string;
  id: string;
  startedAt: number;
}

export interface ProbeManagerOptions {
  clock: Clock;
  run: (probeSpec: NonNullable<Container['livenessProbe']>, target: ProbeTarget) => Promise<ProbeOutcome>;
  /** A result changed: the pod needs a sync. */
  onChange: (podUid: string) => void;
  /** A failed attempt, for the Unhealthy event. */
  onFailure: (pod: Pod, container: string, type: ProbeType, output: string) => void;
}

interface PodProbes {
  pod: Pod;
  podIP: string | undefined;
  /** `${containerName}/${type}` → worker of the current instance. */
  workers: Map<string, { id: string; worker: ProbeWorker }>;
}

const TYPES: ProbeType[] = ['startup', 'liveness', 'readiness'];

function probeOf(c: Container, type: ProbeType): Container['livenessProbe'] {
  return type === 'startup' ? c.startupProbe : type === 'liveness' ? c.livenessProbe : c.readinessProbe;
}

export class ProbeManager {
  private readonly pods = new Map<string, PodProbes>();

  constructor(private readonly o: ProbeManagerOptions) {}

  /** Starts workers for new container instances and stops those of instances that are gone. */
  update(pod: Pod, podIP: string | undefined, running: readonly RunningContainer[]): void {
    const uid = pod.metadata?.uid ?? '';
    let entry = this.pods.get(uid);
    if (!entry) {
      entry = { pod, podIP, workers: new Map() };
      this.pods.set(uid, entry);
    }
    entry.pod = pod;
    entry.podIP = podIP;
    const want = new Set<string>();
    for (const c of pod.spec?.containers ?? []) {
      const inst = running.find((r) => r.name === c.name);
      if (!inst) continue;
      for (const type of TYPES) {
        const probe = probeOf(c, type);
        if (!probe) continue;
        const key = `${c.name}/${type}`;
        want.add(key);
        const cur = entry.workers.get(key);
        if (cur && cur.id === inst.id) continue;
        cur?.worker.stop();
        const e = entry;
        const worker = new ProbeWorker({
          clock: this.o.clock,
          type,
          probe,
          startedAt: inst.startedAt,
          run: () => this.o.run(probe, { podIP: e.podIP, container: c, containerId: inst.id }),
          isStarted: () => this.started(uid, c.name, inst.id),
          onChange: () => this.o.onChange(uid),
          onFailure: (output) => this.o.onFailure(e.pod, c.name, type, output),
        });
        entry.workers.set(key, { id: inst.id, worker });
        worker.start();
      }
    }
    for (const [key, w] of entry.workers) {
      if (!want.has(key)) {
        w.worker.stop();
        entry.workers.delete(key);
      }
    }
  }

  removePod(uid: string): void {
    const entry = this.pods.get(uid);
    if (!entry) return;
    for (const w of entry.workers.values()) w.worker.stop();
    this.pods.delete(uid);
  }

  stopAll(): void {
    for (const uid of [...this.pods.keys()]) this.removePod(uid);
  }

  /** The result of a probe of a container instance; undefined when it has no such probe (or no worker yet). */
  result(uid: string, name: string, id: string, type: ProbeType): ProbeResult | undefined {
    const w = this.pods.get(uid)?.workers.get(`${name}/${type}`);
    return w && w.id === id ? w.worker.result : undefined;
  }

  private hasProbe(uid: string, name: string, type: ProbeType): boolean {
    const c = this.pods.get(uid)?.pod.spec?.containers.find((x) => x.name === name);
    return Boolean(c && probeOf(c, type));
  }

  started(uid: string, name: string, id: string): boolean {
    if (!this.hasProbe(uid, name, 'startup')) return true;
    return this.result(uid, name, id, 'startup') === 'success';
  }

  ready(uid: string, name: string, id: string): boolean {
    if (!this.hasProbe(uid, name, 'readiness')) return true;
    return this.result(uid, name, id, 'readiness') === 'success';
  }

  /** 'liveness' or 'startup' when that probe failed (the container must be restarted), else undefined. */
  failed(uid: string, name: string, id: string): 'liveness' | 'startup' | undefined {
    if (this.result(uid, name, id, 'startup') === 'failure') return 'startup';
    if (this.result(uid, name, id, 'liveness') === 'failure') return 'liveness';
    return undefined;
  }
}
