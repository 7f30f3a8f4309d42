/**
 * logs, exec, attach, port-forward and cp through the api-server's proxy to the kubelet, with the real kubectl
 * (WebSocket v5, SPDY-in-WebSocket port-forward and its plain SPDY fallback) and @kubernetes/client-node
 * (channel protocols), plus raw older channel protocols.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { Exec, KubeConfig, PortForward, type V1Status } from '@kubernetes/client-node';
import { WebSocket } from 'ws';
import { kubectlFor, type Kubectl } from '../support/kubectl.js';
import { PODS, TESTAPP_IMAGE, dockerContainers, isReady, startKubeletEnv, testPod, waitFor, waitForPod, type KubeletEnv } from '../support/kubelet.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** One exec over a raw channel WebSocket with a single offered protocol; returns the channels' text. */
function rawExec(base: string, pod: string, cmd: string[], protocol: string): Promise<{ protocol: string; stdout: string; error: string }> {
  const q = new URLSearchParams({ stdout: 'true', stderr: 'true' });
  for (const c of cmd) q.append('command', c);
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/api/v1/namespaces/default/pods/${pod}/exec?${q.toString()}`, [protocol]);
  let stdout = '';
  let error = '';
  return new Promise((resolve, reject) => {
    ws.on('message', (data: Buffer) => {
      if (data[0] === 1) stdout += data.subarray(1).toString();
      if (data[0] === 3) error += data.subarray(1).toString();
    });
    ws.on('close', () => resolve({ protocol: ws.protocol, stdout, error }));
    ws.on('error', reject);
  });
}

describe('kubelet streaming through the api-server: logs, exec, attach, port-forward, cp', () => {
  let env: KubeletEnv;
  let k: Kubectl;
  let kc: KubeConfig;
  let podIP: string | undefined;
  const dir = mkdtempSync(path.join(tmpdir(), 'kubemu-stream-'));

  before(async () => {
    env = await startKubeletEnv({ nodes: ['node-1'], kubelet: { crashLoopMaxBackoffMs: 3000 } });
    k = kubectlFor(env.cluster.url);
    kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'kubemu', server: env.cluster.url, skipTLSVerify: true }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'ctx', cluster: 'kubemu', user: 'u' }],
      currentContext: 'ctx',
    });
    await env.rest.create(PODS, 'default', testPod('web', 'node-1', {
      containers: [{ name: 'app', image: TESTAPP_IMAGE, env: [{ name: 'POD_NAME', value: 'web' }], readinessProbe: { httpGet: { path: '/readyz', port: 8080 }, periodSeconds: 1 } }],
    }));
    const p = await waitForPod(env.rest, 'web', 'ready', isReady);
    podIP = p.status?.podIP;
  });
  after(async () => {
    const name = env?.clusterName;
    await env?.stop();
    rmSync(dir, { recursive: true, force: true });
    if (name) assert.deepEqual(await dockerContainers(name), [], 'no container of the test cluster is left');
  });

  test('kubectl logs: tail, timestamps, limit-bytes; -f follows new lines until stopped', async () => {
    await env.rest.create(PODS, 'default', testPod('chatty', 'node-1', { containers: [{ name: 'app', image: TESTAPP_IMAGE, args: ['log-lines', '--count=6', '--interval=400'] }] }));
    await waitForPod(env.rest, 'chatty', 'running', (p) => p.status?.phase === 'Running');
    const child = k.spawn(['logs', '-f', 'chatty']);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor('line 6 to arrive on the follow stream', async () => out.includes('line 6'), 15_000, 100);
    assert.match(out, /^line 1\nline 2\n/);
    assert.equal(child.exitCode, null, 'follow keeps the stream open');
    child.kill();
    const tail = await k.run(['logs', 'chatty', '--tail=2']);
    assert.equal(tail.stdout, 'line 5\nline 6\n');
    const ts = await k.run(['logs', 'chatty', '--tail=1', '--timestamps']);
    assert.match(ts.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z line 6\n$/);
    const limited = await k.run(['logs', 'chatty', '--limit-bytes=9']);
    assert.equal(limited.stdout, 'line 1\nli');
    const since = await k.run(['logs', 'chatty', '--since=1h']);
    assert.match(since.stdout, /line 1\n/);
    const bad = await k.run(['logs', 'chatty', '-c', 'nope']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /container nope is not valid for pod chatty/);
    await env.rest.delete(PODS, 'default', 'chatty', { gracePeriodSeconds: 1 });
  });

  test('kubectl logs --previous shows the last terminated instance', async () => {
    await env.rest.create(PODS, 'default', testPod('phoenix', 'node-1', {
      containers: [{ name: 'app', image: TESTAPP_IMAGE, command: ['sh', '-c', 'echo run $(date +%s); sleep 1; exit 1'] }],
    }));
    await waitForPod(env.rest, 'phoenix', 'restarted', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 20_000);
    const prev = await k.run(['logs', 'phoenix', '--previous']);
    assert.equal(prev.code, 0, prev.stderr);
    assert.match(prev.stdout, /^run \d+\n$/);
    await env.rest.delete(PODS, 'default', 'phoenix', { gracePeriodSeconds: 1 });
  });

  test('kubectl exec: stdout, stderr, stdin and exit codes', async () => {
    const r = await k.run(['exec', 'web', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.equal(r.code, 3);
    assert.equal(r.stdout, 'out\n');
    assert.match(r.stderr, /^err\ncommand terminated with exit code 3\n$/);
    const ok = await k.run(['exec', 'web', '--', 'hostname']);
    assert.deepEqual([ok.code, ok.stdout], [0, 'web\n']);
    const withStdin = await k.run(['exec', '-i', 'web', '--', 'sh', '-c', 'tr a-z A-Z; echo done'], { input: 'hello\nworld\n' });
    assert.deepEqual([withStdin.code, withStdin.stdout], [0, 'HELLO\nWORLD\ndone\n']);
    const missing = await k.run(['exec', 'web', '--', '/no/such/thing']);
    assert.notEqual(missing.code, 0);
  });

  test('@kubernetes/client-node Exec (v5) and raw v4 / v1 channel protocols carry the exit status', async () => {
    const out = new PassThrough();
    let stdout = '';
    out.on('data', (d: Buffer) => (stdout += d.toString()));
    const status = await new Promise<V1Status>((resolve, reject) => {
      new Exec(kc).exec('default', 'web', 'app', ['sh', '-c', 'cat; exit 5'], out, null, Readable.from(['from client-node\n']), false, resolve).catch(reject);
    });
    assert.equal(status.status, 'Failure');
    assert.equal(status.reason, 'NonZeroExitCode');
    assert.deepEqual(status.details?.causes, [{ reason: 'ExitCode', message: '5' }]);
    await waitFor('stdout', async () => stdout === 'from client-node\n', 3000, 50);
    const v4 = await rawExec(env.cluster.url, 'web', ['sh', '-c', 'echo four; exit 2'], 'v4.channel.k8s.io');
    assert.equal(v4.protocol, 'v4.channel.k8s.io');
    assert.equal(v4.stdout, 'four\n');
    assert.deepEqual((JSON.parse(v4.error) as V1Status).details?.causes, [{ reason: 'ExitCode', message: '2' }]);
    const v4ok = await rawExec(env.cluster.url, 'web', ['true'], 'v4.channel.k8s.io');
    assert.deepEqual(JSON.parse(v4ok.error), { metadata: {}, status: 'Success' });
    const v1 = await rawExec(env.cluster.url, 'web', ['sh', '-c', 'echo one; exit 1'], 'channel.k8s.io');
    assert.equal(v1.protocol, 'channel.k8s.io');
    assert.equal(v1.stdout, 'one\n');
    assert.match(v1.error, /non-zero exit code/);
  });

  test('only WebSocket/SPDY upgrades reach the kubelet; a failed upgrade closes the connection', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const s = net.connect(new URL(env.cluster.url).port ? Number(new URL(env.cluster.url).port) : 80, '127.0.0.1', () => {
        s.write('GET /api/v1/namespaces/default/pods/web/exec?command=true&stdout=true HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n');
      });
      let data = '';
      s.on('data', (d: Buffer) => (data += d.toString()));
      s.on('close', () => resolve(data));
      s.on('error', reject);
    });
    assert.match(reply, /^HTTP\/1\.1 400 /);
    assert.match(reply, /unsupported upgrade protocol/);
    const noUpgrade = await fetch(`${env.cluster.url}/api/v1/namespaces/default/pods/web/exec?command=true&stdout=true`);
    assert.equal(noUpgrade.status, 400);
    assert.match(await noUpgrade.text(), /Upgrade request required/);
  });

  test('kubectl attach -i talks to the container process', async () => {
    await env.rest.create(PODS, 'default', testPod('talker', 'node-1', {
      restartPolicy: 'Never',
      containers: [{ name: 'app', image: TESTAPP_IMAGE, stdin: true, stdinOnce: true, command: ['sh', '-c', 'read line; echo "got $line"'] }],
    }));
    await waitForPod(env.rest, 'talker', 'running', (p) => p.status?.phase === 'Running');
    const r = await k.run(['attach', '-i', 'talker'], { input: 'ping\n', timeoutMs: 20_000 });
    assert.match(r.stdout, /got ping/);
    await env.rest.delete(PODS, 'default', 'talker', { gracePeriodSeconds: 1 });
  });

  test('kubectl port-forward (SPDY in WebSocket, and plain SPDY), then HTTP to 127.0.0.1', async () => {
    for (const websockets of ['true', 'false']) {
      const port = await freePort();
      const args = ['port-forward', 'pod/web', `${port}:8080`];
      const pf = websockets === 'true' ? k.spawn(args) : spawnWithEnv(k, args, { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' });
      try {
        const body = await waitFor(`port-forward (websockets=${websockets})`, async () => {
          const r = await fetch(`http://127.0.0.1:${port}/echo?msg=through-the-tunnel`, { signal: AbortSignal.timeout(2000) });
          return r.text();
        }, 15_000, 200);
        assert.equal(body, 'through-the-tunnel');
        const again = await fetch(`http://127.0.0.1:${port}/`);
        assert.equal(await again.text(), 'web');
      } finally {
        pf.kill();
      }
    }
  });

  test('@kubernetes/client-node PortForward (channel protocol)', async () => {
    const server = net.createServer((socket) => {
      void new PortForward(kc).portForward('default', 'web', [8080], socket, null, socket);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const text = await new Promise<string>((resolve, reject) => {
        const s = net.connect(port, '127.0.0.1', () => s.write('GET /hostname HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
        let data = '';
        s.on('data', (d: Buffer) => {
          data += d.toString();
          // the whole chunked answer is in (client-node keeps its side open)
          if (data.endsWith('\r\n0\r\n\r\n')) {
            s.destroy();
            resolve(data);
          }
        });
        s.on('error', reject);
        setTimeout(() => resolve(data), 5000);
      });
      assert.match(text, /^HTTP\/1\.1 200 OK/);
      assert.match(text, /\r\n\r\n3\r\nweb\r\n0\r\n\r\n$/);
    } finally {
      server.close();
    }
  });

  test('kubectl cp to and from a pod', async () => {
    const local = path.join(dir, 'upload.txt');
    writeFileSync(local, 'payload for kubectl cp\n');
    const up = await k.run(['cp', local, 'web:/tmp/upload.txt']);
    assert.equal(up.code, 0, up.stderr);
    const cat = await k.run(['exec', 'web', '--', 'cat', '/tmp/upload.txt']);
    assert.equal(cat.stdout, 'payload for kubectl cp\n');
    const down = await k.run(['cp', 'web:/tmp/upload.txt', path.join(dir, 'download.txt')]);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(readFileSync(path.join(dir, 'download.txt'), 'utf8'), 'payload for kubectl cp\n');
    assert.ok(podIP);
  });
});

function spawnWithEnv(k: Kubectl, args: string[], extra: Record<string, string>): ReturnType<Kubectl['spawn']> {
  const saved: Record<string, string | undefined> = {};
  for (const [key, v] of Object.entries(extra)) {
    saved[key] = process.env[key];
    process.env[key] = v;
  }
  try {
    return k.spawn(args);
  } finally {
    for (const [key, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[key];
      else process.env[key] = v;
    }
  }
}
