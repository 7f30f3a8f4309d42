/**
 * The real kubectl's human-readable output against kubemu: discovery (api-resources, api-versions, version),
 * server-side Tables (get, -o wide, -L, --show-labels, -A, get all, -w) and describe. Headers and column order
 * are compared with upstream's documented output (k/k pkg/printers/internalversion/printers.go, kubectl).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createInterface } from 'node:readline';
import { call, startTestCluster, type TestCluster } from '../support/api-server.js';
import { kubectlFor, type Kubectl } from '../support/kubectl.js';

interface Table {
  header: string[];
  rows: Record<string, string>[];
}

/** Parses one tabwriter-aligned kubectl table by the header's column offsets (headers may contain one space). */
function parseTable(text: string): Table {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const headerLine = lines[0] ?? '';
  const header = headerLine.trim().split(/\s{2,}/);
  const offsets: number[] = [];
  for (let i = 0; i < header.length; i++) offsets.push(headerLine.indexOf(header[i], i === 0 ? 0 : offsets[i - 1] + header[i - 1].length));
  const rows = lines.slice(1).map((line) => {
    const row: Record<string, string> = {};
    header.forEach((h, i) => (row[h] = line.slice(offsets[i], i + 1 < header.length ? offsets[i + 1] : undefined).trim()));
    return row;
  });
  return { header, rows };
}

/** The sections of a multi-kind listing (get all), separated by blank lines. */
function sections(text: string): Table[] {
  return text
    .split(/\n\s*\n/)
    .filter((s) => s.trim())
    .map(parseTable);
}

