import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Event, Node, NodeCondition, Pod, Taint } from 'kubernetes-types/core/v1.js';
import { isApiError } from '../../api/errors.js';
import { requireResource } from '../../api/resources.js';
import { formatMicroTime } from '../../client/leader-election.js';
import { RestClient } from '../../client/rest.js';
import type { ControllerManager } from '../../controller-manager/manager.js';
import { eventually, startTestManager } from '../../controller-manager/testing.js';
import { startTestCluster, type TestCluster } from '../support/api-server.js';

const NAMESPACES = requireResource('', 'v1', 'namespaces');
const NODES = requireResource('', 'v1', 'nodes');
const LEASES = requireResource('coordination.k8s.io', 'v1', 'leases');
const PODS = requireResource('', 'v1', 'pods');
const EVENTS = requireResource('', 'v1', 'events');
const NS = 'node-it';

// compressed timings: grace 4 s, monitor period 0.5 s, tolerations 3 s (upstream 50 s / 5 s / 300 s)
const GRACE_MS = 4000;
const PERIOD_MS = 500;
const TOLERATION_S = 3;

const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('node lifecycle and taint eviction against a real api-server (the test plays the kubelets)', () => {
  let c: TestCluster;
  let rest: RestClient;
  let manager: ControllerManager;
  const alive = new Map<string, boolean>();
  let beating: ReturnType<typeof setInterval> | undefined;

  const node = (name: string): Promise<Node> => rest.get<Node>(NODES, undefined, name);
  const ready = async (name: string): Promise<NodeCondition | undefined> => (await node(name)).status?.conditions?.find((x) => x.type === 'Ready');
  const taints = async (name: string): Promise<Taint[]> => (await node(name)).spec?.taints ?? [];
  const hasTaint = async (name: string, key: string, effect: string): Promise<boolean> => (await taints(name)).some((t) => t.key === key && t.effect === effect);
  const pod = async (name: string): Promise<Pod | undefined> => {
    try {
      return await rest.get<Pod>(PODS, NS, name);
    } catch (e) {
      if (isApiError(e, 'NotFound')) return undefined;
      throw e;
    }
  };
  const podReady = async (name: string): Promise<string | undefined> => (await pod(name))?.status?.conditions?.find((x) => x.type === 'Ready')?.status;

  /** What a kubelet does: renew its Lease; on (re)start also post Ready=True. */
  const renew = async (name: string): Promise<void> => {
    const lease = await rest.get<Lease>(LEASES, 'kube-node-lease', name);
    await rest.update(LEASES, 'kube-node-lease', { ...lease, spec: { ...lease.spec, renewTime: formatMicroTime(Date.now()) } });
  };
  const postReady = async (name: string): Promise<void> => {
    const n = await node(name);
    const t = now();
    const conds: NodeCondition[] = [
      { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: t, lastTransitionTime: t },
      { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', lastHeartbeatTime: t, lastTransitionTime: t },
      { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', lastHeartbeatTime: t, lastTransitionTime: t },
      { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', lastHeartbeatTime: t, lastTransitionTime: t },
    ];
    await rest.updateStatus(NODES, undefined, { ...n, status: { ...n.status, conditions: conds } });
  };
  const revive = async (name: string): Promise<void> => {
    await renew(name);
    await postReady(name);
    alive.set(name, true);
  };

  const makePod = async (name: string, nodeName: string, tolerations?: Pod['spec'] extends infer S ? (S extends { tolerations?: infer T } ? T : never) : never): Promise<void> => {
    await rest.create(PODS, NS, { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName, tolerations, containers: [{ name: 'c', image: 'img' }] } });
    const p = await rest.get<Pod>(PODS, NS, name);
    await rest.updateStatus(PODS, NS, { ...p, status: { ...p.status, phase: 'Running', podIP: '10.9.0.1', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now() }] } });
  };

  before(async () => {
    c = await startTestCluster({ defaultTolerationSeconds: TOLERATION_S });
    rest = new RestClient({ server: c.url, timeoutMs: 10_000 });
    await rest.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    for (const name of ['n1', 'n2', 'n3']) {
      const n = await rest.create<Node>(NODES, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name } });
      await rest.create(LEASES, 'kube-node-lease', {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: n.metadata?.uid ?? '' }] },
        spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: formatMicroTime(Date.now()) },
      });
      await revive(name);
    }
    beating = setInterval(() => {
      for (const [name, on] of alive) if (on) renew(name).catch(() => undefined);
    }, 400);
    manager = await startTestManager(c.url, {
      controllers: ['node-lifecycle-controller', 'taint-eviction-controller'],
      // taint one node per 100 ms, so recovering from full disruption does not wait 10 s per node
      settings: { nodeMonitorPeriodMs: PERIOD_MS, nodeMonitorGracePeriodMs: GRACE_MS, nodeEvictionRate: 10 },
    });
  });

  after(async () => {
    if (beating) clearInterval(beating);
    await manager?.close();
    rest?.close();
    await c?.stop();
  });

  test('the api-server adds the default NoExecute tolerations to pods', async () => {
    await makePod('p1', 'n1');
    const p = await rest.get<Pod>(PODS, NS, 'p1');
    assert.deepEqual(p.spec?.tolerations, [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: TOLERATION_S },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: TOLERATION_S },
    ]);
  });

  test('a node that stops renewing its Lease: Unknown, tainted, its pods not ready, then evicted after tolerationSeconds', async (t) => {
    await makePod('p2', 'n1');
    await makePod('forever', 'n1', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }]);
    await makePod('elsewhere', 'n2');
    // all healthy for a while: nothing happens
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await ready('n1'))?.status, 'True');

    alive.set('n1', false);
    const stopped = Date.now();
    await eventually(async () => (await ready('n1'))?.status === 'Unknown', 'n1 Unknown', 15_000);
    const tUnknown = Date.now() - stopped;
    const r = await ready('n1');
    assert.equal(r?.reason, 'NodeStatusUnknown');
    assert.equal(r?.message, 'Kubelet stopped posting node status.');
    t.diagnostic(`NotReady (Unknown) ${tUnknown} ms after the last Lease renewal (grace ${GRACE_MS} ms, monitor period ${PERIOD_MS} ms)`);
    // t_NotReady ≤ grace + monitor period + ε (ε generous: a loaded 2-core machine)
    assert.ok(tUnknown >= GRACE_MS - 500 && tUnknown <= GRACE_MS + PERIOD_MS + 3000, `Unknown after ${tUnknown} ms (grace ${GRACE_MS} + period ${PERIOD_MS})`);

    await eventually(() => hasTaint('n1', 'node.kubernetes.io/unreachable', 'NoExecute'), 'the unreachable NoExecute taint');
    const tTaint = Date.now();
    assert.ok((await taints('n1')).find((t) => t.effect === 'NoExecute')?.timeAdded, 'timeAdded is set');
    await eventually(() => hasTaint('n1', 'node.kubernetes.io/unreachable', 'NoSchedule'), 'the unreachable NoSchedule taint');
    await eventually(async () => (await podReady('p1')) === 'False' && (await podReady('p2')) === 'False', 'pods on n1 not ready');
    assert.equal(await podReady('elsewhere'), 'True');

    await eventually(async () => !!(await pod('p1'))?.metadata?.deletionTimestamp && !!(await pod('p2'))?.metadata?.deletionTimestamp, 'p1 and p2 evicted', 15_000);
    const tEvict = Date.now() - tTaint;
    t.diagnostic(`pods evicted ${tEvict} ms after the NoExecute taint appeared (tolerationSeconds ${TOLERATION_S})`);
    // t_evict ≈ t_taint + tolerationSeconds (± ε)
    assert.ok(tEvict >= TOLERATION_S * 1000 - 700 && tEvict <= TOLERATION_S * 1000 + 3500, `evicted ${tEvict} ms after the taint (toleration ${TOLERATION_S} s)`);
    const evicted = await pod('p1');
    assert.ok(evicted?.status?.conditions?.some((x) => x.type === 'DisruptionTarget' && x.reason === 'DeletionByTaintManager'));
    const evs = (await rest.list<Event>(EVENTS, NS)).items.filter((e) => e.reason === 'TaintManagerEviction' && e.involvedObject.name === 'p1');
    assert.ok(evs.some((e) => e.message === `Marking for deletion Pod ${NS}/p1`), 'TaintManagerEviction event');
    assert.equal((await pod('forever'))?.metadata?.deletionTimestamp, undefined, 'a pod tolerating forever stays');
    assert.equal((await pod('elsewhere'))?.metadata?.deletionTimestamp, undefined, 'pods of healthy nodes stay');
  });

  test('when the node comes back its taints are removed', async () => {
    await revive('n1');
    await eventually(async () => (await taints('n1')).length === 0, 'n1 untainted');
    assert.equal((await ready('n1'))?.status, 'True');
  });

  test('a taint removed before tolerationSeconds run out cancels the eviction', async () => {
    await makePod('p3', 'n3');
    alive.set('n3', false);
    await eventually(() => hasTaint('n3', 'node.kubernetes.io/unreachable', 'NoExecute'), 'n3 tainted', 15_000);
    await revive('n3');
    await eventually(async () => (await taints('n3')).length === 0, 'n3 untainted');
    await new Promise((r) => setTimeout(r, TOLERATION_S * 1000 + 1000));
    assert.equal((await pod('p3'))?.metadata?.deletionTimestamp, undefined);
  });

  test('full disruption (every node down): no taints, no evictions; one node back: the others are evicted', async () => {
    await makePod('d1', 'n1');
    await makePod('d2', 'n2');
    await makePod('d3', 'n3');
    for (const n of ['n1', 'n2', 'n3']) alive.set(n, false);
    await eventually(async () => {
      for (const n of ['n1', 'n2', 'n3']) if ((await ready(n))?.status !== 'Unknown') return false;
      return true;
    }, 'every node Unknown', 15_000);
    // longer than a tainting pass plus the toleration
    await new Promise((r) => setTimeout(r, TOLERATION_S * 1000 + 2000));
    for (const n of ['n1', 'n2', 'n3']) assert.ok(!(await hasTaint(n, 'node.kubernetes.io/unreachable', 'NoExecute')), `${n} has no NoExecute taint`);
    for (const p of ['d1', 'd2', 'd3']) assert.equal((await pod(p))?.metadata?.deletionTimestamp, undefined, `${p} not evicted`);

    await revive('n2');
    await eventually(async () => (await hasTaint('n1', 'node.kubernetes.io/unreachable', 'NoExecute')) && (await hasTaint('n3', 'node.kubernetes.io/unreachable', 'NoExecute')), 'n1 and n3 tainted once n2 is back', 15_000);
    await eventually(async () => !!(await pod('d1'))?.metadata?.deletionTimestamp && !!(await pod('d3'))?.metadata?.deletionTimestamp, 'd1 and d3 evicted', 15_000);
    assert.equal((await pod('d2'))?.metadata?.deletionTimestamp, undefined);
  });
});
