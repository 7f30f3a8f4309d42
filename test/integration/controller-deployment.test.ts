import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { requireResource } from '../../api/resources.js';
import { Informer, restListWatcher } from '../../client/informer.js';
import { RestClient } from '../../client/rest.js';
import type { ControllerManager } from '../../controller-manager/manager.js';
import { eventually, FakeKubelet, startTestManager } from '../../controller-manager/testing.js';
import { startTestCluster, type TestCluster } from '../support/api-server.js';
import { kubectlFor, type Kubectl } from '../support/kubectl.js';

const NAMESPACES = requireResource('', 'v1', 'namespaces');
const DEPLOYMENTS = requireResource('apps', 'v1', 'deployments');
const REPLICASETS = requireResource('apps', 'v1', 'replicasets');
const PODS = requireResource('', 'v1', 'pods');

const NS = 'deploy-it';

function deployment(name: string, replicas: number, image: string, strategy: Deployment['spec'] extends infer S ? (S extends { strategy?: infer X } ? X : never) : never, extra: Record<string, unknown> = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
      strategy,
      ...extra,
    },
  };
}

function isActive(p: Pod): boolean {
  return !p.metadata?.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';
}

function isReady(p: Pod): boolean {
  return isActive(p) && !!p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Watches the pods of one app and checks bounds at every event. */
class PodWatcher {
  readonly informer: Informer<Pod>;
  private readonly ac = new AbortController();
  maxActive = 0;
  minReady = Infinity;
  events = 0;
  checking = false;

  constructor(rest: RestClient, app: string) {
    this.informer = new Informer<Pod>(restListWatcher(rest, PODS, NS, { labelSelector: `app=${app}` }));
    const check = (): void => {
      this.events++;
      if (!this.checking) return;
      const pods = this.informer.store.list();
      this.maxActive = Math.max(this.maxActive, pods.filter(isActive).length);
      this.minReady = Math.min(this.minReady, pods.filter(isReady).length);
    };
    this.informer.addEventHandler({ onAdd: check, onUpdate: check, onDelete: check });
  }

  async start(): Promise<void> {
    this.informer.start(this.ac.signal);
    await this.informer.waitForSync();
  }

  images(): string[] {
    return this.informer.store.list().filter(isActive).map((p) => p.spec?.containers[0].image ?? '').sort();
  }

  async stop(): Promise<void> {
    this.ac.abort();
    await this.informer.stop();
  }
}

describe('deployment controller against a real api-server (no kubelets; pods made Ready through pods/status)', () => {
  let c: TestCluster;
  let rest: RestClient;
  let manager: ControllerManager;
  let kubelet: FakeKubelet;
  let kubectl: Kubectl;

  const get = (name: string): Promise<Deployment> => rest.get<Deployment>(DEPLOYMENTS, NS, name);
  const replicaSets = async (name: string): Promise<ReplicaSet[]> => (await rest.list<ReplicaSet>(REPLICASETS, NS, { labelSelector: `app=${name}` })).items;
  const complete = async (name: string): Promise<boolean> => {
    const d = await get(name);
    const s = d.status ?? {};
    const want = d.spec?.replicas ?? 1;
    return (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) && s.updatedReplicas === want && s.replicas === want && s.availableReplicas === want;
  };
  const patch = (name: string, body: unknown): Promise<Deployment> => rest.patch<Deployment>(DEPLOYMENTS, NS, name, 'merge', body);

  before(async () => {
    c = await startTestCluster();
    rest = new RestClient({ server: c.url, timeoutMs: 10_000 });
    await rest.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    manager = await startTestManager(c.url);
    kubelet = new FakeKubelet({ rest, namespace: NS, readyAfterMs: 100, filter: (p) => !p.spec?.containers[0].image?.startsWith('broken') });
    kubelet.start();
    kubectl = kubectlFor(c.url);
  });

  after(async () => {
    await kubelet?.stop();
    await manager?.close();
    rest?.close();
    await c?.stop();
  });

  test('a new Deployment: ReplicaSet <name>-<hash> with the hash label, revision annotations, status and conditions', async () => {
    await rest.create(DEPLOYMENTS, NS, deployment('web', 3, 'img:1', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }));
    await eventually(() => complete('web'), 'web to be available');
    const [rs] = await replicaSets('web');
    const d = await get('web');
    const hash = rs.metadata?.labels?.['pod-template-hash'];
    assert.ok(hash);
    assert.equal(rs.metadata?.name, `web-${hash}`);
    assert.equal(rs.spec?.selector.matchLabels?.['pod-template-hash'], hash);
    assert.equal(rs.spec?.template?.metadata?.labels?.['pod-template-hash'], hash);
    assert.deepEqual(rs.metadata?.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal(rs.metadata?.annotations?.['deployment.kubernetes.io/revision'], '1');
    assert.equal(rs.metadata?.annotations?.['deployment.kubernetes.io/desired-replicas'], '3');
    assert.equal(rs.metadata?.annotations?.['deployment.kubernetes.io/max-replicas'], '4');
    assert.equal(d.metadata?.annotations?.['deployment.kubernetes.io/revision'], '1');
    assert.equal(d.metadata?.generation, 1, 'the controller writes its annotation with the status: no generation bump');
    const byType = Object.fromEntries((d.status?.conditions ?? []).map((x) => [x.type, x]));
    assert.equal(byType.Available?.reason, 'MinimumReplicasAvailable');
    assert.equal(byType.Available?.message, 'Deployment has minimum availability.');
    assert.equal(byType.Progressing?.reason, 'NewReplicaSetAvailable');
    assert.equal(byType.Progressing?.message, `ReplicaSet "web-${hash}" has successfully progressed.`);
    assert.deepEqual(
      { r: d.status?.replicas, u: d.status?.updatedReplicas, rd: d.status?.readyReplicas, a: d.status?.availableReplicas, og: d.status?.observedGeneration },
      { r: 3, u: 3, rd: 3, a: 3, og: 1 },
    );
    const pods = (await rest.list<Pod>(PODS, NS, { labelSelector: 'app=web' })).items;
    assert.equal(pods.length, 3);
    for (const p of pods) assert.match(p.metadata?.name ?? '', new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
  });

  for (const [label, surge, unavailable, maxActive, minReady] of [
    ['integers (surge 1, unavailable 1)', 1, 1, 5, 3],
    ['percentages (25% / 25% of 4)', '25%', '25%', 5, 3],
    ['surge only (2 / 0)', 2, 0, 6, 4],
  ] as const) {
    test(`RollingUpdate with ${label} stays within the bounds at every observed moment`, async () => {
      const name = `roll-${String(surge).replace('%', 'p')}-${String(unavailable).replace('%', 'p')}`;
      await rest.create(DEPLOYMENTS, NS, deployment(name, 4, 'img:1', { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } }));
      await eventually(() => complete(name), `${name} to be available`);
      const w = new PodWatcher(rest, name);
      await w.start();
      w.checking = true;
      try {
        await patch(name, { spec: { template: { spec: { containers: [{ name: 'c', image: 'img:2' }] } } } });
        await eventually(async () => (await complete(name)) && w.images().every((i) => i === 'img:2') && w.images().length === 4, `${name} rolled out`, 30_000);
        assert.ok(w.events > 8, `saw the rollout (${w.events} events)`);
        assert.ok(w.maxActive <= maxActive, `at most ${maxActive} pods at once, saw ${w.maxActive}`);
        assert.ok(w.minReady >= minReady, `at least ${minReady} ready pods at all times, saw ${w.minReady}`);
        const rss = await replicaSets(name);
        assert.equal(rss.length, 2);
        const d = await get(name);
        assert.equal(d.metadata?.annotations?.['deployment.kubernetes.io/revision'], '2');
      } finally {
        await w.stop();
      }
    });
  }

  test('Recreate: no new pod while an old one runs', async () => {
    await rest.create(DEPLOYMENTS, NS, deployment('recreate', 3, 'img:1', { type: 'Recreate' }));
    await eventually(() => complete('recreate'), 'recreate available');
    const w = new PodWatcher(rest, 'recreate');
    let overlap = false;
    w.informer.addEventHandler({
      onAdd: () => {
        const imgs = new Set(w.images());
        if (imgs.size > 1) overlap = true;
      },
    });
    await w.start();
    try {
      await patch('recreate', { spec: { template: { spec: { containers: [{ name: 'c', image: 'img:2' }] } } } });
      await eventually(async () => (await complete('recreate')) && w.images().join() === 'img:2,img:2,img:2', 'recreate rolled out', 30_000);
      assert.equal(overlap, false, 'old and new pods never coexisted');
    } finally {
      await w.stop();
    }
  });

  test('pause holds a template change back; resume rolls it out', async () => {
    await rest.create(DEPLOYMENTS, NS, deployment('paused', 2, 'img:1', { type: 'RollingUpdate' }));
    await eventually(() => complete('paused'), 'paused available');
    const r1 = await kubectl.run(['-n', NS, 'rollout', 'pause', 'deploy/paused']);
    assert.equal(r1.code, 0, r1.stderr);
    await patch('paused', { spec: { template: { spec: { containers: [{ name: 'c', image: 'img:2' }] } } } });
    await eventually(async () => {
      const d = await get('paused');
      return (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) && d.status?.conditions?.some((x) => x.reason === 'DeploymentPaused') === true;
    }, 'the paused spec to be observed');
    assert.equal((await replicaSets('paused')).length, 1, 'no new ReplicaSet while paused');
    const p = (await get('paused')).status?.conditions?.find((x) => x.type === 'Progressing');
    assert.deepEqual([p?.status, p?.message], ['Unknown', 'Deployment is paused']);
    const r2 = await kubectl.run(['-n', NS, 'rollout', 'resume', 'deploy/paused']);
    assert.equal(r2.code, 0, r2.stderr);
    const st = await kubectl.run(['-n', NS, 'rollout', 'status', 'deploy/paused', '--timeout=30s']);
    assert.equal(st.code, 0, st.stderr);
    assert.match(st.stdout, /deployment "paused" successfully rolled out/);
    assert.equal((await replicaSets('paused')).length, 2);
  });

  test('kubectl rollout status / history / undo / undo --to-revision / restart', async () => {
    const k = (...args: string[]) => kubectl.run(['-n', NS, ...args]);
    let r = await k('create', 'deployment', 'hist', '--image=img:1', '--replicas=2');
    assert.equal(r.code, 0, r.stderr);
    r = await k('rollout', 'status', 'deploy/hist', '--timeout=30s');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /successfully rolled out/);
    for (const img of ['img:2', 'img:3']) {
      r = await k('set', 'image', 'deploy/hist', `img=${img}`);
      assert.equal(r.code, 0, r.stderr);
      r = await k('rollout', 'status', 'deploy/hist', '--timeout=30s');
      assert.equal(r.code, 0, r.stderr);
    }
    r = await k('rollout', 'history', 'deploy/hist');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n').slice(2).map((l) => l.split(/\s+/)[0]), ['1', '2', '3']);

    r = await k('rollout', 'undo', 'deploy/hist');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /rolled back/);
    r = await k('rollout', 'status', 'deploy/hist', '--timeout=30s');
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await get('hist')).spec?.template.spec?.containers[0].image, 'img:2');
    r = await k('rollout', 'history', 'deploy/hist');
    assert.deepEqual(r.stdout.trim().split('\n').slice(2).map((l) => l.split(/\s+/)[0]), ['1', '3', '4'], 'revision 2 became 4');

    r = await k('rollout', 'undo', 'deploy/hist', '--to-revision=1');
    assert.equal(r.code, 0, r.stderr);
    r = await k('rollout', 'status', 'deploy/hist', '--timeout=30s');
    assert.equal(r.code, 0, r.stderr);
    const d = await get('hist');
    assert.equal(d.spec?.template.spec?.containers[0].image, 'img:1');
    assert.equal(d.metadata?.annotations?.['deployment.kubernetes.io/revision'], '5');
    const pods = (await rest.list<Pod>(PODS, NS, { labelSelector: 'app=hist' })).items.filter(isActive);
    assert.deepEqual(pods.map((p) => p.spec?.containers[0].image), ['img:1', 'img:1']);

    const before = new Set(pods.map((p) => p.metadata?.uid));
    r = await k('rollout', 'restart', 'deploy/hist');
    assert.equal(r.code, 0, r.stderr);
    r = await k('rollout', 'status', 'deploy/hist', '--timeout=30s');
    assert.equal(r.code, 0, r.stderr);
    const after = (await rest.list<Pod>(PODS, NS, { labelSelector: 'app=hist' })).items.filter(isActive);
    assert.equal(after.length, 2);
    assert.ok(after.every((p) => !before.has(p.metadata?.uid)), 'every pod replaced');
    assert.ok((await get('hist')).spec?.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']);
  });

  test('the deprecated rollback annotation rolls back to the previous revision and is cleared', async () => {
    await rest.create(DEPLOYMENTS, NS, deployment('legacy', 1, 'img:1', { type: 'RollingUpdate' }));
    await eventually(() => complete('legacy'), 'legacy available');
    await patch('legacy', { spec: { template: { spec: { containers: [{ name: 'c', image: 'img:2' }] } } } });
    await eventually(async () => (await complete('legacy')) && (await get('legacy')).metadata?.annotations?.['deployment.kubernetes.io/revision'] === '2', 'legacy at revision 2');
    await patch('legacy', { metadata: { annotations: { 'deprecated.deployment.rollback.to': '0' } } });
    await eventually(async () => {
      const d = await get('legacy');
      return d.metadata?.annotations?.['deprecated.deployment.rollback.to'] === undefined && d.spec?.template.spec?.containers[0].image === 'img:1';
    }, 'rolled back and the annotation cleared');
    await eventually(async () => (await complete('legacy')) && (await get('legacy')).metadata?.annotations?.['deployment.kubernetes.io/revision'] === '3', 'legacy at revision 3');
  });

  test('revisionHistoryLimit keeps that many old ReplicaSets', async () => {
    await rest.create(DEPLOYMENTS, NS, deployment('limited', 1, 'img:1', { type: 'RollingUpdate' }, { revisionHistoryLimit: 1 }));
    await eventually(() => complete('limited'), 'limited available');
    for (const img of ['img:2', 'img:3', 'img:4']) {
      await patch('limited', { spec: { template: { spec: { containers: [{ name: 'c', image: img }] } } } });
      await eventually(async () => (await complete('limited')) && (await get('limited')).spec?.template.spec?.containers[0].image === img, `limited at ${img}`);
    }
    await eventually(async () => (await replicaSets('limited')).length === 2, 'old ReplicaSets cleaned up');
    const revs = (await replicaSets('limited')).map((rs) => rs.metadata?.annotations?.['deployment.kubernetes.io/revision']).sort();
    assert.deepEqual(revs, ['3', '4']);
  });

  test('progressDeadlineSeconds: Progressing=False ProgressDeadlineExceeded, and kubectl rollout status fails', async () => {
    await rest.create(DEPLOYMENTS, NS, deployment('stuck', 2, 'img:1', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }, { progressDeadlineSeconds: 2 }));
    await eventually(() => complete('stuck'), 'stuck available');
    // pods of this image never become ready
    await patch('stuck', { spec: { template: { spec: { containers: [{ name: 'c', image: 'broken:1' }] } } } });
    const started = Date.now();
    await eventually(async () => (await get('stuck')).status?.conditions?.some((x) => x.type === 'Progressing' && x.reason === 'ProgressDeadlineExceeded') === true, 'the progress deadline', 15_000);
    const waited = Date.now() - started;
    assert.ok(waited >= 1500 && waited < 8000, `deadline noticed after ${waited} ms (2 s deadline)`);
    const d = await get('stuck');
    const p = d.status?.conditions?.find((x) => x.type === 'Progressing');
    const newRS = (await replicaSets('stuck')).find((rs) => rs.spec?.template?.spec?.containers[0].image === 'broken:1');
    assert.equal(p?.status, 'False');
    assert.equal(p?.message, `ReplicaSet "${newRS?.metadata?.name ?? ''}" has timed out progressing.`);
    const r = await kubectl.run(['-n', NS, 'rollout', 'status', 'deploy/stuck', '--timeout=10s']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /exceeded its progress deadline/);
    // the old pods stayed: maxUnavailable 0
    assert.equal(d.status?.availableReplicas, 2);
  });

  test('scaling in the middle of a rollout scales the ReplicaSets proportionally', async () => {
    await rest.create(DEPLOYMENTS, NS, deployment('prop', 10, 'img:1', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } }));
    await eventually(() => complete('prop'), 'prop available');
    // new pods never get ready, so the rollout stalls with both ReplicaSets active
    await patch('prop', { spec: { template: { spec: { containers: [{ name: 'c', image: 'broken:2' }] } } } });
    const sizes = async (): Promise<Record<string, number>> =>
      Object.fromEntries((await replicaSets('prop')).map((rs): [string, number] => [rs.spec?.template?.spec?.containers[0].image ?? '', rs.spec?.replicas ?? 0]));
    // old 10 → 8 (2 unavailable allowed), new 3 → 5 (13 in total with 3 surge), then nothing can move
    await eventually(async () => JSON.stringify(await sizes()) === JSON.stringify({ 'img:1': 8, 'broken:2': 5 }), 'the stalled rollout at 8 + 5');
    await rest.patch(DEPLOYMENTS, NS, 'prop', 'merge', { spec: { replicas: 20 } }, { subresource: 'scale' });
    await eventually(async () => {
      const s = await sizes();
      return s['img:1'] + s['broken:2'] === 23;
    }, 'the scaled sizes');
    // 13 → 23 (max 20 + 3 surge): 8·23/13 = 14.15 → 14, 5·23/13 = 8.85 → 9
    assert.deepEqual(await sizes(), { 'img:1': 14, 'broken:2': 9 });
  });
});
