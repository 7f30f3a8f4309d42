/**
 * The scheduling queue, as upstream's PriorityQueue (internal/queue/scheduling_queue.go):
 *
 * - activeQ: pods ready to be tried, highest priority first, then oldest.
 * - backoffQ: pods that failed and wait out their backoff (initial·2^(attempts−1), capped at max) before
 *   going back to activeQ.
 * - unschedulable: pods no node fits. They stay until a cluster event that one of the plugins that rejected
 *   them registered (with a queueing hint saying it helps) arrives — a node added or relabelled, a pod
 *   deleted, a taint removed … — or, as a safety net, after 5 minutes (checked every 30 s).
 * - gated pods (non-empty spec.schedulingGates) wait in unschedulable until their gates are removed.
 *
 * Pods that failed with an error (not a rejection) go to backoffQ directly.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { realClock, type Clock, type TimerHandle } from '../../common/clock.js';
import { silentLogger, type Logger } from '../../common/logger.js';
import type { PodInfo } from '../cache/pod-info.js';
import { podUpdateActions, Action, type ClusterEvent } from '../framework/cluster-event.js';
import { KeyedHeap } from './heap.js';

export interface QueuedPodInfo {
  podInfo: PodInfo;
  /** When it was last added or requeued (backoff counts from here). */
  timestamp: number;
  /** When it first entered the queue (end-to-end latency counts from here). */
  initialTimestamp: number;
  /** Scheduling attempts so far. */
  attempts: number;
  /** Plugins that rejected it in its last attempt. */
  unschedulablePlugins: Set<string>;
  gated: boolean;
  /** Arrival order, breaking timestamp ties (FIFO among equals). */
  seq: number;
}

export interface SchedulingQueueOptions {
  clock?: Clock;
  log?: Logger;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Pods unschedulable longer than this are retried anyway (upstream podMaxInUnschedulablePodsDuration). */
  maxInUnschedulableMs?: number;
  /** How often that is checked (upstream: 30 s). */
  unschedulableFlushIntervalMs?: number;
  /** Whether `event` could help a pod the listed plugins rejected (the framework's queueing hints). */
  eventMayHelp: (qp: QueuedPodInfo, event: ClusterEvent) => boolean;
  /** Called whenever a pod moves between queues (metrics). */
  onChange?: () => void;
}

export type PendingCounts = Record<'active' | 'backoff' | 'unschedulable' | 'gated', number>;

export const UNSCHEDULABLE_TIMEOUT: ClusterEvent = { resource: 'WildCard', actions: 0, label: 'UnschedulableTimeout' };

function isGated(pod: Pod): boolean {
  return (pod.spec?.schedulingGates ?? []).length > 0;
}

export class SchedulingQueue {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxInUnschedulableMs: number;
  private readonly flushIntervalMs: number;
  private readonly active = new KeyedHeap<QueuedPodInfo>(
    (q) => q.podInfo.key,
    (a, b) =>
      a.podInfo.priority > b.podInfo.priority ||
      (a.podInfo.priority === b.podInfo.priority && (a.timestamp < b.timestamp || (a.timestamp === b.timestamp && a.seq < b.seq))),
  );
  private readonly backoff = new KeyedHeap<QueuedPodInfo>(
    (q) => q.podInfo.key,
    (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b),
  );
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  private waiters: ((q: QueuedPodInfo | undefined) => void)[] = [];
  private backoffTimer: TimerHandle | undefined;
  private backoffTimerAt = Infinity;
  private flushTimer: TimerHandle | undefined;
  private closed = false;
  private seq = 0;

  constructor(private readonly opts: SchedulingQueueOptions) {
    this.clock = opts.clock ?? realClock;
    this.log = (opts.log ?? silentLogger()).child({ component: 'scheduling-queue' });
    this.initialBackoffMs = opts.initialBackoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 10_000;
    this.maxInUnschedulableMs = opts.maxInUnschedulableMs ?? 5 * 60_000;
    this.flushIntervalMs = opts.unschedulableFlushIntervalMs ?? 30_000;
    this.scheduleUnschedulableFlush();
  }

