import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialNode, nodeStatus, sameStatus, type NodeFacts } from './node-status.js';

const facts: NodeFacts = {
  name: 'node-1', address: '127.0.0.1', port: 10250, cpu: '2', memory: '4Gi', pods: 110,
  runtimeVersion: 'docker://20.10.24', notReadyMessage: undefined, machineID: 'm', bootID: 'b',
};
const T0 = Date.UTC(2025, 0, 1);

void test('the registered Node: labels, capacity = allocatable, addresses, endpoints, nodeInfo, conditions', () => {
  const n = initialNode(facts, T0);
  assert.equal(n.metadata?.labels?.['kubernetes.io/hostname'], 'node-1');
  assert.equal(n.metadata?.labels?.['kubernetes.io/os'], 'linux');
  assert.ok(n.metadata?.labels?.['kubernetes.io/arch']);
  const s = n.status ?? {};
  assert.deepEqual(s.capacity, { cpu: '2', memory: '4Gi', pods: '110', 'ephemeral-storage': '100Gi', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0' });
  assert.deepEqual(s.allocatable, s.capacity);
  assert.deepEqual(s.addresses, [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: 'node-1' }]);
  assert.deepEqual(s.daemonEndpoints, { kubeletEndpoint: { Port: 10250 } });
  assert.equal(s.nodeInfo?.containerRuntimeVersion, 'docker://20.10.24');
  assert.equal(s.nodeInfo?.kubeletVersion, 'v1.32.0-kubemu');
  assert.deepEqual(s.conditions?.map((c) => [c.type, c.status, c.reason]), [
    ['MemoryPressure', 'False', 'KubeletHasSufficientMemory'],
    ['DiskPressure', 'False', 'KubeletHasNoDiskPressure'],
    ['PIDPressure', 'False', 'KubeletHasSufficientPID'],
    ['Ready', 'True', 'KubeletReady'],
  ]);
});

void test('runtime down: Ready=False with a reason; transitions are stamped, heartbeats alone are no change', () => {
  const first = nodeStatus(facts, undefined, T0);
  const later = nodeStatus(facts, first, T0 + 60_000);
  assert.ok(sameStatus(first, later), 'only heartbeat times moved');
  assert.equal(later.conditions?.[3].lastTransitionTime, '2025-01-01T00:00:00Z');
  assert.equal(later.conditions?.[3].lastHeartbeatTime, '2025-01-01T00:01:00Z');
  const down = nodeStatus({ ...facts, notReadyMessage: 'container runtime is down' }, later, T0 + 120_000);
  assert.equal(sameStatus(later, down), false);
  const ready = down.conditions?.find((c) => c.type === 'Ready');
  assert.deepEqual([ready?.status, ready?.reason, ready?.message, ready?.lastTransitionTime], ['False', 'KubeletNotReady', 'container runtime is down', '2025-01-01T00:02:00Z']);
  assert.equal(down.conditions?.[0].lastTransitionTime, '2025-01-01T00:00:00Z');
});
