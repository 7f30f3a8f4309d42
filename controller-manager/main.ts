import { ConfigError, defineConfig, parseFlagsOrExitCode } from '../common/config.js';
import { createRootLogger } from '../common/logger.js';
import { Shutdown } from '../common/shutdown.js';
import { DEFAULT_CONTROLLER_SETTINGS } from './controllers/context.js';
import { CONTROLLERS } from './controllers/index.js';
import { DEFAULT_LEADER_ELECTION, startControllerManager } from './manager.js';

const d = DEFAULT_CONTROLLER_SETTINGS;
const le = DEFAULT_LEADER_ELECTION;

const config = defineConfig({
  loadBalancerAddress: { type: 'string', default: '127.0.0.1', env: 'KUBEMU_LOAD_BALANCER_ADDRESS', help: 'ingress IP given to LoadBalancer Services (kube-proxy opens their ports there)' },
  server: { type: 'string', default: 'http://127.0.0.1:6443', env: 'KUBEMU_API_SERVER', help: 'URL of the api-server' },
  leaderElect: { type: 'boolean', default: true, env: 'KUBEMU_KCM_LEADER_ELECT', help: 'run only while holding the leader Lease' },
  leaderElectLeaseDuration: { type: 'duration', default: le.leaseDurationMs, help: 'leader election lease duration' },
  leaderElectRenewDeadline: { type: 'duration', default: le.renewDeadlineMs, help: 'leader election renew deadline' },
  leaderElectRetryPeriod: { type: 'duration', default: le.retryPeriodMs, help: 'leader election retry period' },
  leaderElectResourceNamespace: { type: 'string', default: le.namespace, help: 'namespace of the leader Lease' },
  leaderElectResourceName: { type: 'string', default: le.name, help: 'name of the leader Lease' },
  controllers: {
    type: 'string[]',
    default: ['*'],
    env: 'KUBEMU_KCM_CONTROLLERS',
    help: `controllers to run: '*' for all, 'foo' to enable, '-foo' to disable; known: ${CONTROLLERS.map((c) => c.name).join(', ')}`,
  },
  concurrentDeploymentSyncs: { type: 'number', integer: true, min: 1, default: d.concurrentDeploymentSyncs, help: 'deployment workers' },
  concurrentReplicasetSyncs: { type: 'number', integer: true, min: 1, default: d.concurrentReplicaSetSyncs, help: 'replicaset workers' },
  concurrentEndpointSyncs: { type: 'number', integer: true, min: 1, default: d.concurrentEndpointSyncs, help: 'endpoints workers' },
  concurrentServiceEndpointSyncs: { type: 'number', integer: true, min: 1, default: d.concurrentServiceEndpointSyncs, help: 'endpointslice workers' },
  concurrentGcSyncs: { type: 'number', integer: true, min: 1, default: d.concurrentGcSyncs, help: 'garbage collector workers' },
  concurrentNamespaceSyncs: { type: 'number', integer: true, min: 1, default: d.concurrentNamespaceSyncs, help: 'namespace workers' },
  concurrentTaintEvictionSyncs: { type: 'number', integer: true, min: 1, default: d.concurrentTaintEvictionSyncs, help: 'taint-eviction workers' },
  concurrentJobSyncs: { type: 'number', integer: true, min: 1, default: d.concurrentJobSyncs, help: 'job workers' },
  concurrentCronJobSyncs: { type: 'number', integer: true, min: 1, default: d.concurrentCronJobSyncs, help: 'cronjob workers' },
  concurrentTtlAfterFinishedSyncs: { type: 'number', integer: true, min: 1, default: d.concurrentTtlAfterFinishedSyncs, help: 'ttl-after-finished workers' },
  nodeMonitorPeriod: { type: 'duration', min: 1, default: d.nodeMonitorPeriodMs, env: 'KUBEMU_NODE_MONITOR_PERIOD', help: 'how often node health is checked' },
  nodeMonitorGracePeriod: {
    type: 'duration',
    min: 1,
    default: d.nodeMonitorGracePeriodMs,
    env: 'KUBEMU_NODE_MONITOR_GRACE_PERIOD',
    help: 'a node silent for this long becomes NotReady (Unknown)',
  },
  nodeStartupGracePeriod: { type: 'duration', min: 1, default: d.nodeStartupGracePeriodMs, help: 'the same for a node that never posted status' },
  nodeEvictionRate: { type: 'number', min: 0, default: d.nodeEvictionRate, help: 'nodes per second tainted for eviction in a healthy zone' },
  secondaryNodeEvictionRate: { type: 'number', min: 0, default: d.secondaryNodeEvictionRate, help: 'the same in a partially disrupted large zone' },
  unhealthyZoneThreshold: { type: 'number', min: 0, max: 1, default: d.unhealthyZoneThreshold, help: 'share of not-ready nodes making a zone unhealthy' },
  largeClusterSizeThreshold: { type: 'number', integer: true, min: 0, default: d.largeClusterSizeThreshold, help: 'zones up to this size stop evicting when unhealthy' },
  healthPort: { type: 'number', integer: true, min: 0, max: 65535, default: 10257, env: 'KUBEMU_KCM_HEALTH_PORT', help: 'port of /healthz, /readyz and /metrics' },
  healthBindAddress: { type: 'string', default: '127.0.0.1', env: 'KUBEMU_KCM_HEALTH_BIND_ADDRESS', help: 'address of the health server' },
  logLevel: { type: 'string', default: 'info', env: 'KUBEMU_LOG_LEVEL', help: 'log level' },
});

