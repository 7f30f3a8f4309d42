import path from 'node:path';
import { apiReady, clusterView, kubeconfigText, writeKubeconfig, API_URL } from './cluster.js';
import { detectCompose, PROJECT } from './compose.js';
import { CliError, run } from './exec.js';
import { ensureImages, KUBEMU_IMAGE } from './images.js';

const CONTROL_PLANE = ['etcd', 'api-server', 'scheduler', 'controller-manager', 'kube-proxy', 'cluster-dns'];
const COMPOSE_NODES = 3;
const say = (line: string): void => void process.stdout.write(`${line}\n`);

function nodeCount(): number {
  const n = Number(process.env.KUBEMU_NODES ?? COMPOSE_NODES);
  if (!Number.isInteger(n) || n < 1 || n > 20) throw new CliError(`KUBEMU_NODES must be an integer from 1 to 20 (got ${process.env.KUBEMU_NODES})`, 2);
  return n;
}

export async function cmdUp(repoRoot: string): Promise<number> {
  const t0 = Date.now();
  const nodes = nodeCount();
  const compose = await detectCompose(repoRoot);
  say(`kubemu: using ${compose.label}`);
  say('images:');
  await ensureImages(repoRoot, say);
  const services = [...CONTROL_PLANE, ...Array.from({ length: Math.min(nodes, COMPOSE_NODES) }, (_, i) => `node-${i + 1}`)];
  say(`starting ${services.join(', ')}`);
  const up = await compose.run(['up', '-d', '--remove-orphans', ...services], { quiet: true });
  if (up.code !== 0) throw new CliError(`compose up failed:\n${up.stderr}`);
  for (let i = COMPOSE_NODES + 1; i <= nodes; i++) await addNode(repoRoot, `node-${i}`);
  await waitFor('api-server ready', 120_000, apiReady);
  await writeKubeconfig(path.join(repoRoot, 'kubeconfig'));
  const expected = Array.from({ length: nodes }, (_, i) => `node-${i + 1}`);
  // a Ready condition written before this `up` (kept in etcd across down/up) does not count: each kubelet
  // posts a fresh one when it starts (timestamps have one-second precision)
  const since = Math.floor(t0 / 1000) * 1000;
  await waitFor(`nodes Ready (${expected.join(', ')})`, 180_000, async () => {
    const view = await clusterView().catch(() => undefined);
    const ready = new Set(view?.nodes.filter((n) => n.ready && n.heartbeat >= since).map((n) => n.name));
    return expected.every((n) => ready.has(n));
  });
  say(`\nkubemu is up in ${((Date.now() - t0) / 1000).toFixed(1)} s — API at ${API_URL}, kubeconfig at ./kubeconfig\n`);
  say('try:');
  say('  export KUBECONFIG=$PWD/kubeconfig');
  say('  kubectl get nodes');
  say('  kubectl create deployment web --image=kubemu/testapp:local --replicas=3');
  say('  kubectl expose deployment web --port=80 --target-port=8080 --type=NodePort');
  say('  kubectl get svc web   # then curl 127.0.0.1:<nodePort>');
  say('  npm run kubemu -- status');
  return 0;
}

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const t0 = Date.now();
  process.stdout.write(`waiting for ${what} `);
  while (Date.now() - t0 < timeoutMs) {
    if (await check()) {
      process.stdout.write(`✓ ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
      return;
    }
    process.stdout.write('.');
    await new Promise((r) => setTimeout(r, 1000));
  }
  process.stdout.write('\n');
  throw new CliError(`timed out waiting for ${what}; see \`npm run kubemu -- logs <component>\``);
}

export async function cmdDown(repoRoot: string, volumes: boolean): Promise<number> {
  const compose = await detectCompose(repoRoot);
  // pod containers and added nodes are not compose services: remove them first so the pod network can go
  const listed = await run('docker', [
    'ps', '-a', '--filter', `label=io.kubemu.cluster=${PROJECT}`,
    '--format', '{{.ID}}\t{{.Label "com.docker.compose.service"}}\t{{.Label "com.docker.compose.oneoff"}}',
  ]);
  const ids = listed.stdout
    .split('\n')
    .map((l) => l.split('\t'))
    .filter(([id, service, oneoff]) => id && (!service || oneoff === 'True'))
    .map(([id]) => id);
  const down = await compose.run(['stop'], { quiet: true });
  if (ids.length) await run('docker', ['rm', '-f', ...ids]);
  const r = await compose.run(['down', '--remove-orphans', ...(volumes ? ['--volumes'] : [])], { quiet: true });
  if (down.code !== 0 || r.code !== 0) throw new CliError(`compose down failed:\n${down.stderr}${r.stderr}`);
  say(volumes ? 'kubemu is down; etcd data deleted' : 'kubemu is down; etcd data kept (npm run up brings everything back)');
  return 0;
}

export async function cmdStatus(repoRoot: string): Promise<number> {
  const compose = await detectCompose(repoRoot);
  const ps = await run('docker', ['ps', '-a', '--filter', `label=com.docker.compose.project=${PROJECT}`, '--format', '{{.Label "com.docker.compose.service"}}\t{{.Status}}']);
  say('components:');
  for (const line of ps.stdout.split('\n').filter(Boolean).sort()) {
    const [svc, status] = line.split('\t');
    say(`  ${svc.padEnd(20)} ${status}`);
  }
  if (!(await apiReady())) {
    say(`api-server not reachable at ${API_URL} (${compose.label}; run npm run up)`);
    return 1;
  }
  const v = await clusterView();
  say(`api-server: ${API_URL}   kubeconfig: ./kubeconfig`);
  say('nodes:');
  for (const n of v.nodes) say(`  ${n.name.padEnd(10)} ${n.ready ? 'Ready   ' : 'NotReady'} pods=${n.pods}`);
  say(`pods: ${v.pods.total} (${v.pods.running} running, ${v.pods.pending} pending)`);
  if (v.nodePorts.length) {
    say('NodePorts (on 127.0.0.1):');
    for (const p of v.nodePorts) say(`  ${p.service.padEnd(30)} port ${p.port} → http://127.0.0.1:${p.nodePort}`);
  }
  return 0;
}

export async function cmdKubeconfig(_repoRoot: string): Promise<number> {
  process.stdout.write(kubeconfigText());
  return 0;
}

export async function cmdLogs(repoRoot: string, component: string, follow: boolean): Promise<number> {
  const compose = await detectCompose(repoRoot);
  const r = await compose.run(['logs', '--tail', '200', ...(follow ? ['-f'] : []), component]);
  return r.code;
}

export async function cmdNode(repoRoot: string, args: string[]): Promise<number> {
  const [verb, name] = args;
  const compose = await detectCompose(repoRoot);
  switch (verb) {
    case 'stop':
    case 'start': {
      if (!name) throw new CliError(`usage: kubemu node ${verb} <name>`, 2);
      const isCompose = /^node-[1-3]$/.test(name);
      const r = isCompose ? await compose.run([verb, name], { quiet: true }) : await run('docker', [verb, `${PROJECT}-${name}`]);
      if (r.code !== 0) throw new CliError(`${verb} ${name} failed: ${r.stderr.trim()}`);
      say(`${name} ${verb === 'stop' ? 'stopped' : 'started'}`);
      return 0;
    }
    case 'add': {
      const v = await clusterView();
      const taken = new Set(v.nodes.map((n) => n.name));
      let i = 1;
      while (taken.has(`node-${i}`)) i++;
      await addNode(repoRoot, `node-${i}`);
      await waitFor(`node-${i} Ready`, 120_000, async () => (await clusterView()).nodes.some((n) => n.name === `node-${i}` && n.ready));
      return 0;
    }
    default:
      throw new CliError('usage: kubemu node stop|start <name> | node add', 2);
  }
}

/** Nodes beyond the compose file's three: a one-off container of the node-1 service with its own name. */
async function addNode(repoRoot: string, name: string): Promise<void> {
  const compose = await detectCompose(repoRoot);
  const r = await compose.run(['run', '-d', '--name', `${PROJECT}-${name}`, '-e', `KUBEMU_NODE_NAME=${name}`, '--label', 'io.kubemu.role=node', 'node-1'], { quiet: true });
  if (r.code !== 0) throw new CliError(`adding ${name} failed: ${r.stderr.trim()}`);
  say(`added ${name} (${KUBEMU_IMAGE})`);
}
