/**
 * Lease-based leader election, as client-go's tools/leaderelection with a coordination.k8s.io/v1 Lease lock.
 *
 * - Acquire when the Lease is absent, has no holder, is held by us, or has expired. Expiry is judged by the local
 *   clock from when *we* last saw the record change (client-go's observedTime), never by comparing clocks with the
 *   holder: held-by-other and `observedTime + leaseDuration > now` → wait.
 * - While leading, renew every retryPeriod; a renewal cycle that cannot succeed within renewDeadline loses the
 *   lease: the signal passed to onStartedLeading aborts and onStoppedLeading is called.
 * - Writes are compare-and-swap on metadata.resourceVersion; 409 Conflict means someone else wrote first.
 *
 * Differences from client-go: onStoppedLeading is only called if we actually led; the lease duration used to judge
 * expiry is the record's leaseDurationSeconds when present (else ours).
 */
import type { Lease, LeaseSpec } from 'kubernetes-types/coordination/v1.js';
import { isApiError } from '../api/errors.js';
import { requireResource } from '../api/resources.js';
import { realClock, type Clock } from '../common/clock.js';
import { silentLogger, type Logger } from '../common/logger.js';
import { RestClient } from './rest.js';

export const LEASES = requireResource('coordination.k8s.io', 'v1', 'leases');

/** The minimal API the elector needs. get throws ApiError NotFound; update throws ApiError Conflict on a stale RV. */
export interface LeaseClient {
  get(namespace: string, name: string, signal?: AbortSignal): Promise<Lease>;
  create(namespace: string, lease: Lease, signal?: AbortSignal): Promise<Lease>;
  update(namespace: string, lease: Lease, signal?: AbortSignal): Promise<Lease>;
}

export function restLeaseClient(rest: RestClient): LeaseClient {
  return {
    get: (ns, name, signal) => rest.get<Lease>(LEASES, ns, name, { signal }),
    create: (ns, lease, signal) => rest.create<Lease>(LEASES, ns, lease, { signal }),
    update: (ns, lease, signal) => rest.update<Lease>(LEASES, ns, lease, { signal }),
  };
}

export interface LeaderCallbacks {
  /** Called once we lead; `signal` aborts when leadership is lost or the election is cancelled. */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  onStoppedLeading(): void;
  /** Called whenever the observed holder changes (including to ourselves). */
  onNewLeader?(identity: string): void;
}

export interface LeaderElectionOptions {
  client: LeaseClient | RestClient;
  namespace: string;
  name: string;
  identity: string;
  callbacks: LeaderCallbacks;
  /** Aborting ends the election (and leadership). */
  signal: AbortSignal;
  clock?: Clock;
  log?: Logger;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** On cancel, write an empty holder so another candidate can take over at once. */
  releaseOnCancel?: boolean;
  /** Jitter of the acquire retry period (client-go: 1.2 → wait retryPeriod·[1, 2.2)). */
  jitterFactor?: number;
  random?: () => number;
}

export interface LeaderElectionRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: string;
  renewTime: string;
  leaseTransitions: number;
}

/** `2025-01-01T00:00:00.000000Z` (metav1.MicroTime, RFC3339 with microseconds). */
export function formatMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function parseMicroTime(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return undefined;
  const frac = (m[2] ?? '').padEnd(3, '0').slice(0, 3);
  const t = Date.parse(`${m[1]}.${frac}${m[3]}`);
  return Number.isNaN(t) ? undefined : t;
}

function recordOf(spec: LeaseSpec | undefined): LeaderElectionRecord {
  return {
    holderIdentity: spec?.holderIdentity ?? '',
    leaseDurationSeconds: spec?.leaseDurationSeconds ?? 0,
    acquireTime: spec?.acquireTime ?? '',
    renewTime: spec?.renewTime ?? '',
    leaseTransitions: spec?.leaseTransitions ?? 0,
  };
}

function specOf(r: LeaderElectionRecord): LeaseSpec {
  const spec: LeaseSpec = {
    holderIdentity: r.holderIdentity,
    leaseDurationSeconds: r.leaseDurationSeconds,
    leaseTransitions: r.leaseTransitions,
  };
  if (r.acquireTime) spec.acquireTime = r.acquireTime;
  if (r.renewTime) spec.renewTime = r.renewTime;
  return spec;
}