async function ok(k: Kubectl, args: string[]): Promise<string> {
  const r = await k.run(args);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const AGE = /^(\d+s|\d+m(\d+s)?)$/;
/** 20 minutes ago prints as "20m" (HumanDuration drops the seconds from 10 minutes on), or 21m/22m on a slow run */
const twentyMinutesAgo = () => new Date(Date.now() - 20 * 60_000 - 5_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('kubectl output against kubemu', () => {
  let c: TestCluster;
  let k: Kubectl;
  let podUid = '';
  before(async () => {
    c = await startTestCluster();
    k = kubectlFor(c.url);
    const post = async (path: string, body: unknown) => {
      const r = await call(c.url, 'POST', path, body);
      assert.ok(r.status < 300, `${path}: ${JSON.stringify(r.body)}`);
      return r.body as { metadata: { uid: string } };
    };
    await post('/api/v1/nodes', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-1', labels: { 'node-role.kubernetes.io/worker': '' } },
      spec: { unschedulable: true },
    });
    await call(c.url, 'PUT', '/api/v1/nodes/node-1/status', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-1', labels: { 'node-role.kubernetes.io/worker': '' } },
      status: {
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') }],
        addresses: [{ type: 'InternalIP', address: '172.18.0.3' }, { type: 'Hostname', address: 'node-1' }],
        capacity: { cpu: '2', memory: '4Gi', pods: '110' },
        allocatable: { cpu: '2', memory: '4Gi', pods: '110' },
        nodeInfo: { kubeletVersion: 'v1.32.0-kubemu', osImage: 'kubemu', kernelVersion: '6.1.0', containerRuntimeVersion: 'docker://24.0.7', machineID: '', systemUUID: '', bootID: '', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64' },
      },
    });
    const pod = await post('/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-1', labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
    });
    podUid = pod.metadata.uid;
    await post('/api/v1/namespaces/default/pods/web-1/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'web-1' }, target: { kind: 'Node', name: 'node-1' } });
    const live = (await call(c.url, 'GET', '/api/v1/namespaces/default/pods/web-1')).body;
    const st = await call(c.url, 'PUT', '/api/v1/namespaces/default/pods/web-1/status', {
      ...live,
      status: {
        phase: 'Running',
        hostIP: '172.18.0.3',
        hostIPs: [{ ip: '172.18.0.3' }],
        podIP: '10.244.1.5',
        podIPs: [{ ip: '10.244.1.5' }],
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [
          {
            name: 'web',
            image: 'nginx:1.27',
            imageID: '',
            ready: false,
            restartCount: 5,
            state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } },
            lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: twentyMinutesAgo() } },
          },
        ],
      },
    });
    assert.equal(st.status, 200, JSON.stringify(st.body));
    await post('/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'db-1', labels: { app: 'db' } },
      spec: { containers: [{ name: 'db', image: 'postgres:16' }] },
    });
    await post('/api/v1/namespaces/kube-system/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'sys-1' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    await post('/apis/apps/v1/namespaces/default/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
    });
    const rs = await post('/apis/apps/v1/namespaces/default/replicasets', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web-5d8f9c', labels: { app: 'web' } },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
    });
    const owned = await call(c.url, 'PATCH', '/api/v1/namespaces/default/pods/web-1', { metadata: { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d8f9c', uid: rs.metadata.uid, controller: true }] } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(owned.status, 200, JSON.stringify(owned.body));
    await post('/api/v1/namespaces/default/services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080, nodePort: 30080 }] },
    });
    await post('/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } });
    await post('/api/v1/namespaces/default/events', {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web-1.1' },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'web-1', namespace: 'default', uid: podUid },
      reason: 'BackOff',
      message: 'Back-off restarting failed container web in pod web-1_default',
      type: 'Warning',
      source: { component: 'kubelet', host: 'node-1' },
      firstTimestamp: twentyMinutesAgo(),
      lastTimestamp: twentyMinutesAgo(),
      count: 7,
    });
  });
  after(async () => {
    await c?.stop();
  });

  describe('discovery', () => {
    test('api-resources lists the served resources with upstream SHORTNAMES, APIVERSION, NAMESPACED and KIND', async () => {
      const t = parseTable(await ok(k, ['api-resources']));
      assert.deepEqual(t.header, ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']);
      const byKey = new Map(t.rows.map((r) => [`${r.NAME} ${r.APIVERSION}`, r]));
      const want: [string, string, string, string, string][] = [
        ['pods', 'po', 'v1', 'true', 'Pod'],
        ['services', 'svc', 'v1', 'true', 'Service'],
        ['nodes', 'no', 'v1', 'false', 'Node'],
        ['namespaces', 'ns', 'v1', 'false', 'Namespace'],
        ['configmaps', 'cm', 'v1', 'true', 'ConfigMap'],
        ['endpoints', 'ep', 'v1', 'true', 'Endpoints'],
        ['events', 'ev', 'v1', 'true', 'Event'],
        ['serviceaccounts', 'sa', 'v1', 'true', 'ServiceAccount'],
        ['secrets', '', 'v1', 'true', 'Secret'],
        ['deployments', 'deploy', 'apps/v1', 'true', 'Deployment'],
        ['replicasets', 'rs', 'apps/v1', 'true', 'ReplicaSet'],
        ['jobs', '', 'batch/v1', 'true', 'Job'],
        ['cronjobs', 'cj', 'batch/v1', 'true', 'CronJob'],
        ['leases', '', 'coordination.k8s.io/v1', 'true', 'Lease'],
        ['endpointslices', '', 'discovery.k8s.io/v1', 'true', 'EndpointSlice'],
        ['events', 'ev', 'events.k8s.io/v1', 'true', 'Event'],
      ];
      for (const [name, short, gv, namespaced, kind] of want) {
        assert.deepEqual(byKey.get(`${name} ${gv}`), { NAME: name, SHORTNAMES: short, APIVERSION: gv, NAMESPACED: namespaced, KIND: kind });
      }
      assert.equal(t.rows.length, want.length, 'subresources are not listed');
    });

    test('kubectl reads the aggregated documents: two requests, no per-group-version fallback', async () => {
      const fresh = kubectlFor(c.url);
      const r = await fresh.run(['api-resources', '-v=6']);
      assert.equal(r.code, 0, r.stderr);
      const gets = [...r.stderr.matchAll(/GET http:\/\/[^/]+(\/\S*?)(\?\S*)? 200/g)].map((m) => m[1]);
      assert.deepEqual(gets, ['/api', '/apis']);
    });

    test('api-resources -o wide shows verbs and categories; --api-group and --namespaced filter', async () => {
      const wide = parseTable(await ok(k, ['api-resources', '-o', 'wide', '--api-group=apps']));
      assert.deepEqual(wide.header, ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND', 'VERBS', 'CATEGORIES']);
      assert.deepEqual(wide.rows.find((r) => r.NAME === 'deployments'), {
        NAME: 'deployments',
        SHORTNAMES: 'deploy',
        APIVERSION: 'apps/v1',
        NAMESPACED: 'true',
        KIND: 'Deployment',
        VERBS: 'create,delete,deletecollection,get,list,patch,update,watch',
        CATEGORIES: 'all',
      });
      const clusterScoped = (await ok(k, ['api-resources', '--namespaced=false', '-o', 'name'])).trim().split('\n');
      assert.deepEqual(clusterScoped.sort(), ['namespaces', 'nodes']);
    });

    test('api-versions', async () => {
      assert.deepEqual((await ok(k, ['api-versions'])).trim().split('\n'), ['apps/v1', 'batch/v1', 'coordination.k8s.io/v1', 'discovery.k8s.io/v1', 'events.k8s.io/v1', 'v1']);
    });

    test('version prints client, kustomize and server versions', async () => {
      const out = await ok(k, ['version']);
      assert.match(out, /^Client Version: v1\.32\.\S+\nKustomize Version: v\S+\nServer Version: v1\.32\.0-kubemu\n$/);
      const json = JSON.parse(await ok(k, ['version', '-o', 'json'])) as { serverVersion: Record<string, string> };
      assert.equal(json.serverVersion.major, '1');
      assert.equal(json.serverVersion.minor, '32');
      assert.equal(json.serverVersion.gitVersion, 'v1.32.0-kubemu');
      assert.match(json.serverVersion.platform, /^\w+\/\w+$/);
    });
  });

  describe('get', () => {
    test('default columns: NAME READY STATUS RESTARTS AGE, with CrashLoopBackOff and "(20m ago)"', async () => {
      const t = parseTable(await ok(k, ['get', 'pods']));
      assert.deepEqual(t.header, ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
      const web = t.rows.find((r) => r.NAME === 'web-1')!;
      assert.deepEqual({ ...web, AGE: '', RESTARTS: '' }, { NAME: 'web-1', READY: '0/1', STATUS: 'CrashLoopBackOff', RESTARTS: '', AGE: '' });
      assert.match(web.RESTARTS, /^5 \(2[0-2]m ago\)$/);
      assert.match(web.AGE, AGE);
      const db = t.rows.find((r) => r.NAME === 'db-1')!;
      assert.deepEqual([db.READY, db.STATUS, db.RESTARTS], ['0/1', 'Pending', '0']);
      assert.equal(t.rows.length, 2);
    });

    test('-o wide adds IP, NODE, NOMINATED NODE, READINESS GATES', async () => {
      const t = parseTable(await ok(k, ['get', 'pods', '-o', 'wide']));
      assert.deepEqual(t.header, ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
      const web = t.rows.find((r) => r.NAME === 'web-1')!;
      assert.deepEqual([web.IP, web.NODE, web['NOMINATED NODE'], web['READINESS GATES']], ['10.244.1.5', 'node-1', '<none>', '<none>']);
      const db = t.rows.find((r) => r.NAME === 'db-1')!;
      assert.deepEqual([db.IP, db.NODE], ['<none>', '<none>']);
    });

    test('a single object by name', async () => {
      const t = parseTable(await ok(k, ['get', 'pod', 'web-1']));
      assert.deepEqual(t.rows.map((r) => r.NAME), ['web-1']);
    });

    test('-o yaml and -o json print the objects themselves', async () => {
      const pod = JSON.parse(await ok(k, ['get', 'pod', 'web-1', '-o', 'json'])) as { kind: string; apiVersion: string; metadata: { name: string; uid: string } };
      assert.equal(pod.kind, 'Pod');
      assert.equal(pod.apiVersion, 'v1');
      assert.equal(pod.metadata.uid, podUid);
      const list = JSON.parse(await ok(k, ['get', 'pods', '-o', 'json'])) as { kind: string; items: { metadata: { name: string } }[] };
      assert.equal(list.kind, 'List');
      assert.deepEqual(list.items.map((i) => i.metadata.name).sort(), ['db-1', 'web-1']);
      const yaml = await ok(k, ['get', 'pod', 'web-1', '-o', 'yaml']);
      assert.match(yaml, /^apiVersion: v1\nkind: Pod\nmetadata:\n/);
      assert.match(yaml, /\n {2}name: web-1\n/);
    });

    test('-o name and -o jsonpath', async () => {
      assert.deepEqual((await ok(k, ['get', 'pods', '-o', 'name'])).trim().split('\n').sort(), ['pod/db-1', 'pod/web-1']);
      assert.equal(await ok(k, ['get', 'pods', '-o', 'jsonpath={.items[*].metadata.name}']), 'db-1 web-1');
      assert.equal(await ok(k, ['get', 'pod', 'web-1', '-o', 'jsonpath={.status.podIP}']), '10.244.1.5');
    });

    test('-L app adds an APP column, --show-labels a LABELS column', async () => {
      const l = parseTable(await ok(k, ['get', 'pods', '-L', 'app']));
      assert.deepEqual(l.header, ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'APP']);
      assert.equal(l.rows.find((r) => r.NAME === 'db-1')!.APP, 'db');
      const s = parseTable(await ok(k, ['get', 'pods', '--show-labels']));
      assert.deepEqual(s.header, ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'LABELS']);
      assert.equal(s.rows.find((r) => r.NAME === 'web-1')!.LABELS, 'app=web');
    });

    test('-A adds a NAMESPACE column', async () => {
      const t = parseTable(await ok(k, ['get', 'pods', '-A']));
      assert.deepEqual(t.header, ['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
      assert.deepEqual(t.rows.map((r) => `${r.NAMESPACE}/${r.NAME}`).sort(), ['default/db-1', 'default/web-1', 'kube-system/sys-1']);
    });

    test('paging with --chunk-size follows continue tokens', async () => {
      const t = parseTable(await ok(k, ['get', 'pods', '-A', '--chunk-size=1']));
      assert.equal(t.rows.length, 3);
    });

    test('deployments, services, nodes, namespaces, events, configmaps: upstream headers', async () => {
      const expect: [string[], string[]][] = [
        [['get', 'deploy'], ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']],
        [['get', 'deploy', '-o', 'wide'], ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']],
        [['get', 'rs', '-o', 'wide'], ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']],
        [['get', 'svc'], ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']],
        [['get', 'svc', '-o', 'wide'], ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR']],
        [['get', 'no'], ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']],
        [['get', 'no', '-o', 'wide'], ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME']],
        [['get', 'ns'], ['NAME', 'STATUS', 'AGE']],
        [['get', 'events'], ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']],
        [['get', 'cm', '-A'], ['NAMESPACE', 'NAME', 'DATA', 'AGE']],
      ];
      for (const [args, header] of expect) assert.deepEqual(parseTable(await ok(k, args)).header, header, args.join(' '));
      const deploy = parseTable(await ok(k, ['get', 'deploy', '-o', 'wide'])).rows[0];
      assert.deepEqual({ ...deploy, AGE: '' }, { NAME: 'web', READY: '0/2', 'UP-TO-DATE': '0', AVAILABLE: '0', AGE: '', CONTAINERS: 'web', IMAGES: 'nginx:1.27', SELECTOR: 'app=web' });
      const svc = parseTable(await ok(k, ['get', 'svc', 'web', '-o', 'wide'])).rows[0];
      assert.equal(svc.TYPE, 'NodePort');
      assert.match(svc['CLUSTER-IP'], /^10\.\d+\.\d+\.\d+$/);
      assert.deepEqual([svc['EXTERNAL-IP'], svc['PORT(S)'], svc.SELECTOR], ['<none>', '80:30080/TCP', 'app=web']);
      const node = parseTable(await ok(k, ['get', 'no', '-o', 'wide'])).rows[0];
      assert.deepEqual({ ...node, AGE: '' }, {
        NAME: 'node-1',
        STATUS: 'Ready,SchedulingDisabled',
        ROLES: 'worker',
        AGE: '',
        VERSION: 'v1.32.0-kubemu',
        'INTERNAL-IP': '172.18.0.3',
        'EXTERNAL-IP': '<none>',
        'OS-IMAGE': 'kubemu',
        'KERNEL-VERSION': '6.1.0',
        'CONTAINER-RUNTIME': 'docker://24.0.7',
      });
      const ev = parseTable(await ok(k, ['get', 'events'])).rows[0];
      assert.match(ev['LAST SEEN'], /^2[0-2]m$/);
      assert.deepEqual({ ...ev, 'LAST SEEN': '' }, { 'LAST SEEN': '', TYPE: 'Warning', REASON: 'BackOff', OBJECT: 'pod/web-1', MESSAGE: 'Back-off restarting failed container web in pod web-1_default' });
      const cm = parseTable(await ok(k, ['get', 'cm', '-A'])).rows.find((r) => r.NAME === 'settings')!;
      assert.deepEqual({ ...cm, AGE: '' }, { NAMESPACE: 'default', NAME: 'settings', DATA: '3', AGE: '' });
    });

    test('--subresource=scale prints the Scale table, --subresource=status the main one', async () => {
      const scale = parseTable(await ok(k, ['get', 'deploy', 'web', '--subresource=scale']));
      assert.deepEqual(scale.header, ['NAME', 'DESIRED', 'AVAILABLE', 'AGE']);
      assert.deepEqual({ ...scale.rows[0], AGE: '' }, { NAME: 'web', DESIRED: '2', AVAILABLE: '0', AGE: '' });
      const status = parseTable(await ok(k, ['get', 'deploy', 'web', '--subresource=status']));
      assert.deepEqual(status.header, ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    });

    test('get all prints one section per kind of the all category, names prefixed with kind', async () => {
      const secs = sections(await ok(k, ['get', 'all']));
      assert.deepEqual(secs.map((s) => s.header), [
        ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
        ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
        ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
        ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'],
      ]);
      assert.deepEqual(secs[0].rows.map((r) => r.NAME).sort(), ['pod/db-1', 'pod/web-1']);
      assert.deepEqual(secs[1].rows.map((r) => r.NAME).sort(), ['service/kubernetes', 'service/web']);
      assert.deepEqual(secs[2].rows.map((r) => r.NAME), ['deployment.apps/web']);
      assert.deepEqual({ ...secs[3].rows[0], AGE: '' }, { NAME: 'replicaset.apps/web-5d8f9c', DESIRED: '2', CURRENT: '0', READY: '0', AGE: '' });
    });

    test('get -w prints a row for each change as it happens, under one header', async () => {
      const w = k.spawn(['get', 'pods', '-w']);
      const lines: string[] = [];
      const rl = createInterface({ input: w.stdout! });
      const waitFor = (pred: (l: string) => boolean, what: string) =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no ${what}; got ${JSON.stringify(lines)}`)), 15_000);
          const check = () => {
            if (lines.some(pred)) {
              clearTimeout(timer);
              rl.off('line', check);
              resolve();
            }
          };
          rl.on('line', check);
          check();
        });
      rl.on('line', (l) => lines.push(l));
      try {
        await waitFor((l) => /^web-1\s/.test(l), 'initial rows');
        const created = await call(c.url, 'POST', '/api/v1/namespaces/default/pods', {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'watch-1' },
          spec: { containers: [{ name: 'c', image: 'busybox' }] },
        });
        assert.equal(created.status, 201);
        await waitFor((l) => /^watch-1\s+0\/1\s+Pending\s+0\s+\d+s$/.test(l), 'row for the new pod');
        await call(c.url, 'DELETE', '/api/v1/namespaces/default/pods/watch-1');
        await waitFor((l) => /^watch-1\s/.test(l) && lines.filter((x) => /^watch-1\s/.test(x)).length >= 2, 'row for the deletion');
      } finally {
        w.kill();
      }
      assert.match(lines[0], /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
      assert.equal(lines.filter((l) => l.startsWith('NAME')).length, 1, 'one header only');
      assert.equal(lines.filter((l) => /^web-1\s/.test(l)).length, 1, 'initial rows are not printed twice');
    });
  });

  describe('describe', () => {
    test('describe pod shows its node, IP, container state and events (found by involvedObject)', async () => {
      const out = await ok(k, ['describe', 'pod', 'web-1']);
      assert.match(out, /^Name:\s+web-1\nNamespace:\s+default\n/);
      assert.match(out, /\nNode:\s+node-1\/172\.18\.0\.3\n/);
      assert.match(out, /\nStatus:\s+Running\n/);
      assert.match(out, /\nIP:\s+10\.244\.1\.5\n/);
      assert.match(out, /\n {4}State:\s+Waiting\n {6}Reason:\s+CrashLoopBackOff\n/);
      assert.match(out, /\n {4}Restart Count:\s+5\n/);
      assert.match(out, /\nEvents:\n\s+Type\s+Reason\s+Age\s+From\s+Message\n\s+----\s+------\s+----\s+----\s+-------\n\s+Warning\s+BackOff\s+2[0-2]m \(x7 over 2[0-2]m\)\s+kubelet\s+Back-off restarting failed container web in pod web-1_default\n/);
    });

    test('describe deployment', async () => {
      const out = await ok(k, ['describe', 'deployment', 'web']);
      assert.match(out, /^Name:\s+web\nNamespace:\s+default\nCreationTimestamp:\s+\w{3}, \d{2} \w{3} \d{4}/);
      assert.match(out, /\nSelector:\s+app=web\n/);
      assert.match(out, /\nReplicas:\s+2 desired \| 0 updated \| 0 total \| 0 available \| 0 unavailable\n/);
      assert.match(out, /\nStrategyType:\s+RollingUpdate\n/);
      assert.match(out, /\nRollingUpdateStrategy:\s+25% max unavailable, 25% max surge\n/);
      assert.match(out, /\nEvents:\s+<none>\n/);
    });

    test('describe replicaset counts the pods it controls', async () => {
      const out = await ok(k, ['describe', 'rs', 'web-5d8f9c']);
      assert.match(out, /^Name:\s+web-5d8f9c\nNamespace:\s+default\nSelector:\s+app=web\n/);
      assert.match(out, /\nReplicas:\s+0 current \/ 2 desired\n/);
      assert.match(out, /\nPods Status:\s+1 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed\n/);
      assert.match(out, /\nEvents:\s+<none>\n/);
    });

    test('describe service', async () => {
      const out = await ok(k, ['describe', 'service', 'web']);
      assert.match(out, /^Name:\s+web\nNamespace:\s+default\n/);
      assert.match(out, /\nType:\s+NodePort\n/);
      assert.match(out, /\nPort:\s+<unset>\s+80\/TCP\nTargetPort:\s+8080\/TCP\nNodePort:\s+<unset>\s+30080\/TCP\n/);
      assert.match(out, /\nEvents:\s+<none>\n/);
    });

    test('describe node shows roles, conditions, addresses and its non-terminated pods', async () => {
      const out = await ok(k, ['describe', 'node', 'node-1']);
      assert.match(out, /^Name:\s+node-1\nRoles:\s+worker\n/);
      assert.match(out, /\nUnschedulable:\s+true\n/);
      assert.match(out, /\n\s+Ready\s+True\s+.*KubeletReady\s+kubelet is posting ready status\n/);
      assert.match(out, /\nAddresses:\n\s+InternalIP:\s+172\.18\.0\.3\n\s+Hostname:\s+node-1\n/);
      assert.match(out, /\nNon-terminated Pods:\s+\(1 in total\)\n/);
      assert.match(out, /\n\s+default\s+web-1\s+0 \(0%\)/);
    });

    test('describe namespace', async () => {
      const out = await ok(k, ['describe', 'namespace', 'default']);
      assert.match(out, /^Name:\s+default\nLabels:\s+kubernetes\.io\/metadata\.name=default\nAnnotations:\s+<none>\nStatus:\s+Active\n/);
    });
  });

  describe('wire format', () => {
    const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

    test('Table responses: plain JSON Content-Type, includeObject, 400 for a bad includeObject', async () => {
      const r = await call<{ kind: string; rows: { object: unknown }[]; metadata: { resourceVersion: string } }>(c.url, 'GET', '/api/v1/namespaces/default/pods', undefined, { accept: TABLE });
      assert.equal(r.headers.get('content-type'), 'application/json');
      assert.equal(r.body.kind, 'Table');
      assert.match(r.body.metadata.resourceVersion, /^\d+$/);
      assert.equal((r.body.rows[0].object as { kind: string }).kind, 'PartialObjectMetadata');
      const full = await call<{ rows: { object: { kind: string } }[] }>(c.url, 'GET', '/api/v1/namespaces/default/pods?includeObject=Object', undefined, { accept: TABLE });
      assert.equal(full.body.rows[0].object.kind, 'Pod');
      const bad = await call<{ reason: string }>(c.url, 'GET', '/api/v1/namespaces/default/pods?includeObject=Everything', undefined, { accept: TABLE });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.reason, 'BadRequest');
      const json = await call<{ kind: string }>(c.url, 'GET', '/api/v1/namespaces/default/pods', undefined, { accept: 'application/json' });
      assert.equal(json.body.kind, 'PodList');
    });

    test('a Table watch sends column definitions with the first event only', async () => {
      const res = await fetch(`${c.url}/api/v1/namespaces/default/pods?watch=true&timeoutSeconds=5`, { headers: { accept: TABLE } });
      assert.equal(res.headers.get('content-type'), 'application/json');
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const events: { type: string; object: { kind: string; columnDefinitions: unknown[] | null; rows: unknown[] } }[] = [];
      let buf = '';
      const dec = new TextDecoder();
      const deadline = Date.now() + 10_000;
      while (events.length < 2 && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buf.slice(0, nl)) as (typeof events)[number]);
          buf = buf.slice(nl + 1);
        }
      }
      await reader.cancel();
      assert.ok(events.length >= 2, `events: ${events.length}`);
      assert.equal(events[0].object.kind, 'Table');
      assert.ok(Array.isArray(events[0].object.columnDefinitions) && events[0].object.columnDefinitions.length === 9);
      assert.equal(events[1].object.columnDefinitions, null);
      assert.equal(events[1].object.rows.length, 1);
    });

    test('aggregated discovery is revalidated with its ETag', async () => {
      const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
      const first = await fetch(`${c.url}/apis`, { headers: { accept } });
      assert.equal(first.headers.get('content-type'), 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
      assert.equal(first.headers.get('vary'), 'Accept');
      const etag = first.headers.get('etag')!;
      assert.ok(etag);
      await first.arrayBuffer();
      const again = await fetch(`${c.url}/apis`, { headers: { accept, 'if-none-match': etag } });
      assert.equal(again.status, 304);
      const legacy = await call<{ kind: string }>(c.url, 'GET', '/apis', undefined, { accept: 'application/json' });
      assert.equal(legacy.body.kind, 'APIGroupList');
    });
  });
});
