import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { componentNodeArgs, freePort } from './api-process.js';
import { sleep } from './pool.js';

const MAIN = fileURLToPath(new URL('../../kube-proxy/main.js', import.meta.url));

/**
 * kube-proxy as its own process (as deployed), binding NodePorts on 127.0.0.1. ClusterIPs are served only with
 * `serviceCIDR` (kube-proxy then adds the route `local <cidr> dev lo`, which the caller removes).
 */
export async function startProxyProcess(apiUrl: string, o: { serviceCIDR?: string } = {}): Promise<{ stop(): Promise<void> }> {
  const healthPort = await freePort();
  const clusterIP = o.serviceCIDR ? ['--service-cluster-ip-range', o.serviceCIDR] : ['--cluster-ip-proxy=false'];
  const args = [MAIN, '--server', apiUrl, '--bind-address', '127.0.0.1', '--health-port', String(healthPort), '--log-level', 'warn', ...clusterIP];
  const child = spawn(process.execPath, [...componentNodeArgs(), ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${healthPort}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('kube-proxy did not become ready');
    await sleep(100);
  }
  return {
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