async function main(): Promise<number> {
  const cfg = parseFlagsOrExitCode(config, 'controller-manager');
  if (typeof cfg === 'number') return cfg;
  const log = createRootLogger('kube-controller-manager', { level: cfg.logLevel });
  const shutdown = new Shutdown(log);
  shutdown.installSignalHandlers();
  let manager;
  try {
    manager = await startControllerManager({
      server: cfg.server,
      log,
      controllers: cfg.controllers,
      leaderElect: cfg.leaderElect,
      leaderElection: {
        namespace: cfg.leaderElectResourceNamespace,
        name: cfg.leaderElectResourceName,
        leaseDurationMs: cfg.leaderElectLeaseDuration,
        renewDeadlineMs: cfg.leaderElectRenewDeadline,
        retryPeriodMs: cfg.leaderElectRetryPeriod,
      },
      settings: {
        concurrentDeploymentSyncs: cfg.concurrentDeploymentSyncs,
        concurrentReplicaSetSyncs: cfg.concurrentReplicasetSyncs,
        concurrentEndpointSyncs: cfg.concurrentEndpointSyncs,
        concurrentServiceEndpointSyncs: cfg.concurrentServiceEndpointSyncs,
        concurrentGcSyncs: cfg.concurrentGcSyncs,
        concurrentNamespaceSyncs: cfg.concurrentNamespaceSyncs,
        concurrentTaintEvictionSyncs: cfg.concurrentTaintEvictionSyncs,
        concurrentJobSyncs: cfg.concurrentJobSyncs,
        concurrentTtlAfterFinishedSyncs: cfg.concurrentTtlAfterFinishedSyncs,
        concurrentCronJobSyncs: cfg.concurrentCronJobSyncs,
        nodeMonitorPeriodMs: cfg.nodeMonitorPeriod,
        nodeMonitorGracePeriodMs: cfg.nodeMonitorGracePeriod,
        nodeStartupGracePeriodMs: cfg.nodeStartupGracePeriod,
        nodeEvictionRate: cfg.nodeEvictionRate,
        secondaryNodeEvictionRate: cfg.secondaryNodeEvictionRate,
        unhealthyZoneThreshold: cfg.unhealthyZoneThreshold,
        largeClusterSizeThreshold: cfg.largeClusterSizeThreshold,
        loadBalancerAddress: cfg.loadBalancerAddress,
      },
      healthPort: cfg.healthPort,
      healthHost: cfg.healthBindAddress,
      signal: shutdown.signal,
    });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`controller-manager: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const m = manager;
  shutdown.register('controller-manager', () => m.close());
  const reason = await Promise.race([m.done, shutdown.done.then(() => 'stopped' as const)]);
  if (reason === 'leader-lost') {
    // upstream exits when it loses the lease; the supervisor restarts it as a fresh candidate
    await shutdown.shutdown('leader election lost');
    return 1;
  }
  return shutdown.done;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`controller-manager failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
