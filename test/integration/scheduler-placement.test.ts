/**
 * The scheduler against a real api-server + etcd, with Node objects of different sizes, labels and taints
 * (no kubelets): spreading, resource fit, nodeSelector / node affinity, taints / tolerations and host ports.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { RestClient } from '../../client/rest.js';
import { silentLogger } from '../../common/logger.js';
import { startScheduler, type SchedulerHandle } from '../../scheduler/scheduler.js';
import { clearCluster, nodeManifest, NODES, podManifest, PODS, waitBound, waitFor } from '../../scheduler/testing.js';
import { startTestCluster, type TestCluster } from '../support/api-server.js';

describe('scheduler placement (real api-server + etcd)', () => {
  let cluster: TestCluster;
  let rest: RestClient;
  let sched: SchedulerHandle;

  before(async () => {
    cluster = await startTestCluster();
    rest = new RestClient({ server: cluster.url });
    sched = await startScheduler({ server: cluster.url, log: silentLogger() });
    assert.equal(await sched.synced(), true);
  });

  after(async () => {
    await sched?.close();
    rest?.close();
    await cluster?.stop();
  });

  beforeEach(async () => {
    await clearCluster(rest);
    await waitFor('scheduler cache to drop old nodes', async () => (sched.cachedNodeNames().length === 0 ? true : undefined));
  });

  const createNodes = async (...nodes: ReturnType<typeof nodeManifest>[]): Promise<void> => {
    for (const n of nodes) await rest.create(NODES, undefined, n);
    await waitFor('scheduler cache to see the nodes', async () => (sched.cachedNodeNames().length === nodes.length ? true : undefined));
  };

  it('spreads equal pods evenly over equal nodes (LeastAllocated)', async () => {
    await createNodes(nodeManifest('spread-1'), nodeManifest('spread-2'), nodeManifest('spread-3'));
    for (let i = 0; i < 9; i++) await rest.create(PODS, 'default', podManifest(`web-${i}`, { cpu: '500m', memory: '512Mi' }));
    const placed = await Promise.all(Array.from({ length: 9 }, (_, i) => waitBound(rest, `web-${i}`)));
    const perNode = new Map<string, number>();
    for (const n of placed) perNode.set(n, (perNode.get(n) ?? 0) + 1);
    assert.deepEqual([...perNode.values()].sort(), [3, 3, 3], `placement: ${JSON.stringify(Object.fromEntries(perNode))}`);
  });

  it('puts a pod only where its requests fit, counting pods already bound', async () => {
    await createNodes(nodeManifest('small', { cpu: '1', memory: '1Gi' }), nodeManifest('big', { cpu: '8', memory: '16Gi' }));
    await rest.create(PODS, 'default', podManifest('large', { cpu: '2', memory: '2Gi' }));
    assert.equal(await waitBound(rest, 'large'), 'big');
    // fill "big": 6 more cpu fits there, then a 1-cpu pod only fits "small"
    await rest.create(PODS, 'default', podManifest('filler', { cpu: '6' }));
    assert.equal(await waitBound(rest, 'filler'), 'big');
    await rest.create(PODS, 'default', podManifest('one-more', { cpu: '1' }));
    assert.equal(await waitBound(rest, 'one-more'), 'small');
  });

  it('honours extended resources and the pods limit', async () => {
    await createNodes(nodeManifest('gpu', { extended: { 'example.com/gpu': '1' } }), nodeManifest('tiny', { pods: '1' }));
    await rest.create(PODS, 'default', podManifest('trainer', { extended: { 'example.com/gpu': '1' } }));
    assert.equal(await waitBound(rest, 'trainer'), 'gpu');
    await rest.create(PODS, 'default', podManifest('a'));
    await rest.create(PODS, 'default', podManifest('b'));
    const nodes = [await waitBound(rest, 'a'), await waitBound(rest, 'b')];
    assert.ok(nodes.filter((n) => n === 'tiny').length <= 1, `tiny takes at most one pod: ${nodes.join(',')}`);
  });

  it('follows nodeSelector and required node affinity (In, NotIn, Exists, DoesNotExist, Gt, Lt)', async () => {
    await createNodes(
      nodeManifest('ssd-1', { labels: { disk: 'ssd', cores: '16', zone: 'a' } }),
      nodeManifest('hdd-1', { labels: { disk: 'hdd', cores: '4', zone: 'b' } }),
      nodeManifest('plain', { labels: { cores: '8' } }),
    );
    await rest.create(PODS, 'default', podManifest('sel', { nodeSelector: { disk: 'ssd' } }));
    const expr = (name: string, operator: string, values?: string[]) =>
      podManifest(name, {
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: name.split('-')[1] === 'gt' || name.split('-')[1] === 'lt' ? 'cores' : 'disk', operator, values }] }] } } },
      });
    await rest.create(PODS, 'default', expr('aff-in', 'In', ['hdd']));
    await rest.create(PODS, 'default', expr('aff-dne', 'DoesNotExist'));
    await rest.create(PODS, 'default', expr('aff-gt', 'Gt', ['10']));
    await rest.create(PODS, 'default', expr('aff-lt', 'Lt', ['5']));
    await rest.create(PODS, 'default', podManifest('aff-notin-exists', {
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [
        { key: 'disk', operator: 'Exists' }, { key: 'disk', operator: 'NotIn', values: ['ssd'] },
      ] }] } } },
    }));
    assert.equal(await waitBound(rest, 'sel'), 'ssd-1');
    assert.equal(await waitBound(rest, 'aff-in'), 'hdd-1');
    assert.equal(await waitBound(rest, 'aff-dne'), 'plain');
    assert.equal(await waitBound(rest, 'aff-gt'), 'ssd-1');
    assert.equal(await waitBound(rest, 'aff-lt'), 'hdd-1');
    assert.equal(await waitBound(rest, 'aff-notin-exists'), 'hdd-1');
  });

  it('prefers nodes matching preferred node affinity', async () => {
    await createNodes(nodeManifest('pref-a', { labels: { tier: 'gold' } }), nodeManifest('pref-b'), nodeManifest('pref-c'));
    for (let i = 0; i < 3; i++) {
      await rest.create(PODS, 'default', podManifest(`gold-${i}`, {
        cpu: '100m',
        affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['gold'] }] } }] } },
      }));
      assert.equal(await waitBound(rest, `gold-${i}`), 'pref-a');
    }
  });

  it('keeps pods off tainted nodes unless they tolerate the taint', async () => {
    await createNodes(
      nodeManifest('cp', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }),
      nodeManifest('gpu-only', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }] }),
      nodeManifest('worker'),
    );
    for (let i = 0; i < 4; i++) await rest.create(PODS, 'default', podManifest(`plain-${i}`));
    for (let i = 0; i < 4; i++) assert.equal(await waitBound(rest, `plain-${i}`), 'worker');
    await rest.create(PODS, 'default', podManifest('gpu-job', {
      nodeSelector: { 'kubernetes.io/hostname': 'gpu-only' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoExecute' }],
    }));
    assert.equal(await waitBound(rest, 'gpu-job'), 'gpu-only');
    await rest.create(PODS, 'default', podManifest('cp-job', { nodeSelector: { 'kubernetes.io/hostname': 'cp' }, tolerations: [{ operator: 'Exists' }] }));
    assert.equal(await waitBound(rest, 'cp-job'), 'cp');
  });

  it('avoids PreferNoSchedule taints when it can', async () => {
    await createNodes(nodeManifest('soft', { taints: [{ key: 'spot', value: 'true', effect: 'PreferNoSchedule' }] }), nodeManifest('hard'));
    for (let i = 0; i < 3; i++) {
      await rest.create(PODS, 'default', podManifest(`soft-${i}`, { cpu: '100m' }));
      assert.equal(await waitBound(rest, `soft-${i}`), 'hard');
    }
  });

  it('never puts two pods with the same hostPort on one node', async () => {
    await createNodes(nodeManifest('port-1'), nodeManifest('port-2'));
    await rest.create(PODS, 'default', podManifest('hp-0', { hostPort: 8080 }));
    await rest.create(PODS, 'default', podManifest('hp-1', { hostPort: 8080 }));
    const nodes = [await waitBound(rest, 'hp-0'), await waitBound(rest, 'hp-1')];
    assert.deepEqual([...nodes].sort(), ['port-1', 'port-2']);
    await rest.create(PODS, 'default', podManifest('hp-2', { hostPort: 8080 }));
    await rest.create(PODS, 'default', podManifest('hp-other', { hostPort: 9090 }));
    await waitBound(rest, 'hp-other');
    const third = await rest.get<Pod>(PODS, 'default', 'hp-2');
    assert.equal(third.spec?.nodeName, undefined, 'a third pod on port 8080 fits nowhere');
  });

  it('ignores pods that name another scheduler', async () => {
    await createNodes(nodeManifest('only'));
    await rest.create(PODS, 'default', podManifest('other', { schedulerName: 'my-scheduler' }));
    await rest.create(PODS, 'default', podManifest('ours'));
    assert.equal(await waitBound(rest, 'ours'), 'only');
    const other = await rest.get<Pod>(PODS, 'default', 'other');
    assert.equal(other.spec?.nodeName, undefined);
  });
});
