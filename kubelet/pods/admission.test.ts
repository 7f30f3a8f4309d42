import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { admitPod, hostAccessViolations, podRequests } from './admission.js';

const node = { pods: 3, cpuMilli: 2000n, memoryBytes: 4n * 1024n ** 3n };

function pod(spec: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return { metadata: { name: 'p', namespace: 'default', uid: 'u' }, spec: { containers: [{ name: 'c', image: 'i' }], ...spec } };
}

void test('host access is refused (defence in depth behind Pod Security)', () => {
  const p = pod({
    hostNetwork: true,
    hostPID: true,
    volumes: [{ name: 'sock', hostPath: { path: '/var/run/docker.sock' } }],
    containers: [
      { name: 'c', image: 'i', securityContext: { privileged: true, capabilities: { add: ['NET_RAW', 'CHOWN', 'CAP_SYS_ADMIN'] } }, ports: [{ containerPort: 80, hostPort: 80 }] },
    ],
  });
  assert.deepEqual(hostAccessViolations(p), [
    'spec.hostNetwork=true',
    'spec.hostPID=true',
    'spec.volumes[0].hostPath (/var/run/docker.sock)',
    'spec.containers[0].securityContext.privileged=true',
    'spec.containers[0].securityContext.capabilities.add=["NET_RAW","CAP_SYS_ADMIN"]',
    'spec.containers[0].ports[0].hostPort=80',
  ]);
  const r = admitPod(p, [], node);
  assert.equal(r?.reason, 'Forbidden');
  assert.deepEqual(hostAccessViolations(pod({ containers: [{ name: 'c', image: 'i', securityContext: { capabilities: { add: ['NET_BIND_SERVICE'] } } }] })), []);
});

void test('resources: pods, cpu and memory against allocatable, with upstream reasons', () => {
  const others = [pod(), pod()];
  assert.equal(admitPod(pod(), others, node), undefined);
  assert.deepEqual(admitPod(pod(), [...others, pod()], node), {
    reason: 'OutOfpods',
    message: "Node didn't have enough resource: pods, requested: 1, used: 3, capacity: 3",
  });
  const big = pod({ containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '1500m' } } }] });
  assert.equal(admitPod(big, [big], node)?.reason, 'OutOfcpu');
  const mem = pod({ containers: [{ name: 'c', image: 'i', resources: { limits: { memory: '5Gi' } } }] });
  assert.equal(admitPod(mem, [], node)?.message, `Node didn't have enough resource: memory, requested: ${5 * 1024 ** 3}, used: 0, capacity: ${4 * 1024 ** 3}`);
});

void test('effective requests: max(init, sum of containers)', () => {
  const p = pod({
    initContainers: [{ name: 'i', image: 'i', resources: { requests: { cpu: '2' } } }],
    containers: [
      { name: 'a', image: 'i', resources: { requests: { cpu: '500m', memory: '1Gi' } } },
      { name: 'b', image: 'i', resources: { requests: { cpu: '500m', memory: '1Gi' } } },
    ],
  });
  assert.deepEqual(podRequests(p), { cpuMilli: 2000n, memoryBytes: 2n * 1024n ** 3n });
});
