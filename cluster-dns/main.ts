/** The cluster DNS process: flags → startClusterDns; SIGTERM/SIGINT mark its endpoint not ready and stop it. */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { defineConfig, parseFlagsOrExitCode } from '../common/config.js';
import { checkFn, startHealthServer } from '../common/health.js';
import { createRootLogger } from '../common/logger.js';
import { createMetricsRegistry } from '../common/metrics.js';
import { parseResolvConf } from '../common/resolv-conf.js';
import { Shutdown } from '../common/shutdown.js';
import { parseUpstream } from './forward.js';
import { startClusterDns, type ClusterDns } from './server.js';

const config = defineConfig({
  server: { type: 'string', default: 'http://127.0.0.1:6443', env: 'KUBEMU_API_SERVER', help: 'api-server URL' },
  bindAddress: { type: 'string', default: '0.0.0.0', env: 'KUBEMU_DNS_BIND_ADDRESS', help: 'address the DNS server listens on (UDP and TCP)' },
  port: { type: 'number', default: 53, integer: true, min: 0, max: 65535, env: 'KUBEMU_DNS_PORT', help: 'DNS port (UDP and TCP)' },
  clusterDomain: { type: 'string', default: 'cluster.local', env: 'KUBEMU_CLUSTER_DOMAIN', help: 'the cluster domain this server is authoritative for' },
  upstreamNameservers: {
    type: 'string[]',
    env: 'KUBEMU_DNS_UPSTREAMS',
    help: 'nameservers (ip or ip:port) for names outside the cluster domain; default: those of /etc/resolv.conf; empty: refuse such names',
  },
  resolvConf: { type: 'string', default: '/etc/resolv.conf', help: 'resolv.conf the default upstream nameservers are read from' },
  clusterDnsIp: { type: 'string', default: '10.96.0.10', env: 'KUBEMU_CLUSTER_DNS', help: 'ClusterIP of the kube-dns Service' },
  advertiseAddress: { type: 'string', env: 'KUBEMU_DNS_ADVERTISE_ADDRESS', help: "address published in kube-dns's EndpointSlice (default: first non-internal IPv4)" },
  publish: { type: 'boolean', default: true, help: 'create and maintain the kube-dns Service and EndpointSlice' },
  healthPort: { type: 'number', default: 8080, integer: true, min: 0, max: 65535, env: 'KUBEMU_DNS_HEALTH_PORT', help: 'port for /healthz, /readyz and /metrics' },
  healthBindAddress: { type: 'string', default: '0.0.0.0', env: 'KUBEMU_DNS_HEALTH_BIND_ADDRESS', help: 'address the health port listens on' },
  logLevel: { type: 'string', default: 'info', env: 'KUBEMU_LOG_LEVEL', choices: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] },
});

function firstExternalIPv4(): string {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

async function main(): Promise<number> {
  const cfg = parseFlagsOrExitCode(config, 'cluster-dns');
  if (typeof cfg === 'number') return cfg;
  const log = createRootLogger('cluster-dns', { level: cfg.logLevel });
  const shutdown = new Shutdown(log);
  shutdown.installSignalHandlers();
  const upstreamList = cfg.upstreamNameservers ?? parseResolvConf(readFileSync(cfg.resolvConf, 'utf8')).nameservers;
  let upstreams;
  try {
    upstreams = upstreamList.map(parseUpstream);
  } catch (e) {
    process.stderr.write(`cluster-dns: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const registry = createMetricsRegistry('cluster-dns');
  const started: { dns?: ClusterDns } = {};
  const health = await startHealthServer({
    port: cfg.healthPort,
    host: cfg.healthBindAddress,
    log,
    registry,
    readyz: [checkFn('zone-synced', () => (started.dns?.isReady() ? undefined : 'caches not synced yet'))],
  });
  shutdown.register('health', () => health.close());
  const dns = await startClusterDns({
    server: cfg.server,
    bindAddress: cfg.bindAddress,
    port: cfg.port,
    clusterDomain: cfg.clusterDomain,
    upstreams,
    clusterDnsIP: cfg.clusterDnsIp,
    publish: cfg.publish,
    advertiseAddress: cfg.advertiseAddress ?? firstExternalIPv4(),
    metricsPort: health.port,
    log,
    registry,
  });
  started.dns = dns;
  shutdown.register('cluster-dns', () => dns.close());
  log.info({ port: dns.port, upstreams: upstreamList, clusterDomain: cfg.clusterDomain, healthPort: health.port }, 'cluster-dns running');
  return shutdown.done;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`cluster-dns failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
