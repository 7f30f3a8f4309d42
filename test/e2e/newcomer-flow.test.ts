import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { requireDocker } from '../support/docker.js';

/**
 * The README's newcomer flow through docker compose, exactly as written there: up; apply a Deployment +
 * NodePort Service; curl reaches several pods; scale; down and up again with every object kept, the
 * workload back to its desired state and the Service answering; down.
 */
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const kubeconfig = path.join(repo, 'kubeconfig');

function sh(cmd: string, args: string[], timeoutMs = 300_000): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: repo, timeout: timeoutMs, env: { ...process.env, KUBECONFIG: kubeconfig }, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}
const kubemu = (...args: string[]) => sh(process.execPath, ['dist/cli/main.js', ...args]);
const kubectl = (...args: string[]) => sh('kubectl', args, 60_000);

/** One GET on a new connection each time, as curl does (a kept-alive connection would stay on one pod). */
function curlOnce(): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = http.get('http://127.0.0.1:30080/', { agent: false, timeout: 3000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(res.statusCode === 200 ? body.trim() : undefined));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

async function curlNames(n: number): Promise<Set<string>> {
  const names = new Set<string>();
  for (let i = 0; i < n; i++) {
    const name = await curlOnce();
    if (name && /^web-/.test(name)) names.add(name);
  }
  return names;
}

/** What a person would look at when the cluster does not answer: pods, endpoints, component logs. */
async function diagnostics(): Promise<string> {
  const parts = [
    await kubectl('get', 'nodes,pods,endpointslices', '-A', '-o', 'wide'),
    await kubemu('status'),
    ...(await Promise.all(['kube-proxy', 'controller-manager', 'node-1'].map((c) => kubemu('logs', c)))),
  ];
  return parts.map((p) => p.out.trim().split('\n').slice(-25).join('\n')).join('\n---\n');
}

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}\n${await diagnostics()}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

describe('newcomer flow: npm run up, kubectl, curl, scale, down', { timeout: 15 * 60_000 }, () => {
  before(async () => {
    await requireDocker();
  });
  after(async () => {
    await kubemu('down', '--volumes');
  });

  test('up brings a 3-node cluster and writes ./kubeconfig', async () => {
    const up = await kubemu('up');
    assert.equal(up.code, 0, up.out);
    assert.match(up.out, /kubemu is up in/);
    const nodes = await kubectl('get', 'nodes');
    assert.equal(nodes.code, 0, nodes.out);
    for (const n of ['node-1', 'node-2', 'node-3']) assert.match(nodes.out, new RegExp(`^${n}\\s+Ready\\s`, 'm'));
  });

  test('apply a Deployment and a NodePort Service; curl reaches at least two pods', async () => {
    const apply = await kubectl('apply', '-f', 'examples/web.yaml');
    assert.equal(apply.code, 0, apply.out);
    assert.match(apply.out, /deployment.apps\/web created/);
    assert.match(apply.out, /service\/web created/);
    const names = await eventually('curl to reach two pods', async () => {
      const s = await curlNames(12);
      return s.size >= 2 ? s : undefined;
    });
    for (const n of names) assert.match(n, /^web-[a-z0-9]+-[a-z0-9]{5}$/);
  });

  test('inside a pod, the Service name resolves through cluster DNS and answers through its ClusterIP', async () => {
    const r = await eventually('wget http://web from a pod', async () => {
      // (no -T: Debian's static busybox wget crashes with a timeout set; kubectl's own timeout bounds this)
      const out = await kubectl('exec', 'deploy/web', '--', 'wget', '-qO-', 'http://web');
      return out.code === 0 ? out : undefined;
    }, 60_000);
    assert.match(r.out.trim(), /^web-[a-z0-9]+-[a-z0-9]{5}$/);
  });

  test('scale to 5 and back to 3', async () => {
    assert.equal((await kubectl('scale', 'deployment/web', '--replicas=5')).code, 0);
    await eventually('5 ready replicas', async () => ((await kubectl('get', 'deploy', 'web', '-o', 'jsonpath={.status.readyReplicas}')).out.trim() === '5' ? true : undefined));
    assert.equal((await kubectl('scale', 'deployment/web', '--replicas=3')).code, 0);
    await eventually('3 pods', async () => ((await kubectl('get', 'pods', '-l', 'app=web', '-o', 'name')).out.trim().split('\n').length === 3 ? true : undefined));
  });

  test('down then up keeps every object; pods come back and the Service answers again', async () => {
    const before = (await kubectl('get', 'deploy,rs,svc,pods', '-o', 'name')).out.trim().split('\n').sort();
    const down = await kubemu('down');
    assert.equal(down.code, 0, down.out);
    assert.match(down.out, /etcd data kept/);
    const up = await kubemu('up');
    assert.equal(up.code, 0, up.out);
    const after = (await kubectl('get', 'deploy,rs,svc,pods', '-o', 'name')).out.trim().split('\n').sort();
    assert.deepEqual(after, before);
    await eventually('3 ready replicas after up', async () => ((await kubectl('get', 'deploy', 'web', '-o', 'jsonpath={.status.readyReplicas}')).out.trim() === '3' ? true : undefined));
    await eventually('curl to reach two pods after up', async () => ((await curlNames(12)).size >= 2 ? true : undefined));
  });
});
