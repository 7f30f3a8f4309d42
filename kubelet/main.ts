/** The kubelet process: flags → startKubelet; SIGTERM/SIGINT stop it (its containers keep running). */
import './v8-flags.js';
import { defineConfig, parseFlagsOrExitCode } from '../common/config.js';
import { createRootLogger } from '../common/logger.js';
import { Shutdown } from '../common/shutdown.js';
import { startKubelet } from './kubelet.js';

const flags = defineConfig({
  server: { type: 'string', default: 'http://127.0.0.1:6443', env: 'KUBEMU_API_SERVER', help: 'api-server URL' },
  nodeName: { type: 'string', required: true, env: 'KUBEMU_NODE_NAME', help: 'name of the Node this kubelet runs' },
  cpu: { type: 'string', default: '2', env: 'KUBEMU_NODE_CPU', help: 'CPU capacity of the node (a quantity, e.g. 2 or 1500m)' },
  memory: { type: 'string', default: '4Gi', env: 'KUBEMU_NODE_MEMORY', help: 'memory capacity of the node (a quantity)' },
  maxPods: { type: 'number', default: 110, integer: true, min: 1, env: 'KUBEMU_MAX_PODS', help: 'pods capacity of the node' },
  dockerSocket: { type: 'string', default: '/var/run/docker.sock', env: 'KUBEMU_DOCKER_SOCKET', help: 'Docker Engine socket' },
  podNetwork: { type: 'string', default: 'kubemu-pods', env: 'KUBEMU_POD_NETWORK', help: 'Docker network pods live on (created if missing)' },
  clusterName: { type: 'string', default: 'kubemu', env: 'KUBEMU_CLUSTER', help: 'value of the io.kubemu.cluster label on Docker objects' },
  crashloopMaxBackoff: { type: 'duration', default: '5m', min: 1000, help: 'cap of CrashLoopBackOff and ImagePullBackOff' },
  healthPort: { type: 'number', default: 10248, integer: true, min: -1, help: 'healthz/readyz port (0 = any free port, -1 = off)' },
  serverPort: { type: 'number', default: 10250, integer: true, min: 0, help: 'streaming server port (logs, exec, attach, port-forward)' },
  address: { type: 'string', default: '127.0.0.1', env: 'KUBEMU_KUBELET_ADDRESS', help: 'address the kubelet servers bind to' },
  nodeIp: { type: 'string', env: 'KUBEMU_NODE_IP', help: "the node's InternalIP (default: --address, or for 0.0.0.0 the first non-loopback IPv4)" },
  rootDir: { type: 'string', env: 'KUBEMU_KUBELET_ROOT', help: 'pod volume directories (default /var/lib/kubemu/kubelet/<node>)' },
  pauseImage: { type: 'string', default: 'kubemu/pause:local', help: 'sandbox image' },
  nodeStatusUpdateFrequency: { type: 'duration', default: '10s', min: 100, help: 'how often the node status is computed' },
  nodeStatusReportFrequency: { type: 'duration', default: '5m', min: 100, help: 'the node status is written at least this often' },
  nodeLeaseDurationSeconds: { type: 'number', default: 40, integer: true, min: 1, help: 'Lease duration; it is renewed every quarter of it' },
  syncFrequency: { type: 'duration', default: '1m', min: 1000, help: 'periodic re-sync of every pod' },
  imagePullTimeout: { type: 'duration', default: '20s', min: 100, help: 'bound of one image pull' },
  clusterDns: { type: 'string[]', default: ['10.96.0.10'], env: 'KUBEMU_CLUSTER_DNS', help: 'DNS server IPs of ClusterFirst pods (the kube-dns ClusterIP); empty: pods fall back to --resolv-conf' },
  clusterDomain: { type: 'string', default: 'cluster.local', env: 'KUBEMU_CLUSTER_DOMAIN', help: "the cluster's DNS domain, searched by pods" },
  resolvConf: { type: 'string', default: '/etc/resolv.conf', help: 'resolver configuration pods with dnsPolicy Default get (and whose search domains ClusterFirst pods get); empty: none' },
  logLevel: { type: 'string', default: 'info', env: 'KUBEMU_LOG_LEVEL', choices: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] },
});

async function main(): Promise<number> {
  const cfg = parseFlagsOrExitCode(flags, 'kubelet');
  if (typeof cfg === 'number') return cfg;
  const log = createRootLogger('kubelet', { level: cfg.logLevel });
  const shutdown = new Shutdown(log, { closerTimeoutMs: 60_000 });
  shutdown.installSignalHandlers();
  try {
    const kubelet = await startKubelet({
      server: cfg.server,
      nodeName: cfg.nodeName,
      cpu: cfg.cpu,
      memory: cfg.memory,
      maxPods: cfg.maxPods,
      dockerSocket: cfg.dockerSocket,
      podNetwork: cfg.podNetwork,
      clusterName: cfg.clusterName,
      crashLoopMaxBackoffMs: cfg.crashloopMaxBackoff,
      healthPort: cfg.healthPort,
      serverPort: cfg.serverPort,
      address: cfg.address,
      nodeIP: cfg.nodeIp,
      rootDir: cfg.rootDir ?? `/var/lib/kubemu/kubelet/${cfg.nodeName}`,
      pauseImage: cfg.pauseImage,
      nodeStatusUpdateFrequencyMs: cfg.nodeStatusUpdateFrequency,
      nodeStatusReportFrequencyMs: cfg.nodeStatusReportFrequency,
      nodeLeaseDurationSeconds: cfg.nodeLeaseDurationSeconds,
      syncFrequencyMs: cfg.syncFrequency,
      imagePullTimeoutMs: cfg.imagePullTimeout,
      clusterDNS: cfg.clusterDns,
      clusterDomain: cfg.clusterDomain,
      resolvConf: cfg.resolvConf,
      log,
    });
    shutdown.register('kubelet', () => kubelet.close());
  } catch (e) {
    log.error({ err: e instanceof Error ? e.message : String(e) }, 'kubelet failed to start');
    await shutdown.shutdown('start-up failed');
    return 1;
  }
  return shutdown.done;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