  /** A new pending pod (or one seen again after a relist). */
  add(pi: PodInfo): void {
    if (this.closed) return;
    const key = pi.key;
    if (this.has(key)) {
      this.replace(key, pi);
      return;
    }
    const now = this.clock.now();
    const qp: QueuedPodInfo = { podInfo: pi, timestamp: now, initialTimestamp: now, attempts: 0, unschedulablePlugins: new Set(), gated: isGated(pi.pod), seq: this.seq++ };
    if (qp.gated) this.unschedulable.set(key, qp);
    else this.pushActive(qp);
    this.changed();
  }

  /** A pending pod changed. In activeQ/backoffQ it is updated in place; an unschedulable pod whose scheduling
   * properties changed (labels, tolerations, requests, gates removed) is moved to be tried again. */
  update(oldPod: Pod, pi: PodInfo): void {
    if (this.closed) return;
    const key = pi.key;
    const inActive = this.active.get(key);
    if (inActive) {
      inActive.podInfo = pi;
      this.active.addOrUpdate(inActive);
      return;
    }
    const inBackoff = this.backoff.get(key);
    if (inBackoff) {
      inBackoff.podInfo = pi;
      this.backoff.addOrUpdate(inBackoff);
      return;
    }
    const qp = this.unschedulable.get(key);
    if (!qp) {
      this.add(pi);
      return;
    }
    qp.podInfo = pi;
    const actions = podUpdateActions(oldPod, pi.pod);
    if (qp.gated) {
      if (isGated(pi.pod)) return;
      qp.gated = false;
      this.unschedulable.delete(key);
      this.pushActive(qp);
      this.changed();
      return;
    }
    if (actions === Action.UpdateOther) return;
    this.unschedulable.delete(key);
    this.requeue(qp);
    this.changed();
  }