function sameRecord(a: LeaderElectionRecord | undefined, b: LeaderElectionRecord): boolean {
  return (
    !!a &&
    a.holderIdentity === b.holderIdentity &&
    a.leaseDurationSeconds === b.leaseDurationSeconds &&
    a.acquireTime === b.acquireTime &&
    a.renewTime === b.renewTime &&
    a.leaseTransitions === b.leaseTransitions
  );
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class LeaderElector {
  private readonly client: LeaseClient;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly jitterFactor: number;
  private readonly random: () => number;
  private observedRecord: LeaderElectionRecord | undefined;
  private observedTime = 0;
  private observedLease: Lease | undefined;
  private reportedLeader = '';
  private leading = false;

  constructor(private readonly opts: LeaderElectionOptions) {
    this.client = opts.client instanceof RestClient ? restLeaseClient(opts.client) : opts.client;
    this.clock = opts.clock ?? realClock;
    this.log = (opts.log ?? silentLogger()).child({ lease: `${opts.namespace}/${opts.name}`, identity: opts.identity });
    this.leaseDurationMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = opts.retryPeriodMs ?? 2_000;
    this.jitterFactor = opts.jitterFactor ?? 1.2;
    this.random = opts.random ?? Math.random;
    if (!opts.identity) throw new Error('leader election: identity must not be empty');
    if (this.leaseDurationMs <= this.renewDeadlineMs) throw new Error('leader election: leaseDuration must be greater than renewDeadline');
    if (this.renewDeadlineMs <= this.retryPeriodMs) throw new Error('leader election: renewDeadline must be greater than retryPeriod');
    if (this.retryPeriodMs < 1) throw new Error('leader election: retryPeriod must be positive');
  }

  /** True from acquiring the lease until losing it (or the election ending). */
  isLeader(): boolean {
    return this.leading;
  }

  /** The holder we last observed ('' if none). */
  getLeader(): string {
    return this.observedRecord?.holderIdentity ?? '';
  }

  /** Campaigns until elected, leads until lost or cancelled. Resolves when done (never rejects). */
  async run(): Promise<void> {
    const { signal, callbacks } = this.opts;
    if (!(await this.acquire(signal))) return;
    this.leading = true;
    const leading = new AbortController();
    const onCancel = (): void => leading.abort();
    if (signal.aborted) leading.abort();
    else signal.addEventListener('abort', onCancel, { once: true });
    this.log.info('became leader');
    try {
      const r = callbacks.onStartedLeading(leading.signal);
      if (r instanceof Promise) r.catch((e: unknown) => this.log.error({ err: e }, 'onStartedLeading failed'));
    } catch (e) {
      this.log.error({ err: e }, 'onStartedLeading threw');
    }
    await this.renew(signal);
    signal.removeEventListener('abort', onCancel);
    leading.abort();
    if (signal.aborted && this.opts.releaseOnCancel) await this.release();
    this.leading = false;
    try {
      callbacks.onStoppedLeading();
    } catch (e) {
      this.log.error({ err: e }, 'onStoppedLeading threw');
    }
  }

  private async acquire(signal: AbortSignal): Promise<boolean> {
    this.log.info('attempting to acquire leader lease');
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew(signal)) return true;
      if (signal.aborted) break;
      const wait = this.retryPeriodMs * (1 + this.random() * this.jitterFactor);
      await this.clock.sleep(wait, signal);
    }
    return false;
  }

  /** Renews until a cycle misses renewDeadline (lost) or `signal` aborts. */
  private async renew(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const cycle = new AbortController();
      const onCancel = (): void => cycle.abort();
      signal.addEventListener('abort', onCancel, { once: true });
      const deadline = this.clock.setTimeout(() => cycle.abort(), this.renewDeadlineMs);
      let ok = false;
      try {
        for (;;) {
          ok = await this.tryAcquireOrRenew(cycle.signal);
          if (ok || cycle.signal.aborted) break;
          await this.clock.sleep(this.retryPeriodMs, cycle.signal);
          if (cycle.signal.aborted) break;
        }
      } finally {
        this.clock.clearTimeout(deadline);
        signal.removeEventListener('abort', onCancel);
      }
      if (signal.aborted) return;
      if (!ok) {
        this.log.warn({ renewDeadlineMs: this.renewDeadlineMs }, 'failed to renew lease; leadership lost');
        return;
      }
      await this.clock.sleep(this.retryPeriodMs, signal);
    }
  }

  /**
   * Gives the lease up (empty holder, 1 s duration) if we still hold it. A renewal cancelled in flight may
   * still have been applied, so a conflict re-reads the lease and tries again while we are the holder.
   */
  private async release(): Promise<void> {
    if (this.observedRecord?.holderIdentity !== this.opts.identity || !this.observedLease) return;
    const ac = new AbortController();
    const t = this.clock.setTimeout(() => ac.abort(), this.renewDeadlineMs);
    try {
      let current: Lease = this.observedLease;
      for (let attempt = 0; attempt < 3; attempt++) {
        const now = this.clock.now();
        const rec: LeaderElectionRecord = {
          holderIdentity: '',
          leaseDurationSeconds: 1,
          acquireTime: formatMicroTime(now),
          renewTime: formatMicroTime(now),
          leaseTransitions: recordOf(current.spec).leaseTransitions,
        };
        try {
          const updated = await this.client.update(this.opts.namespace, { ...current, spec: specOf(rec) }, ac.signal);
          this.setObserved(rec, updated);
          this.log.info('released leader lease');
          return;
        } catch (e) {
          if (!isApiError(e, 'Conflict')) throw e;
          current = await this.client.get(this.opts.namespace, this.opts.name, ac.signal);
          if (recordOf(current.spec).holderIdentity !== this.opts.identity) return;
        }
      }
    } catch (e) {
      this.log.warn({ err: errText(e) }, 'failed to release leader lease');
    } finally {
      this.clock.clearTimeout(t);
    }
  }

  private setObserved(rec: LeaderElectionRecord, lease: Lease): void {
    this.observedRecord = rec;
    this.observedLease = lease;
    this.observedTime = this.clock.now();
    this.maybeReportTransition();
  }

  private maybeReportTransition(): void {
    const holder = this.observedRecord?.holderIdentity ?? '';
    if (holder === this.reportedLeader) return;
    this.reportedLeader = holder;
    if (!holder) return;
    this.log.info({ leader: holder }, 'new leader observed');
    try {
      this.opts.callbacks.onNewLeader?.(holder);
    } catch (e) {
      this.log.error({ err: e }, 'onNewLeader threw');
    }
  }

  private async tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const { namespace, name, identity } = this.opts;
    const now = this.clock.now();
    const desired: LeaderElectionRecord = {
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
      acquireTime: formatMicroTime(now),
      renewTime: formatMicroTime(now),
      leaseTransitions: 0,
    };

    let lease: Lease;
    try {
      lease = await this.client.get(namespace, name, signal);
    } catch (e) {
      if (!isApiError(e, 'NotFound')) {
        this.log.warn({ err: errText(e) }, 'error retrieving lease');
        return false;
      }
      try {
        const created = await this.client.create(
          namespace,
          { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec: specOf(desired) },
          signal,
        );
        this.setObserved(desired, created);
        return true;
      } catch (err) {
        this.log.info({ err: errText(err) }, 'error initially creating lease');
        return false;
      }
    }

    const old = recordOf(lease.spec);
    if (!sameRecord(this.observedRecord, old)) {
      this.observedRecord = old;
      this.observedTime = this.clock.now();
      this.observedLease = lease;
      this.maybeReportTransition();
    } else {
      this.observedLease = lease;
    }
    const durationMs = old.leaseDurationSeconds > 0 ? old.leaseDurationSeconds * 1000 : this.leaseDurationMs;
    const heldByUs = old.holderIdentity === identity;
    if (old.holderIdentity && !heldByUs && this.observedTime + durationMs > now) {
      this.log.debug({ holder: old.holderIdentity }, 'lease is held by another candidate and has not yet expired');
      return false;
    }

    if (heldByUs) {
      desired.acquireTime = old.acquireTime || desired.acquireTime;
      desired.leaseTransitions = old.leaseTransitions;
    } else {
      desired.leaseTransitions = old.leaseTransitions + 1;
    }
    try {
      const updated = await this.client.update(namespace, { ...lease, spec: specOf(desired) }, signal);
      this.setObserved(desired, updated);
      return true;
    } catch (e) {
      this.log.info({ err: errText(e) }, 'failed to update lease');
      return false;
    }
  }
}

/** Runs one election: resolves once leadership is lost or `opts.signal` aborts (never rejects). */
export async function runLeaderElection(opts: LeaderElectionOptions): Promise<void> {
  await new LeaderElector(opts).run();
}
