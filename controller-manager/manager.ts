/**
 * The controller-manager: the controllers of controllers/index.ts on one set of shared informers, behind leader
 * election on the Lease kube-system/kube-controller-manager (upstream's lock). Informers and controllers exist only
 * while leading; a manager that loses the lease stops them and reports 'leader-lost' (its main.ts then exits, as
 * upstream's does, and is restarted).
 */
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { EventRecorder } from '../client/events.js';
import { runLeaderElection } from '../client/leader-election.js';
import { RestClient } from '../client/rest.js';
import { realClock, type Clock } from '../common/clock.js';
import { checkFn, startHealthServer, type HealthServer } from '../common/health.js';
import type { Logger } from '../common/logger.js';
import { createMetricsRegistry } from '../common/metrics.js';
import { DEFAULT_CONTROLLER_SETTINGS, type ControllerContext, type ControllerSettings } from './controllers/context.js';
import { selectControllers } from './controllers/index.js';
import { SharedInformers } from './informers.js';
import { createSyncMetrics } from './metrics.js';

export interface LeaderElectionSettings {
  namespace: string;
  name: string;
  /** Defaults to `<hostname>_<uuid>`, as upstream. */
  identity?: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

export const DEFAULT_LEADER_ELECTION: LeaderElectionSettings = {
  namespace: 'kube-system',
  name: 'kube-controller-manager',
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

export interface ControllerManagerOptions {
  /** The api-server URL, e.g. http://127.0.0.1:6443. */
  server: string;
  log: Logger;
  clock?: Clock;
  /** --controllers: names, `*`, `-name` (default: all). */
  controllers?: readonly string[];
  settings?: Partial<ControllerSettings>;
  /** undefined or false: run without leader election. */
  leaderElect?: boolean;
  leaderElection?: Partial<LeaderElectionSettings>;
  /** Serve /healthz, /livez, /readyz and /metrics on this port (0 = any free port); undefined = no server. */
  healthPort?: number;
  healthHost?: string;
  /** Informer resync period (0 = off). */
  resyncPeriodMs?: number;
  /** Aborting stops the manager like close(). */
  signal?: AbortSignal;
}

export type StopReason = 'stopped' | 'leader-lost';

export interface ControllerManager {
  /** The identity used for leader election. */
  identity: string;
  isLeader(): boolean;
  /** Leading, and the informer caches of this term have synced (the controllers' workers are running). */
  hasSynced(): boolean;
  /** Resolves once the manager has stopped. */
  done: Promise<StopReason>;
  healthPort: number | undefined;
  close(): Promise<void>;
}

export async function startControllerManager(opts: ControllerManagerOptions): Promise<ControllerManager> {
  const log = opts.log;
  const clock = opts.clock ?? realClock;
  const settings: ControllerSettings = { ...DEFAULT_CONTROLLER_SETTINGS, ...opts.settings };
  const selected = selectControllers(opts.controllers ?? ['*']);
  const le: LeaderElectionSettings = { ...DEFAULT_LEADER_ELECTION, ...opts.leaderElection };
  const identity = le.identity ?? `${hostname()}_${randomUUID()}`;
  const rest = new RestClient({ server: opts.server, userAgent: 'kube-controller-manager/v1.32.0 (kubemu)' });
  const registry = createMetricsRegistry('kube-controller-manager');
  const metrics = createSyncMetrics(registry);
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const onAbort = (): void => stop.abort();
  if (opts.signal?.aborted) stop.abort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });

  let leading = false;
  let current: SharedInformers | undefined;

  /** One term of leadership: informers, controllers, until `signal` aborts. */
  const lead = async (signal: AbortSignal): Promise<void> => {
    // every informer and worker pool listens on it
    setMaxListeners(0, signal);
    leading = true;
    const informers = new SharedInformers({ rest, log, clock, resyncPeriodMs: opts.resyncPeriodMs });
    current = informers;
    const recorders: EventRecorder[] = [];
    const base: Omit<ControllerContext, 'log'> = {
      rest,
      informers,
      clock,
      settings,
      metrics,
      recorder: (component) => {
        const r = new EventRecorder({ sink: rest, component, clock, log });
        recorders.push(r);
        return r;
      },
    };
    try {
      const controllers = selected.map((d) => ({ name: d.name, c: d.init({ ...base, log: log.child({ controller: d.name }) }) }));
      informers.start(signal);
      log.info({ controllers: controllers.map((c) => c.name) }, 'waiting for informer caches to sync');
      if (!(await informers.waitForSync(signal))) return;
      log.info('caches synced; starting controllers');
      await Promise.all(
        controllers.map(({ name, c }) =>
          c.run(signal).catch((e: unknown) => {
            log.error({ controller: name, err: e }, 'controller stopped with an error');
          }),
        ),
      );
    } catch (e) {
      log.error({ err: e }, 'starting the controllers failed');
    } finally {
      await informers.stop();
      await Promise.race([Promise.all(recorders.map((r) => r.flush())), clock.sleep(2000)]);
      leading = false;
      if (current === informers) current = undefined;
    }
  };

  let resolveDone!: (r: StopReason) => void;
  const done = new Promise<StopReason>((r) => (resolveDone = r));
  let term: Promise<void> | undefined;

  if (opts.leaderElect) {
    let lost = false;
    const election = runLeaderElection({
      client: rest,
      namespace: le.namespace,
      name: le.name,
      identity,
      signal: stop.signal,
      clock,
      log,
      leaseDurationMs: le.leaseDurationMs,
      renewDeadlineMs: le.renewDeadlineMs,
      retryPeriodMs: le.retryPeriodMs,
      // a clean shutdown hands the lease over at once (a restarted or replacement manager need not wait
      // out the lease duration, e.g. after `kubemu down` / `up`), as kube-scheduler does
      releaseOnCancel: true,
      callbacks: {
        onStartedLeading: (signal) => {
          term = lead(signal);
        },
        onStoppedLeading: () => {
          if (!stop.signal.aborted) {
            lost = true;
            log.error('leaderelection lost');
          }
        },
        onNewLeader: (id) => {
          if (id !== identity) log.info({ leader: id }, 'new leader elected');
        },
      },
    });
    void election.then(async () => {
      await term;
      resolveDone(lost ? 'leader-lost' : 'stopped');
    });
  } else {
    term = lead(stop.signal);
    void term.then(() => resolveDone('stopped'));
  }

  let health: HealthServer | undefined;
  if (opts.healthPort !== undefined) {
    health = await startHealthServer({
      port: opts.healthPort,
      host: opts.healthHost,
      log,
      registry,
      readyz: [checkFn('informer-sync', () => (leading && current && !current.hasSynced() ? 'informer caches not synced' : undefined))],
    });
  }

  return {
    identity,
    isLeader: () => leading,
    hasSynced: () => leading && current?.hasSynced() === true,
    done,
    healthPort: health?.port,
    close: async () => {
      stop.abort();
      opts.signal?.removeEventListener('abort', onAbort);
      await done;
      await health?.close();
      rest.close();
    },
  };
}
