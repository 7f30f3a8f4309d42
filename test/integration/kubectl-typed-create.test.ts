/**
 * kubectl's typed commands (client-go typed clients) send protobuf bodies since 1.31: the real kubectl's
 * `create <kind>`, `debug --copy-to` and `drain` must work, and what the api-server stores must hold every
 * field kubectl renders for the same command with `--dry-run=client -o json`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isRecord } from '../../api/object.js';
import { call, startTestCluster, type TestCluster } from '../support/api-server.js';
import { kubectlFor, type Kubectl } from '../support/kubectl.js';

/** The paths of `want` that `got` lacks or holds differently (`creationTimestamp: null` and `status: {}` aside). */
function missing(want: unknown, got: unknown, at = ''): string[] {
  if (isRecord(want)) {
    if (!isRecord(got)) return [`${at}: want an object, got ${JSON.stringify(got)}`];
    return Object.entries(want).flatMap(([k, v]) => {
      if ((k === 'creationTimestamp' && v === null) || (k === 'status' && isRecord(v) && Object.keys(v).length === 0)) return [];
      return k in got ? missing(v, got[k], `${at}.${k}`) : [`${at}.${k} is missing`];
    });
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) return [`${at}: want ${JSON.stringify(want)}, got ${JSON.stringify(got)}`];
    return want.flatMap((v, i) => missing(v, got[i], `${at}[${i}]`));
  }
  return want === got ? [] : [`${at}: want ${JSON.stringify(want)}, got ${JSON.stringify(got)}`];
}

