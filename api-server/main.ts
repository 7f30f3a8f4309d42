import { defineConfig, parseFlagsOrExitCode } from '../common/config.js';
import { createRootLogger } from '../common/logger.js';
import { Shutdown } from '../common/shutdown.js';
import { startApiServer } from './server.js';

const config = defineConfig({
  etcdServers: { type: 'string[]', default: ['http://127.0.0.1:2379'], env: 'KUBEMU_ETCD_SERVERS', help: 'etcd client URLs' },
  port: { type: 'number', default: 6443, env: 'KUBEMU_API_PORT', help: 'port to serve the Kubernetes API on' },
  bindAddress: { type: 'string', default: '0.0.0.0', env: 'KUBEMU_API_BIND_ADDRESS', help: 'address to listen on' },
  advertiseAddress: { type: 'string', default: '', env: 'KUBEMU_API_ADVERTISE', help: 'host:port clients use (shown in /api)' },
  serviceClusterIpRange: { type: 'string', default: '10.96.0.0/12', env: 'KUBEMU_SERVICE_CIDR', help: 'CIDR for Service ClusterIPs' },
  serviceNodePortRange: { type: 'string', default: '30000-32767', env: 'KUBEMU_NODEPORT_RANGE', help: 'range of Service NodePorts' },
  compactionInterval: { type: 'duration', default: '5m', env: 'KUBEMU_ETCD_COMPACTION_INTERVAL', help: 'how often etcd history is compacted (0 = never)' },
  defaultTolerationSeconds: {
    type: 'number',
    integer: true,
    min: 0,
    default: 300,
    env: 'KUBEMU_DEFAULT_TOLERATION_SECONDS',
    help: 'tolerationSeconds of the not-ready/unreachable NoExecute tolerations added to every pod lacking them',
  },
  logLevel: { type: 'string', default: 'info', env: 'KUBEMU_LOG_LEVEL', help: 'log level' },
});

async function main(): Promise<number> {
  const cfg = parseFlagsOrExitCode(config, 'api-server');
  if (typeof cfg === 'number') return cfg;
  const log = createRootLogger('api-server', { level: cfg.logLevel });
  const [min, max] = cfg.serviceNodePortRange.split('-').map(Number);
  if (!min || !max || min > max) {
    log.error({ range: cfg.serviceNodePortRange }, 'invalid --service-node-port-range');
    return 2;
  }
  const shutdown = new Shutdown(log);
  shutdown.installSignalHandlers();
  const server = await startApiServer({
    etcdServers: cfg.etcdServers,
    port: cfg.port,
    host: cfg.bindAddress,
    advertiseAddress: cfg.advertiseAddress || undefined,
    serviceNetwork: { serviceCIDR: cfg.serviceClusterIpRange, nodePortMin: min, nodePortMax: max },
    compactionIntervalMs: cfg.compactionInterval,
    defaultTolerationSeconds: cfg.defaultTolerationSeconds,
    log,
    signal: shutdown.signal,
  }).catch((e: unknown) => {
    if (shutdown.signal.aborted) return undefined;
    throw e;
  });
  if (!server) return shutdown.done;
  shutdown.register('api-server', () => server.close());
  return shutdown.done;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`api-server failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
