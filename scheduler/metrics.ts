/**
 * kube-scheduler's core metrics (pkg/scheduler/metrics), on the process's own registry:
 * scheduler_schedule_attempts_total{result,profile}, scheduler_scheduling_attempt_duration_seconds{result,profile},
 * scheduler_pod_scheduling_sli_duration_seconds{attempts} (end to end: first queued → bound) and
 * scheduler_pending_pods{queue}.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { PendingCounts } from './queue/scheduling-queue.js';

export type AttemptResult = 'scheduled' | 'unschedulable' | 'error';

/** exponential buckets 0.001 s × 2^k, like upstream's attempt-duration histogram */
const ATTEMPT_BUCKETS = Array.from({ length: 15 }, (_, i) => 0.001 * 2 ** i);
/** upstream SLI buckets: 0.01 s × 2^k, 20 of them */
const SLI_BUCKETS = Array.from({ length: 20 }, (_, i) => 0.01 * 2 ** i);

export class SchedulerMetrics {
  private readonly attempts: Counter<'result' | 'profile'>;
  private readonly attemptDuration: Histogram<'result' | 'profile'>;
  private readonly sli: Histogram<'attempts'>;

  constructor(
    registry: Registry,
    private readonly profile: string,
    pending: () => PendingCounts,
  ) {
    this.attempts = new Counter({
      name: 'scheduler_schedule_attempts_total',
      help: 'Number of attempts to schedule pods, by the result. unschedulable means a pod could not be scheduled, while error means an internal scheduler problem.',
      labelNames: ['result', 'profile'],
      registers: [registry],
    });
    this.attemptDuration = new Histogram({
      name: 'scheduler_scheduling_attempt_duration_seconds',
      help: 'Scheduling attempt latency in seconds (scheduling algorithm + binding)',
      labelNames: ['result', 'profile'],
      buckets: ATTEMPT_BUCKETS,
      registers: [registry],
    });
    this.sli = new Histogram({
      name: 'scheduler_pod_scheduling_sli_duration_seconds',
      help: 'E2e latency for a pod being scheduled, from the time the pod enters the scheduling queue until it is bound; may involve multiple scheduling attempts.',
      labelNames: ['attempts'],
      buckets: SLI_BUCKETS,
      registers: [registry],
    });
    new Gauge({
      name: 'scheduler_pending_pods',
      help: "Number of pending pods, by the queue type. 'active' means number of pods in activeQ; 'backoff' means number of pods in backoffQ; 'unschedulable' means number of pods in unschedulablePods; 'gated' means number of pods gated by scheduling gates.",
      labelNames: ['queue'],
      registers: [registry],
      collect() {
        const c = pending();
        for (const [queue, n] of Object.entries(c)) this.set({ queue }, n);
      },
    });
  }

  attempt(result: AttemptResult, seconds: number): void {
    this.attempts.inc({ result, profile: this.profile });
    this.attemptDuration.observe({ result, profile: this.profile }, seconds);
  }

  podScheduled(e2eSeconds: number, attempts: number): void {
    this.sli.observe({ attempts: String(Math.min(attempts, 16)) }, e2eSeconds);
  }
}
