/**
 * A lost node on a whole cluster (real containers): the kubelet of node-2 stops the way `kubemu node stop` stops
 * it (its process ends, its pods' containers keep running). The node lifecycle controller marks the node
 * Ready=Unknown after the grace period and its pods not ready, taints it unreachable NoExecute; the taint-eviction
 * controller evicts its pods after their (cluster default) tolerationSeconds; the ReplicaSet replaces them on the
 * other nodes. The kubelet's return removes the taints and finishes the evicted pods. Times are printed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Event, Node, Pod } from 'kubernetes-types/core/v1.js';
import { requireResource } from '../../api/resources.js';
import { startFullCluster, type FullCluster } from '../support/full-cluster.js';
import { kubectlFor, type Kubectl } from '../support/kubectl.js';
import { PODS, TESTAPP_IMAGE, dockerContainers, isReady, waitFor } from '../support/kubelet.js';

const NODES = requireResource('', 'v1', 'nodes');
const EVENTS = requireResource('', 'v1', 'events');
const NAME = 'spread';
const SELECTOR = `app=${NAME}`;
const REPLICAS = 3;
const GRACE_MS = 8000;
const TOLERATION_SECONDS = 5;
const LOST = 'node-2';

const manifest = JSON.stringify({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: NAME },
  spec: {
    replicas: REPLICAS,
    selector: { matchLabels: { app: NAME } },
    template: {
      metadata: { labels: { app: NAME } },
      spec: {
        terminationGracePeriodSeconds: 2,
        topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: NAME } } }],
        containers: [{ name: 'app', image: TESTAPP_IMAGE, readinessProbe: { httpGet: { path: '/readyz', port: 8080 }, periodSeconds: 1 } }],
      },
    },
  },
});

const unreachableNoExecute = (n: Node): boolean => !!n.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute');
const readyStatus = (n: Node): string | undefined => n.status?.conditions?.find((c) => c.type === 'Ready')?.status;

describe('node failure: NotReady, taint, eviction, replacement, recovery', () => {
  let c: FullCluster;
  let k: Kubectl;

  before(async () => {
    c = await startFullCluster({
      nodes: ['node-1', 'node-2', 'node-3'],
      // the Lease is the heartbeat; renewed every quarter of its duration (1 s), well inside the grace period
      kubelet: { nodeLeaseDurationSeconds: 4 },
      controllers: { nodeMonitorPeriodMs: 500, nodeMonitorGracePeriodMs: GRACE_MS },
      apiServer: { defaultTolerationSeconds: TOLERATION_SECONDS },
    });
    k = kubectlFor(c.cluster.url);
  });
  after(async () => {
    const name = c?.clusterName;
    await c?.stop();
    if (name) assert.deepEqual(await dockerContainers(name), [], 'no container of the test cluster is left');
  });

  const node = (name: string): Promise<Node> => c.rest.get<Node>(NODES, undefined, name);
  const pods = async (): Promise<Pod[]> => (await c.rest.list<Pod>(PODS, 'default', { labelSelector: SELECTOR })).items;

  test('a stopped kubelet: NotReady, tainted, pods evicted and replaced; back again: untainted', async () => {
    const r = await k.run(['apply', '-f', '-'], { input: manifest });
    assert.equal(r.code, 0, r.stderr);
    const st = await k.run(['rollout', 'status', `deployment/${NAME}`, '--timeout=90s'], { timeoutMs: 100_000 });
    assert.equal(st.code, 0, st.stderr);
    const placed = await pods();
    const lost = placed.filter((p) => p.spec?.nodeName === LOST);
    const kept = placed.filter((p) => p.spec?.nodeName !== LOST).map((p) => p.metadata?.uid).sort();
    assert.ok(lost.length >= 1, `a pod runs on ${LOST}: ${placed.map((p) => p.spec?.nodeName).join(',')}`);
    // the api-server gave every pod upstream's default tolerations with the cluster's duration
    assert.ok(lost[0].spec?.tolerations?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute' && t.tolerationSeconds === TOLERATION_SECONDS));

    const t0 = Date.now();
    await c.stopNode(LOST);
    const since = (): number => Date.now() - t0;

    const notReady = await waitFor(`${LOST} Ready=Unknown`, async () => (readyStatus(await node(LOST)) === 'Unknown' ? since() : undefined), GRACE_MS + 10_000, 100);
    const n = await node(LOST);
    assert.equal(n.status?.conditions?.find((x) => x.type === 'Ready')?.message, 'Kubelet stopped posting node status.');
    const tainted = await waitFor(`${LOST} tainted unreachable:NoExecute`, async () => (unreachableNoExecute(await node(LOST)) ? since() : undefined), 10_000, 100);
    const podsNotReady = await waitFor(`the pods of ${LOST} not ready`, async () => {
      const mine = (await pods()).filter((p) => p.spec?.nodeName === LOST);
      return mine.every((p) => !isReady(p)) ? since() : undefined;
    }, 10_000, 100);
    const evicted = await waitFor(`the pods of ${LOST} evicted`, async () => {
      const mine = (await pods()).filter((p) => lost.some((l) => l.metadata?.uid === p.metadata?.uid));
      return mine.every((p) => p.metadata?.deletionTimestamp) ? since() : undefined;
    }, TOLERATION_SECONDS * 1000 + 15_000, 100);
    assert.ok(evicted - tainted >= TOLERATION_SECONDS * 1000 - 1000, `eviction ${evicted - tainted} ms after the taint, tolerationSeconds ${TOLERATION_SECONDS}`);
    const replaced = await waitFor('replacements Ready on the other nodes', async () => {
      const live = (await pods()).filter((p) => !p.metadata?.deletionTimestamp);
      return live.length === REPLICAS && live.every((p) => isReady(p) && p.spec?.nodeName !== LOST) ? since() : undefined;
    }, 30_000, 100);
    const msg = `kill → NotReady ${notReady} ms, → tainted ${tainted} ms, → pods not ready ${podsNotReady} ms, → evicted ${evicted} ms, → replacements Ready ${replaced} ms (grace ${GRACE_MS} ms, tolerationSeconds ${TOLERATION_SECONDS})`;
    console.log(msg);

    const now = await pods();
    assert.deepEqual(now.filter((p) => p.spec?.nodeName !== LOST && kept.includes(p.metadata?.uid)).map((p) => p.metadata?.uid).sort(), kept, 'the pods of the healthy nodes stayed');
    const evs = (await c.rest.list<Event>(EVENTS, 'default', { fieldSelector: `involvedObject.name=${lost[0].metadata?.name ?? ''}` })).items;
    assert.ok(evs.some((e) => e.reason === 'TaintManagerEviction' && e.message === `Marking for deletion Pod default/${lost[0].metadata?.name ?? ''}`), JSON.stringify(evs.map((e) => [e.reason, e.message])));
    assert.ok(evs.some((e) => e.reason === 'NodeNotReady' && e.message === 'Node is not ready'));
    // the evicted pods wait for their kubelet (Terminating), as on a real cluster
    assert.equal((await pods()).filter((p) => p.metadata?.deletionTimestamp).length, lost.length);

    const t1 = Date.now();
    await c.startNode(LOST);
    const back = await waitFor(`${LOST} Ready and untainted`, async () => {
      const x = await node(LOST);
      return readyStatus(x) === 'True' && !x.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/unreachable') ? Date.now() - t1 : undefined;
    }, 30_000, 100);
    await waitFor('the evicted pods to be gone', async () => (await pods()).length === REPLICAS, 30_000, 200);
    await waitFor('their containers to be gone', async () => {
      for (const p of lost) if ((await dockerContainers(c.clusterName, [`label=io.kubernetes.pod.uid=${p.metadata?.uid ?? ''}`])).length) return false;
      return true;
    }, 30_000, 500);
    console.log(`kubelet restart → Ready and untainted ${back} ms`);
    assert.deepEqual((await node(LOST)).spec?.taints ?? [], [], 'no taint left');
  });
});
