/**
 * The controller-manager on a whole cluster (real containers, real kubectl): a 4-replica rolling update whose
 * maxSurge/maxUnavailable bounds a pod watcher checks at every event (integers, then percentages), `kubectl
 * rollout status / history / undo [--to-revision]`, a controller-manager restart that creates and deletes no pods
 * (upstream's daemon-restart check), and `kubectl delete deployment` removing ReplicaSets, pods and containers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Event, Pod } from 'kubernetes-types/core/v1.js';
import { requireResource } from '../../api/resources.js';
import { startFullCluster, type FullCluster } from '../support/full-cluster.js';
import { kubectlFor, type Kubectl } from '../support/kubectl.js';
import { PODS, TESTAPP_IMAGE, dockerContainers, waitFor } from '../support/kubelet.js';
import { watchRollout, type RolloutBounds } from '../support/rollout-watch.js';

const REPLICASETS = requireResource('apps', 'v1', 'replicasets');
const EVENTS = requireResource('', 'v1', 'events');
const NAME = 'web';
const SELECTOR = `app=${NAME}`;
const REPLICAS = 4;
const MIN_READY_SECONDS = 1;

function deployment(version: string, changeCause: string): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: NAME, annotations: { 'kubernetes.io/change-cause': changeCause } },
    spec: {
      replicas: REPLICAS,
      minReadySeconds: MIN_READY_SECONDS,
      selector: { matchLabels: { app: NAME } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } },
      template: {
        metadata: { labels: { app: NAME } },
        spec: {
          terminationGracePeriodSeconds: 2,
          containers: [{
            name: 'app',
            image: TESTAPP_IMAGE,
            env: [{ name: 'VERSION', value: version }],
            readinessProbe: { httpGet: { path: '/readyz', port: 8080 }, periodSeconds: 1 },
          }],
        },
      },
    },
  });
}

async function livePods(c: FullCluster): Promise<Pod[]> {
  const pods = (await c.rest.list<Pod>(PODS, 'default', { labelSelector: SELECTOR })).items;
  return pods.filter((p) => !p.metadata?.deletionTimestamp);
}

/** The VERSION every running pod reports over HTTP (so the containers really run that template). */
async function runningVersions(c: FullCluster): Promise<string[]> {
  const pods = await livePods(c);
  return Promise.all(pods.map(async (p) => {
    const r = await fetch(`http://${p.status?.podIP ?? ''}:8080/env?name=VERSION`, { signal: AbortSignal.timeout(3000) });
    return r.text();
  }));
}

