import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createInterface } from 'node:readline';
import { startTestCluster, call, type TestCluster } from '../support/api-server.js';
import { kubectlFor, type Kubectl } from '../support/kubectl.js';

const POD_YAML = `apiVersion: v1
kind: Pod
metadata:
  name: kc-pod
  labels:
    app: kc
spec:
  containers:
  - name: main
    image: busybox:latest
    command: ["sleep", "3600"]
`;

describe('the real kubectl against the api-server', () => {
  let c: TestCluster;
  let k: Kubectl;
  before(async () => {
    c = await startTestCluster();
    k = kubectlFor(c.url);
  });
  after(async () => {
    await c?.stop();
  });

  test('kubectl get ns lists the system namespaces', async () => {
    const r = await k.run(['get', 'ns']);
    assert.equal(r.code, 0, r.stderr);
    for (const ns of ['default', 'kube-node-lease', 'kube-public', 'kube-system']) assert.match(r.stdout, new RegExp(`^${ns}\\s`, 'm'));
  });

  test('kubectl create -f pod.yaml (default validation), then get pods -A shows it', async () => {
    const r = await k.run(['create', '-f', '-'], { input: POD_YAML });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'pod/kc-pod created');
    const again = await k.run(['create', '-f', '-'], { input: POD_YAML });
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /Error from server \(AlreadyExists\): error when creating "STDIN": pods "kc-pod" already exists/);
    const all = await k.run(['get', 'pods', '-A']);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /^default\s+kc-pod\s/m);
    const json = await k.run(['get', 'pod', 'kc-pod', '-o', 'json']);
    const pod = JSON.parse(json.stdout) as { status: { phase: string }; spec: { containers: { command: string[] }[] } };
    assert.equal(pod.status.phase, 'Pending');
    assert.deepEqual(pod.spec.containers[0].command, ['sleep', '3600']);
  });

  test('kubectl get with a missing name prints the upstream NotFound', async () => {
    const r = await k.run(['get', 'deploy', 'nope']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Error from server \(NotFound\): deployments.apps "nope" not found/);
  });

  test('kubectl label and annotate (merge patches) work', async () => {
    const r = await k.run(['label', 'pod', 'kc-pod', 'tier=web']);
    assert.equal(r.code, 0, r.stderr);
    const sel = await k.run(['get', 'pods', '-l', 'tier=web', '-o', 'name']);
    assert.equal(sel.stdout.trim(), 'pod/kc-pod');
  });

  test('kubectl get pods -w prints live changes', async () => {
    const w = k.spawn(['get', 'pods', '-w', '--output-watch-events']);
    const lines: string[] = [];
    const rl = createInterface({ input: w.stdout! });
    const seen = new Promise<void>((resolve) => {
      rl.on('line', (l) => {
        lines.push(l);
        if (lines.some((x) => /^MODIFIED\s+kc-pod\s/.test(x))) resolve();
      });
    });
    // wait for the initial line before changing anything
    for (let i = 0; i < 50 && !lines.some((l) => l.includes('kc-pod')); i++) await new Promise((r) => setTimeout(r, 100));
    await call(c.url, 'PATCH', '/api/v1/namespaces/default/pods/kc-pod', { metadata: { labels: { changed: 'yes' } } }, { 'content-type': 'application/merge-patch+json' });
    await Promise.race([seen, new Promise((_, rej) => setTimeout(() => rej(new Error(`no MODIFIED line; got ${JSON.stringify(lines)}`)), 10_000))]);
    w.kill();
    assert.match(lines[0] ?? '', /^EVENT\s+NAME\s+/);
    assert.match(lines[1] ?? '', /^ADDED\s+kc-pod\s/);
  });

  test('kubectl delete pod returns once the pod is gone', async () => {
    const t0 = Date.now();
    const r = await k.run(['delete', 'pod', 'kc-pod'], { timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'pod "kc-pod" deleted');
    assert.ok(Date.now() - t0 < 15_000);
    const g = await k.run(['get', 'pod', 'kc-pod']);
    assert.match(g.stderr, /NotFound/);
  });
});