describe('kubectl typed commands (protobuf request bodies)', () => {
  let c: TestCluster;
  let k: Kubectl;
  let dir: string;
  before(async () => {
    c = await startTestCluster();
    k = kubectlFor(c.url);
    dir = mkdtempSync(path.join(tmpdir(), 'kubemu-typed-create-'));
  });
  after(async () => {
    await c?.stop();
  });

  const cases: { args: string[]; out: string; path: string }[] = [
    { args: ['create', 'deployment', 'web', '--image=nginx', '--replicas=2'], out: 'deployment.apps/web created', path: '/apis/apps/v1/namespaces/default/deployments/web' },
    { args: ['create', 'deployment', 'multi', '--image=a', '--image=b', '--port=8080'], out: 'deployment.apps/multi created', path: '/apis/apps/v1/namespaces/default/deployments/multi' },
    { args: ['create', 'configmap', 'cm1', '--from-literal=a=b', '--from-file=FILE'], out: 'configmap/cm1 created', path: '/api/v1/namespaces/default/configmaps/cm1' },
    { args: ['create', 'secret', 'generic', 's1', '--from-literal=k=v'], out: 'secret/s1 created', path: '/api/v1/namespaces/default/secrets/s1' },
    {
      args: ['create', 'secret', 'docker-registry', 'reg', '--docker-username=u', '--docker-password=p', '--docker-server=example.com'],
      out: 'secret/reg created',
      path: '/api/v1/namespaces/default/secrets/reg',
    },
    { args: ['create', 'namespace', 'ns1'], out: 'namespace/ns1 created', path: '/api/v1/namespaces/ns1' },
    { args: ['create', 'service', 'nodeport', 'np1', '--tcp=80:8080', '--node-port=30080'], out: 'service/np1 created', path: '/api/v1/namespaces/default/services/np1' },
    { args: ['create', 'service', 'clusterip', 'svc1', '--tcp=80:8080'], out: 'service/svc1 created', path: '/api/v1/namespaces/default/services/svc1' },
    { args: ['create', 'service', 'clusterip', 'headless', '--clusterip=None'], out: 'service/headless created', path: '/api/v1/namespaces/default/services/headless' },
    { args: ['create', 'service', 'loadbalancer', 'lb1', '--tcp=80:8080'], out: 'service/lb1 created', path: '/api/v1/namespaces/default/services/lb1' },
    { args: ['create', 'service', 'externalname', 'en1', '--external-name=example.com'], out: 'service/en1 created', path: '/api/v1/namespaces/default/services/en1' },
    { args: ['create', 'serviceaccount', 'sa1'], out: 'serviceaccount/sa1 created', path: '/api/v1/namespaces/default/serviceaccounts/sa1' },
  ];

  for (const tc of cases) {
    test(`kubectl ${tc.args.join(' ')}`, async () => {
      const file = path.join(dir, 'f.txt');
      writeFileSync(file, 'hello\n');
      const args = tc.args.map((a) => a.replace('FILE', file));
      const dry = await k.run([...args, '--dry-run=client', '-o', 'json']);
      assert.equal(dry.code, 0, dry.stderr);
      const r = await k.run(args);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `${tc.out}\n`);
      const stored = await call(c.url, 'GET', tc.path);
      assert.equal(stored.status, 200);
      assert.deepEqual(missing(JSON.parse(dry.stdout), stored.body), []);
    });
  }

  test('kubectl debug --copy-to creates the copied Pod (the whole PodSpec as protobuf)', async () => {
    const source = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'rich', labels: { app: 'rich' }, annotations: { note: 'x' } },
      spec: {
        volumes: [
          { name: 'scratch', emptyDir: { sizeLimit: '1Gi' } },
          { name: 'cfg', configMap: { name: 'cm1', items: [{ key: 'a', path: 'a.txt', mode: 0o644 }], optional: true } },
          { name: 'proj', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }, { secret: { name: 's1' } }] } },
        ],
        initContainers: [{ name: 'init', image: 'busybox', command: ['sh', '-c', 'true'] }],
        containers: [
          {
            name: 'main',
            image: 'nginx:1.25',
            ports: [{ name: 'http', containerPort: 80 }],
            env: [{ name: 'A', value: '1' }, { name: 'B', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
            envFrom: [{ prefix: 'CM_', configMapRef: { name: 'cm1' } }],
            resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m' } },
            volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }],
            livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, initialDelaySeconds: 3 },
            readinessProbe: { tcpSocket: { port: 80 } },
            securityContext: { runAsUser: 1000, capabilities: { drop: ['ALL'] } },
          },
        ],
        terminationGracePeriodSeconds: 0,
        nodeSelector: { disk: 'ssd' },
        securityContext: { fsGroup: 2000, supplementalGroups: [1, 2] },
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }] } } },
        tolerations: [{ operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }],
        topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'rich' } } }],
        automountServiceAccountToken: false,
      },
    };
    const created = await call(c.url, 'POST', '/api/v1/namespaces/default/pods', source);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const r = await k.run(['debug', 'rich', '--image=busybox', '--copy-to=rich-debug', '--container=debugger', '--profile=legacy']);
    assert.equal(r.code, 0, r.stderr);
    const live = (await call(c.url, 'GET', '/api/v1/namespaces/default/pods/rich')).body as { spec: { containers: unknown[] } };
    const copy = await call(c.url, 'GET', '/api/v1/namespaces/default/pods/rich-debug');
    assert.equal(copy.status, 200);
    const copied = copy.body as { metadata: { annotations?: Record<string, string> }; spec: { containers: { name: string; image: string }[] } };
    // the legacy profile keeps the spec as it is and adds the debug container
    const { containers, ...rest } = live.spec;
    assert.deepEqual(missing(rest, copied.spec), []);
    assert.deepEqual(missing(containers, copied.spec.containers.slice(0, 1)), []);
    assert.deepEqual(copied.spec.containers.map((x) => [x.name, x.image]), [['main', 'nginx:1.25'], ['debugger', 'busybox']]);
    assert.equal(copied.metadata.annotations?.note, 'x');
  });

  test('kubectl drain deletes the node\'s pods with protobuf DeleteOptions', async () => {
    assert.equal((await call(c.url, 'POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } })).status, 201);
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'onnode' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx' }] } };
    assert.equal((await call(c.url, 'POST', '/api/v1/namespaces/default/pods', pod)).status, 201);
    const r = await k.run(['drain', 'n1', '--force', '--grace-period=0', '--timeout=30s']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'node/n1 cordoned\npod/onnode deleted\nnode/n1 drained\n');
    assert.match(r.stderr, /Warning: deleting Pods that declare no controller: default\/onnode/);
    assert.equal((await call(c.url, 'GET', '/api/v1/namespaces/default/pods/onnode')).status, 404);
  });
});
