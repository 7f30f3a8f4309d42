import { defineConfig, parseFlagsOrExitCode } from '../common/config.js';
import { createRootLogger } from '../common/logger.js';
import { createMetricsRegistry } from '../common/metrics.js';
import { startHealthServer } from '../common/health.js';
import { Shutdown } from '../common/shutdown.js';
import { startKubeProxy } from './proxy.js';

const config = defineConfig({
  server: { type: 'string', default: 'http://127.0.0.1:6443', env: 'KUBEMU_API_SERVER', help: 'api-server URL' },
  bindAddress: { type: 'string', default: '0.0.0.0', env: 'KUBEMU_PROXY_BIND_ADDRESS', help: 'address NodePorts and LoadBalancer ports listen on' },
  healthPort: { type: 'number', default: 10256, env: 'KUBEMU_PROXY_HEALTH_PORT', help: 'port for /healthz, /readyz and /metrics' },
  healthBindAddress: { type: 'string', default: '127.0.0.1', env: 'KUBEMU_PROXY_HEALTH_BIND_ADDRESS', help: 'address the health port listens on' },
  nodeName: { type: 'string', default: '', env: 'KUBEMU_NODE_NAME', help: 'node name reported in events' },
  clusterIpProxy: { type: 'boolean', default: true, env: 'KUBEMU_CLUSTER_IP_PROXY', help: 'serve Service ClusterIPs on this host (installs a local route for the service range; needs NET_ADMIN)' },
  serviceClusterIpRange: { type: 'string', default: '10.96.0.0/12', env: 'KUBEMU_SERVICE_CIDR', help: 'CIDR of Service ClusterIPs (the same as the api-server\'s)' },
  logLevel: { type: 'string', default: 'info', env: 'KUBEMU_LOG_LEVEL', help: 'log level' },
});

async function main(): Promise<number> {
  const cfg = parseFlagsOrExitCode(config, 'kube-proxy');
  if (typeof cfg === 'number') return cfg;
  const log = createRootLogger('kube-proxy', { level: cfg.logLevel });
  const shutdown = new Shutdown(log);
  shutdown.installSignalHandlers();
  const registry = createMetricsRegistry('kube-proxy');
  const proxy = await startKubeProxy({
    server: cfg.server,
    bindAddress: cfg.bindAddress,
    log,
    registry,
    signal: shutdown.signal,
    nodeName: cfg.nodeName || undefined,
    serviceCIDR: cfg.clusterIpProxy ? cfg.serviceClusterIpRange : undefined,
  });
  shutdown.register('kube-proxy', () => proxy.close());
  const health = await startHealthServer({
    port: cfg.healthPort,
    host: cfg.healthBindAddress,
    log,
    registry,
    readyz: [{ name: 'proxy-sync', check: async () => { if (!proxy.isSynced()) throw new Error('services not synced yet'); } }],
  });
  shutdown.register('health', () => health.close());
  log.info({ bindAddress: cfg.bindAddress, healthPort: health.port, serviceCIDR: cfg.clusterIpProxy ? cfg.serviceClusterIpRange : 'off' }, 'kube-proxy running');
  return shutdown.done;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`kube-proxy failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