  delete(pod: Pod): void {
    const key = `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
    const removed = this.active.delete(key) ?? this.backoff.delete(key) ?? this.unschedulable.get(key);
    this.unschedulable.delete(key);
    if (removed) this.changed();
  }

  has(key: string): boolean {
    return this.active.has(key) || this.backoff.has(key) || this.unschedulable.has(key);
  }

  /** The next pod to schedule; waits while activeQ is empty; undefined once closed. */
  pop(): Promise<QueuedPodInfo | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    const qp = this.takeActive();
    if (qp) return Promise.resolve(qp);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Puts back a pod whose attempt failed: rejected by `plugins` (unschedulable until an event may help), or
   * failed with an error / no rejecting plugin (backoff, then retry).
   */
  requeueFailed(qp: QueuedPodInfo, plugins: ReadonlySet<string>, error: boolean): void {
    if (this.closed || this.has(qp.podInfo.key)) return;
    qp.timestamp = this.clock.now();
    qp.seq = this.seq++;
    qp.unschedulablePlugins = new Set(plugins);
    if (error || plugins.size === 0) this.requeue(qp);
    else this.unschedulable.set(qp.podInfo.key, qp);
    this.changed();
  }

  /**
   * MoveAllToActiveOrBackoffQueue: every unschedulable pod the event may help (per the queueing hints of the
   * plugins that rejected it) goes to backoffQ if still backing off, else to activeQ.
   */
  onClusterEvent(event: ClusterEvent): void {
    if (this.closed || this.unschedulable.size === 0) return;
    let moved = 0;
    for (const [key, qp] of this.unschedulable) {
      if (qp.gated) continue;
      let helps: boolean;
      try {
        helps = this.opts.eventMayHelp(qp, event);
      } catch (e) {
        this.log.error({ err: e, pod: key, event: event.label }, 'queueing hint failed; requeueing the pod');
        helps = true;
      }
      if (!helps) continue;
      this.unschedulable.delete(key);
      this.requeue(qp);
      moved++;
    }
    if (moved > 0) {
      this.log.debug({ event: event.label, moved }, 'moved unschedulable pods');
      this.changed();
    }
  }

  pendingCounts(): PendingCounts {
    let gated = 0;
    for (const qp of this.unschedulable.values()) if (qp.gated) gated++;
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size - gated, gated };
  }

  /** Backoff of a pod after `attempts` tries (0 attempts = none). */
  backoffDuration(attempts: number): number {
    if (attempts === 0) return 0;
    let d = this.initialBackoffMs;
    for (let i = 1; i < attempts; i++) {
      if (d > this.maxBackoffMs - d) return this.maxBackoffMs;
      d += d;
    }
    return d;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clock.clearTimeout(this.backoffTimer);
    this.clock.clearTimeout(this.flushTimer);
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w(undefined);
  }

  private backoffExpiry(qp: QueuedPodInfo): number {
    return qp.timestamp + this.backoffDuration(qp.attempts);
  }

  private replace(key: string, pi: PodInfo): void {
    const qp = this.active.get(key) ?? this.backoff.get(key) ?? this.unschedulable.get(key);
    if (qp) qp.podInfo = pi;
  }

  /** To backoffQ while backing off, else activeQ. */
  private requeue(qp: QueuedPodInfo): void {
    if (this.backoffExpiry(qp) > this.clock.now()) {
      this.backoff.addOrUpdate(qp);
      this.armBackoffTimer();
    } else {
      this.pushActive(qp);
    }
  }

  private pushActive(qp: QueuedPodInfo): void {
    const w = this.waiters.shift();
    if (w) {
      qp.attempts++;
      w(qp);
      return;
    }
    this.active.addOrUpdate(qp);
  }

  private takeActive(): QueuedPodInfo | undefined {
    const qp = this.active.pop();
    if (qp) {
      qp.attempts++;
      this.changed();
    }
    return qp;
  }

  /** One timer at the earliest backoff expiry (upstream polls every second). */
  private armBackoffTimer(): void {
    const next = this.backoff.peek();
    if (!next) return;
    const at = this.backoffExpiry(next);
    if (this.backoffTimer !== undefined && this.backoffTimerAt <= at) return;
    this.clock.clearTimeout(this.backoffTimer);
    this.backoffTimerAt = at;
    this.backoffTimer = this.clock.setTimeout(() => {
      this.backoffTimer = undefined;
      this.backoffTimerAt = Infinity;
      this.flushBackoffCompleted();
    }, Math.max(0, at - this.clock.now()));
  }

  private flushBackoffCompleted(): void {
    if (this.closed) return;
    const now = this.clock.now();
    let moved = 0;
    for (let qp = this.backoff.peek(); qp && this.backoffExpiry(qp) <= now; qp = this.backoff.peek()) {
      this.backoff.pop();
      this.pushActive(qp);
      moved++;
    }
    if (moved > 0) this.changed();
    this.armBackoffTimer();
  }

  private scheduleUnschedulableFlush(): void {
    this.flushTimer = this.clock.setTimeout(() => {
      if (this.closed) return;
      this.flushUnschedulableLeftover();
      this.scheduleUnschedulableFlush();
    }, this.flushIntervalMs);
  }

  /** Pods unschedulable for longer than maxInUnschedulableMs are retried (upstream flushUnschedulablePodsLeftover). */
  private flushUnschedulableLeftover(): void {
    const now = this.clock.now();
    let moved = 0;
    for (const [key, qp] of this.unschedulable) {
      if (qp.gated || now - qp.timestamp <= this.maxInUnschedulableMs) continue;
      if (!this.opts.eventMayHelp(qp, UNSCHEDULABLE_TIMEOUT)) continue;
      this.unschedulable.delete(key);
      this.requeue(qp);
      moved++;
    }
    if (moved > 0) {
      this.log.debug({ moved }, 'retrying pods unschedulable for too long');
      this.changed();
    }
  }

  private changed(): void {
    this.opts.onChange?.();
  }
}
