/** kube-scheduler for kubemu: `node dist/scheduler/main.js --server http://127.0.0.1:6443`. */
import { defineConfig, parseFlagsOrExitCode } from '../common/config.js';
import { createRootLogger } from '../common/logger.js';
import { Shutdown } from '../common/shutdown.js';
import { startScheduler } from './scheduler.js';

const config = defineConfig({
  server: { type: 'string', default: 'http://127.0.0.1:6443', env: 'KUBEMU_API_SERVER', help: 'URL of the api-server' },
  schedulerName: { type: 'string', default: 'default-scheduler', help: 'the scheduler name this instance serves (spec.schedulerName)' },
  leaderElect: { type: 'boolean', default: true, env: 'KUBEMU_LEADER_ELECT', help: 'compete for the Lease kube-system/kube-scheduler and schedule only while leading' },
  leaderElectLeaseDuration: { type: 'duration', default: '15s', min: 1000, help: 'lease duration' },
  leaderElectRenewDeadline: { type: 'duration', default: '10s', min: 1000, help: 'how long the leader retries renewing before giving up' },
  leaderElectRetryPeriod: { type: 'duration', default: '2s', min: 100, help: 'interval between acquire / renew attempts' },
  leaderElectResourceNamespace: { type: 'string', default: 'kube-system', help: 'namespace of the leader-election Lease' },
  leaderElectResourceName: { type: 'string', default: 'kube-scheduler', help: 'name of the leader-election Lease' },
  healthPort: { type: 'number', default: 10259, env: 'KUBEMU_SCHEDULER_HEALTH_PORT', integer: true, min: 0, max: 65535, help: 'port for /healthz, /livez, /readyz and /metrics (0 = any free port)' },
  bindAddress: { type: 'string', default: '127.0.0.1', env: 'KUBEMU_SCHEDULER_BIND_ADDRESS', help: 'address the health server listens on' },
  podInitialBackoff: { type: 'duration', default: '1s', min: 1, help: 'backoff after the first failed attempt' },
  podMaxBackoff: { type: 'duration', default: '10s', min: 1, help: 'longest backoff between attempts' },
  percentageOfNodesToScore: { type: 'number', default: 0, integer: true, min: 0, max: 100, help: 'share of nodes to find feasible before scoring (0 = adaptive, as upstream)' },
  logLevel: { type: 'string', default: 'info', env: 'KUBEMU_LOG_LEVEL', choices: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], help: 'log level' },
});

async function main(): Promise<number> {
  const cfg = parseFlagsOrExitCode(config, 'kube-scheduler');
  if (typeof cfg === 'number') return cfg;
  const log = createRootLogger('kube-scheduler', { level: cfg.logLevel });
  if (cfg.podMaxBackoff < cfg.podInitialBackoff) {
    log.error('--pod-max-backoff must not be shorter than --pod-initial-backoff');
    return 2;
  }
  const shutdown = new Shutdown(log);
  shutdown.installSignalHandlers();
  let lost = false;
  const scheduler = await startScheduler({
    server: cfg.server,
    schedulerName: cfg.schedulerName,
    leaderElect: cfg.leaderElect,
    leaseNamespace: cfg.leaderElectResourceNamespace,
    leaseName: cfg.leaderElectResourceName,
    leaseDurationMs: cfg.leaderElectLeaseDuration,
    renewDeadlineMs: cfg.leaderElectRenewDeadline,
    retryPeriodMs: cfg.leaderElectRetryPeriod,
    healthPort: cfg.healthPort,
    healthHost: cfg.bindAddress,
    initialBackoffMs: cfg.podInitialBackoff,
    maxBackoffMs: cfg.podMaxBackoff,
    percentageOfNodesToScore: cfg.percentageOfNodesToScore,
    log,
    // upstream exits when it loses the lease ("leaderelection lost") and is restarted
    onLeadershipLost: () => {
      lost = true;
      void shutdown.shutdown('leader election lost');
    },
  });
  shutdown.register('scheduler', () => scheduler.close());
  const code = await shutdown.done;
  return lost ? 1 : code;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`scheduler failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