async function ok(k: Kubectl, args: string[], input?: string): Promise<string> {
  const r = await k.run(args, { timeoutMs: 120_000, input });
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

describe('controller-manager e2e: rollouts, restart, deletion', () => {
  let c: FullCluster;
  let k: Kubectl;

  before(async () => {
    c = await startFullCluster({ nodes: ['node-1', 'node-2'] });
    k = kubectlFor(c.cluster.url);
  });
  after(async () => {
    const name = c?.clusterName;
    await c?.stop();
    if (name) assert.deepEqual(await dockerContainers(name), [], 'no container of the test cluster is left');
  });

  /** Runs `change` while a watcher checks `bounds`; then `kubectl rollout status` must report success. */
  async function watchedRollout(what: string, bounds: Omit<RolloutBounds, 'replicas' | 'minReadySeconds'>, change: () => Promise<unknown>): Promise<void> {
    const w = await watchRollout(c.rest, 'default', SELECTOR, { replicas: REPLICAS, minReadySeconds: MIN_READY_SECONDS, ...bounds });
    const started = Date.now();
    try {
      await change();
      const out = await ok(k, ['rollout', 'status', `deployment/${NAME}`, '--timeout=120s']);
      assert.match(out, new RegExp(`deployment "${NAME}" successfully rolled out\\n$`));
      // the last old pods may still be terminating: let the watcher see them go
      await waitFor('old pods to be gone', async () => (await c.rest.list<Pod>(PODS, 'default', { labelSelector: SELECTOR })).items.length === REPLICAS, 30_000);
    } finally {
      await w.stop();
    }
    console.log(`${what}: rolled out in ${Date.now() - started} ms; ${w.events()} pod events checked; max pods ${w.maxTotal()}, min available ${w.minAvailable()}`);
    assert.deepEqual(w.violations, [], `${what}: rollout bounds violated`);
    assert.ok(w.events() > 10, `${what}: the watcher saw the rollout (${w.events()} events)`);
  }

  test('create, rolling update within maxSurge 1 / maxUnavailable 1, rollout status and history', async () => {
    assert.equal(await ok(k, ['apply', '-f', '-'], deployment('1', 'v1')), `deployment.apps/${NAME} created\n`);
    const first = await ok(k, ['rollout', 'status', `deployment/${NAME}`, '--timeout=120s']);
    assert.match(first, new RegExp(`deployment "${NAME}" successfully rolled out\\n$`));
    assert.deepEqual(await runningVersions(c), ['1', '1', '1', '1']);

    await watchedRollout('v1 → v2 (maxSurge 1, maxUnavailable 1)', { maxSurge: 1, maxUnavailable: 1 }, () => ok(k, ['apply', '-f', '-'], deployment('2', 'v2')));
    assert.deepEqual(await runningVersions(c), ['2', '2', '2', '2']);

    const history = await ok(k, ['rollout', 'history', `deployment/${NAME}`]);
    assert.match(history, /^deployment\.apps\/web\s*\nREVISION\s+CHANGE-CAUSE\n1\s+v1\n2\s+v2\n/, history);
    const rev1 = await ok(k, ['rollout', 'history', `deployment/${NAME}`, '--revision=1']);
    assert.match(rev1, /VERSION:\s+1/, rev1);
  });

  test('rollout undo returns to revision 1; undo --to-revision=2 with percentage bounds', async () => {
    await watchedRollout('undo → revision 1', { maxSurge: 1, maxUnavailable: 1 }, async () => {
      assert.match(await ok(k, ['rollout', 'undo', `deployment/${NAME}`]), /^deployment\.apps\/web rolled back\n$/);
    });
    assert.deepEqual(await runningVersions(c), ['1', '1', '1', '1']);
    // revision 1's ReplicaSet became revision 3
    assert.match(await ok(k, ['rollout', 'history', `deployment/${NAME}`]), /REVISION\s+CHANGE-CAUSE\n2\s+v2\n3\s+v1\n/);

    // 30% of 4: maxSurge rounds up to 2, maxUnavailable down to 1
    await ok(k, ['patch', `deployment/${NAME}`, '-p', JSON.stringify({ spec: { strategy: { rollingUpdate: { maxSurge: '30%', maxUnavailable: '30%' } } } })]);
    await watchedRollout('undo --to-revision=2 (maxSurge 30%, maxUnavailable 30%)', { maxSurge: 2, maxUnavailable: 1 }, async () => {
      assert.match(await ok(k, ['rollout', 'undo', `deployment/${NAME}`, '--to-revision=2']), /^deployment\.apps\/web rolled back\n$/);
    });
    assert.deepEqual(await runningVersions(c), ['2', '2', '2', '2']);
    assert.match(await ok(k, ['rollout', 'history', `deployment/${NAME}`]), /REVISION\s+CHANGE-CAUSE\n3\s+v1\n4\s+v2\n/);
  });

  test('a restarted controller-manager creates and deletes no pods', async () => {
    const uids = (await livePods(c)).map((p) => p.metadata?.uid ?? '').sort();
    assert.equal(uids.length, REPLICAS);
    const countEvents = async (): Promise<Map<string, number>> => {
      const evs = (await c.rest.list<Event>(EVENTS, 'default')).items.filter((e) => ['SuccessfulCreate', 'SuccessfulDelete', 'ScalingReplicaSet'].includes(e.reason ?? ''));
      return new Map(evs.map((e) => [e.metadata?.name ?? '', e.count ?? 1]));
    };
    const before = await countEvents();
    await c.stopControllerManager();
    const restarted = Date.now();
    const kcm = await c.startControllerManager();
    await waitFor('the new controller-manager to sync', async () => kcm.hasSynced(), 30_000, 50);
    console.log(`controller-manager restart: caches synced ${Date.now() - restarted} ms after the start`);
    // give every controller time to act on its initial list
    await new Promise((r) => setTimeout(r, 5000));
    assert.deepEqual((await livePods(c)).map((p) => p.metadata?.uid ?? '').sort(), uids, 'the same pods');
    assert.equal((await c.rest.list<Pod>(PODS, 'default', { labelSelector: SELECTOR })).items.length, REPLICAS, 'nothing terminating');
    const afterCounts = await countEvents();
    const fresh = [...afterCounts].filter(([n, count]) => (before.get(n) ?? 0) < count);
    assert.deepEqual(fresh, [], 'no SuccessfulCreate/SuccessfulDelete/ScalingReplicaSet event after the restart');
  });

  test('kubectl delete deployment removes its ReplicaSets, pods and containers', async () => {
    const uids = (await livePods(c)).map((p) => p.metadata?.uid ?? '');
    assert.ok((await c.rest.list<ReplicaSet>(REPLICASETS, 'default', { labelSelector: SELECTOR })).items.length >= 2);
    const r = await ok(k, ['delete', 'deployment', NAME]);
    assert.equal(r, `deployment.apps "${NAME}" deleted\n`);
    await waitFor('ReplicaSets to be gone', async () => (await c.rest.list<ReplicaSet>(REPLICASETS, 'default', { labelSelector: SELECTOR })).items.length === 0, 30_000);
    await waitFor('pods to be gone', async () => (await c.rest.list<Pod>(PODS, 'default', { labelSelector: SELECTOR })).items.length === 0, 30_000);
    await waitFor('containers to be gone', async () => {
      for (const uid of uids) if ((await dockerContainers(c.clusterName, [`label=io.kubernetes.pod.uid=${uid}`])).length) return false;
      return true;
    }, 30_000, 500);
    assert.equal((await k.run(['get', 'rs,pods', '-l', SELECTOR, '-o', 'name'])).stdout, '');
  });
});
