import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { desiredEndpoints } from '../endpointslice/desired.js';
import { buildSubsets } from './subsets.js';

const svc = (o: Partial<NonNullable<Service['spec']>> = {}): Service => ({
  metadata: { name: 'web', namespace: 'ns' },
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }], ...o },
});

function pod(name: string, ip: string | undefined, ready: boolean, containerPort = 8080, extra: Partial<NonNullable<Pod['metadata']>> = {}): Pod {
  return {
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, labels: { app: 'web' }, ...extra },
    spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i', ports: [{ name: 'http', containerPort, protocol: 'TCP' }] }] },
    status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

void test('ready and not-ready addresses, targetRef, named target ports resolved per pod', () => {
  const subsets = buildSubsets(svc(), [pod('a', '10.0.0.2', true), pod('b', '10.0.0.1', false), pod('c', '10.0.0.3', true, 9090), pod('d', undefined, true)]);
  assert.deepEqual(subsets, [
    {
      addresses: [{ ip: '10.0.0.2', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'uid-a' } }],
      notReadyAddresses: [{ ip: '10.0.0.1', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'b', uid: 'uid-b' } }],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    },
    {
      addresses: [{ ip: '10.0.0.3', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'c', uid: 'uid-c' } }],
      ports: [{ name: 'http', port: 9090, protocol: 'TCP' }],
    },
  ]);
});

void test('terminating pods leave Endpoints; publishNotReadyAddresses keeps every pod ready', () => {
  const terminating = pod('t', '10.0.0.9', true, 8080, { deletionTimestamp: '2025-01-01T00:00:00Z' });
  assert.deepEqual(buildSubsets(svc(), [terminating]), []);
  const all = buildSubsets(svc({ publishNotReadyAddresses: true }), [terminating, pod('b', '10.0.0.1', false)]);
  assert.equal(all[0].addresses?.length, 2);
  assert.equal(all[0].notReadyAddresses, undefined);
});

void test('EndpointSlice endpoints carry ready / serving / terminating and group by port set', () => {
  const terminating = pod('t', '10.0.0.9', true, 8080, { deletionTimestamp: '2025-01-01T00:00:00Z' });
  const d = desiredEndpoints(svc(), [pod('a', '10.0.0.2', true), pod('b', '10.0.0.1', false), terminating, pod('c', '10.0.0.3', true, 9090)], () => ({ metadata: { name: 'n1', labels: { 'topology.kubernetes.io/zone': 'z1' } } }));
  assert.equal(d.addressType, 'IPv4');
  assert.equal(d.byPorts.size, 2);
  const [first] = [...d.byPorts.values()];
  assert.deepEqual(first.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  assert.deepEqual(
    first.endpoints.map((e) => [e.targetRef?.name, e.conditions]),
    [
      ['a', { ready: true, serving: true, terminating: false }],
      ['b', { ready: false, serving: false, terminating: false }],
      ['t', { ready: false, serving: true, terminating: true }],
    ],
  );
  assert.equal(first.endpoints[0].zone, 'z1');
  // pods on a node the controller does not know are left out (and the Service retried)
  const missing = desiredEndpoints(svc(), [pod('a', '10.0.0.2', true)], () => undefined);
  assert.deepEqual(missing.missingNodes, ['n1']);
});
