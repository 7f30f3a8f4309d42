/**
 * Helpers for tests of the controllers against a real api-server without kubelets: a stand-in that makes pods
 * Running and Ready through the status subresource, polling with a deadline, and a manager with short timings.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isApiError } from '../api/errors.js';
import { requireResource } from '../api/resources.js';
import { Informer, restListWatcher } from '../client/informer.js';
import type { RestClient } from '../client/rest.js';
import { objectKey } from '../client/types.js';
import { silentLogger, type Logger } from '../common/logger.js';
import { mutableCopy } from './controllers/util/kinds.js';
import { startControllerManager, type ControllerManager, type ControllerManagerOptions } from './manager.js';

const PODS = requireResource('', 'v1', 'pods');

/** Polls `cond` every 25 ms until it holds; fails with `what` after `timeoutMs`. */
export async function eventually(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Starts a controller-manager for tests: silent, no leader election, short node timings unless overridden. */
export function startTestManager(server: string, opts: Partial<ControllerManagerOptions> = {}): Promise<ControllerManager> {
  return startControllerManager({
    server,
    log: opts.log ?? silentLogger(),
    ...opts,
    settings: { nodeMonitorPeriodMs: 500, nodeMonitorGracePeriodMs: 4000, nodeStartupGracePeriodMs: 4000, namespaceRetryPeriodMs: 200, ...opts.settings },
  });
}

export interface FakeKubeletOptions {
  rest: RestClient;
  namespace: string;
  /** Delay between seeing a pod and marking it Running/Ready (default 50 ms). */
  readyAfterMs?: number;
  /** Pods for which this returns false stay Pending. */
  filter?: (pod: Pod) => boolean;
  log?: Logger;
}

/**
 * Marks every pod of a namespace Running and Ready (with a pod IP) shortly after it appears, as a kubelet would.
 * It only writes pod status; scheduling (spec.nodeName) is left to the test.
 */
export class FakeKubelet {
  private readonly informer: Informer<Pod>;
  private readonly ac = new AbortController();
  private readonly pending = new Set<string>();
  private ipSeq = 1;
  private readonly writes: Promise<void>[] = [];
  enabled = true;

  constructor(private readonly o: FakeKubeletOptions) {
    this.informer = new Informer<Pod>(restListWatcher(o.rest, PODS, o.namespace), { log: o.log });
    this.informer.addEventHandler({ onAdd: (p) => this.consider(p), onUpdate: (_o, p) => this.consider(p) });
  }

  start(): void {
    this.informer.start(this.ac.signal);
  }

  async stop(): Promise<void> {
    this.ac.abort();
    await this.informer.stop();
    await Promise.allSettled(this.writes);
  }

  private consider(pod: Pod): void {
    if (!this.enabled || pod.metadata?.deletionTimestamp) return;
    if (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return;
    if (pod.status?.phase === 'Running') return;
    if (this.o.filter && !this.o.filter(pod)) return;
    const key = objectKey(pod);
    if (this.pending.has(key)) return;
    this.pending.add(key);
    const p = new Promise<void>((r) => setTimeout(r, this.o.readyAfterMs ?? 50))
      .then(() => this.markReady(key))
      .catch((e: unknown) => this.o.log?.warn({ err: e, pod: key }, 'fake kubelet could not mark the pod ready'))
      .finally(() => this.pending.delete(key));
    this.writes.push(p);
  }

  /** Makes one pod Running and Ready now. */
  async markReady(key: string): Promise<void> {
    if (this.ac.signal.aborted) return;
    const [ns, name] = key.split('/');
    for (let attempt = 0; attempt < 5; attempt++) {
      let pod: Pod;
      try {
        pod = await this.o.rest.get<Pod>(PODS, ns, name);
      } catch (e) {
        if (isApiError(e, 'NotFound')) return;
        throw e;
      }
      if (pod.metadata?.deletionTimestamp) return;
      const copy = mutableCopy(pod);
      const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      const ip = `10.244.${Math.floor(this.ipSeq / 250)}.${(this.ipSeq % 250) + 1}`;
      this.ipSeq++;
      copy.status = {
        ...copy.status,
        phase: 'Running',
        podIP: copy.status?.podIP ?? ip,
        podIPs: [{ ip: copy.status?.podIP ?? ip }],
        startTime: copy.status?.startTime ?? now,
        containerStatuses: (copy.spec?.containers ?? []).map((c) => ({
          name: c.name,
          image: c.image ?? '',
          imageID: '',
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: now } },
        })),
        conditions: [
          { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
          { type: 'Initialized', status: 'True', lastTransitionTime: now },
          { type: 'ContainersReady', status: 'True', lastTransitionTime: now },
          { type: 'Ready', status: 'True', lastTransitionTime: now },
        ],
      };
      try {
        await this.o.rest.updateStatus<Pod>(PODS, ns, copy);
        return;
      } catch (e) {
        if (isApiError(e, 'NotFound')) return;
        if (!isApiError(e, 'Conflict')) throw e;
      }
    }
  }
}
