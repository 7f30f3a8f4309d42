import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { metric, round } from '../metrics.js';
import { readRssMiB } from '../support/api-process.js';
import { sleep } from '../support/pool.js';
import type { Scenario } from '../types.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CLI = path.join(REPO, 'dist/cli/main.js');
const PROJECT_FILTER = 'label=com.docker.compose.project=kubemu';
const IMAGES = ['kubemu/kubemu:local', 'kubemu/node-base:local', 'kubemu/etcd:local', 'kubemu/pause:local', 'kubemu/testapp:local'];
const CONTROL_PLANE = ['api-server', 'scheduler', 'controller-manager', 'kube-proxy'];
const IDLE_SETTLE_MS = 15_000;

function sh(cmd: string, args: string[], timeoutMs = 600_000): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: REPO, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

async function kubemu(...args: string[]): Promise<number> {
  const t0 = performance.now();
  const r = await sh(process.execPath, [CLI, ...args]);
  if (r.code !== 0) throw new Error(`kubemu ${args.join(' ')} failed (${r.code}):\n${r.out.slice(-2000)}`);
  return performance.now() - t0;
}

/** RSS (MiB) of each running compose service's main process, read from /proc on this host. */
async function serviceRss(): Promise<Map<string, number>> {
  const ids = (await sh('docker', ['ps', '-q', '--filter', PROJECT_FILTER])).out.split('\n').filter(Boolean);
  const out = new Map<string, number>();
  for (const id of ids) {
    const r = await sh('docker', ['inspect', '-f', '{{index .Config.Labels "com.docker.compose.service"}} {{.State.Pid}}', id]);
    const [service, pid] = r.out.trim().split(' ');
    if (service && Number(pid) > 0) out.set(service, await readRssMiB(Number(pid)));
  }
  return out;
}

/**
 * `npm run up` as a newcomer runs it: from a clean machine (no kubemu images, no staged build context, no
 * data) and again with the images built, each until every node is Ready (up returns then); then the idle
 * memory of each component. Baseline: starting one container of the same image (`docker run --rm … node -e 0`).
 * Needs the kubemu compose project stopped; leaves it stopped with its data wiped.
 */
export const clusterUp: Scenario = {
  name: 'cluster-up',
  description: 'npm run up to all nodes Ready (clean machine, images built); idle RSS per component',
  timeoutMs: 900_000,
  run: async (ctx) => {
    if ((await sh('docker', ['ps', '-q', '--filter', PROJECT_FILTER])).out.trim()) {
      throw new Error('a kubemu cluster is running: stop it first (npm run down), this scenario starts and wipes its own');
    }
    ctx.defer(async () => {
      await kubemu('down', '--volumes');
    });
    await kubemu('down', '--volumes');
    for (const img of IMAGES) await sh('docker', ['rmi', '-f', img]);
    await rm(path.join(REPO, '.kubemu'), { recursive: true, force: true });
    ctx.log.info('up from a clean machine');
    const cleanMs = await kubemu('up');
    await kubemu('down', '--volumes');
    ctx.log.info('up with images built');
    const builtMs = await kubemu('up');
    await sleep(IDLE_SETTLE_MS);
    const rss = await serviceRss();
    await kubemu('down');
    ctx.log.info('up again on kept data');
    const restartMs = await kubemu('up');

    const t0 = performance.now();
    const base = await sh('docker', ['run', '--rm', '--label', 'io.kubemu.cluster=kubemu-bench', '--entrypoint', 'node', 'kubemu/kubemu:local', '-e', '0']);
    if (base.code !== 0) throw new Error(`baseline docker run failed: ${base.out}`);
    const oneContainerMs = performance.now() - t0;

    const controlPlane = CONTROL_PLANE.reduce((sum, s) => sum + (rss.get(s) ?? NaN), 0);
    const kubelets = [...rss].filter(([s]) => /^node-\d+$/.test(s)).map(([, v]) => v);
    const perKubelet = kubelets.reduce((a, b) => a + b, 0) / kubelets.length;
    return {
      metrics: [
        metric({ name: 'up to all nodes Ready, images built', unit: 'ms', value: builtMs, baseline: oneContainerMs, baselineLabel: 'docker run --rm of one container', target: { of: 'value', op: '<=', threshold: 15_000 } }),
        metric({ name: 'up to all nodes Ready, clean machine', unit: 'ms', value: cleanMs, baseline: oneContainerMs, baselineLabel: 'docker run --rm of one container' }),
        metric({ name: 'up after down, data kept', unit: 'ms', value: restartMs, baseline: oneContainerMs, baselineLabel: 'docker run --rm of one container' }),
        metric({ name: 'control-plane RSS at idle (api-server + scheduler + controller-manager + kube-proxy)', unit: 'MiB', value: controlPlane, target: { of: 'value', op: '<=', threshold: 300 } }),
        metric({ name: 'kubelet RSS at idle (mean per node)', unit: 'MiB', value: perKubelet }),
        metric({ name: 'etcd RSS at idle', unit: 'MiB', value: rss.get('etcd') ?? NaN }),
      ],
      details: { rssMiB: Object.fromEntries([...rss].map(([k, v]) => [k, round(v)])), idleSettleMs: IDLE_SETTLE_MS },
    };
  },
};
