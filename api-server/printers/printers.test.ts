import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { configMapPrinter, leasePrinter, namespacePrinter, secretPrinter, serviceAccountPrinter } from './core.js';
import { eventPrinter } from './event.js';
import { nodePrinter } from './node.js';
import { defaultPrinter, printerFor } from './registry.js';
import { deploymentPrinter, replicaSetPrinter, scalePrinter } from './workloads.js';

const NOW = new Date('2025-06-01T12:00:00Z');
const created = '2025-06-01T11:55:00Z';
const headers = (p: { columns: readonly { name: string; priority: number }[] }) => p.columns.map((c) => (c.priority ? `(${c.name})` : c.name)).join(' ');

describe('deployment and replicaset rows', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }, { name: 'log', image: 'busybox' }] } };
  test('deployment: READY ready/desired, UP-TO-DATE, AVAILABLE; wide containers, images, selector', () => {
    const d = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', creationTimestamp: created },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] }, template },
      status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    };
    assert.equal(headers(deploymentPrinter), 'Name Ready Up-to-date Available Age (Containers) (Images) (Selector)');
    assert.deepEqual(deploymentPrinter.print(d, NOW).cells, ['web', '2/3', 3, 2, '5m', 'web,log', 'nginx:1.27,busybox', 'app=web,tier in (a,b)']);
    assert.deepEqual(deploymentPrinter.print({ ...d, status: undefined }, NOW).cells.slice(1, 4), ['0/3', 0, 0]);
  });
  test('replicaset: DESIRED, CURRENT, READY; wide selector is <none> when empty', () => {
    const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-5d8f', creationTimestamp: created }, spec: { replicas: 2, selector: {}, template }, status: { replicas: 2, readyReplicas: 1 } };
    assert.equal(headers(replicaSetPrinter), 'Name Desired Current Ready Age (Containers) (Images) (Selector)');
    assert.deepEqual(replicaSetPrinter.print(rs, NOW).cells, ['web-5d8f', 2, 2, 1, '5m', 'web,log', 'nginx:1.27,busybox', '<none>']);
  });
});

describe('scale rows (printScale)', () => {
  test('NAME DESIRED AVAILABLE AGE; the name column has no name format', () => {
    assert.equal(headers(scalePrinter), 'Name Desired Available Age');
    assert.equal(scalePrinter.columns[0].format, '');
    const scale = { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'web', creationTimestamp: created }, spec: { replicas: 3 }, status: { replicas: 2, selector: 'app=web' } };
    assert.deepEqual(scalePrinter.print(scale, NOW).cells, ['web', 3, 2, '5m']);
    assert.equal(printerFor({ group: 'autoscaling', resource: 'scale' }), scalePrinter);
  });
});

describe('node rows (printNode)', () => {
  const node = (extra: Record<string, unknown> = {}, labels: Record<string, string> = {}): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'node-1', creationTimestamp: '2025-05-01T12:00:00Z', labels },
    status: {
      conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }],
      addresses: [{ type: 'Hostname', address: 'node-1' }, { type: 'InternalIP', address: '172.18.0.3' }],
      nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0', containerRuntimeVersion: 'docker://24.0.7' },
    },
    ...extra,
  });
  test('Ready node with no roles', () => {
    assert.equal(headers(nodePrinter), 'Name Status Roles Age Version (Internal-IP) (External-IP) (OS-Image) (Kernel-Version) (Container-Runtime)');
    assert.deepEqual(nodePrinter.print(node(), NOW).cells, ['node-1', 'Ready', '<none>', '31d', 'v1.32.0', '172.18.0.3', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.1.0', 'docker://24.0.7']);
  });
  test('NotReady, Unknown and SchedulingDisabled', () => {
    assert.equal(nodePrinter.print(node({ status: { conditions: [{ type: 'Ready', status: 'False' }] } }), NOW).cells[1], 'NotReady');
    assert.equal(nodePrinter.print(node({ status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } }), NOW).cells[1], 'NotReady');
    assert.equal(nodePrinter.print(node({ status: {} }), NOW).cells[1], 'Unknown');
    assert.equal(nodePrinter.print(node({ spec: { unschedulable: true } }), NOW).cells[1], 'Ready,SchedulingDisabled');
  });
  test('roles from node-role.kubernetes.io/<role> keys and the kubernetes.io/role value, sorted', () => {
    const n = node({}, { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'edge', 'node-role.kubernetes.io/': 'x' });
    assert.equal(nodePrinter.print(n, NOW).cells[2], 'control-plane,edge,worker');
  });
  test('missing node info prints <unknown>', () => {
    assert.deepEqual(nodePrinter.print(node({ status: {} }), NOW).cells.slice(4), ['', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
  });
});

describe('event rows (printEvent)', () => {
  const ev = (extra: Record<string, unknown>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web.17a', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', fieldPath: 'spec.containers{web}' },
    reason: 'Pulled',
    message: '  Container image "nginx" already present on machine\n',
    type: 'Normal',
    source: { component: 'kubelet', host: 'node-1' },
    ...extra,
  });
  test('LAST SEEN, TYPE, REASON, OBJECT, MESSAGE; wide adds SUBOBJECT, SOURCE, FIRST SEEN, COUNT, NAME', () => {
    assert.equal(headers(eventPrinter), 'Last Seen Type Reason Object (Subobject) (Source) Message (First Seen) (Count) (Name)');
    const row = eventPrinter.print(ev({ firstTimestamp: '2025-06-01T11:00:00Z', lastTimestamp: '2025-06-01T11:58:00Z', count: 4 }), NOW);
    assert.deepEqual(row.cells, ['2m', 'Normal', 'Pulled', 'pod/web', 'spec.containers{web}', 'kubelet, node-1', 'Container image "nginx" already present on machine', '60m', 4, 'web.17a']);
  });
  test('new-style events: eventTime, series, reportingComponent; singleton count is 1', () => {
    const row = eventPrinter.print(ev({ source: {}, eventTime: '2025-06-01T11:50:00.000000Z', reportingComponent: 'default-scheduler', reportingInstance: 'sched-1' }), NOW);
    assert.deepEqual([row.cells[0], row.cells[5], row.cells[7], row.cells[8]], ['10m', 'default-scheduler, sched-1', '10m', 1]);
    const series = eventPrinter.print(ev({ eventTime: '2025-06-01T11:00:00.000000Z', series: { count: 7, lastObservedTime: '2025-06-01T11:59:30.000000Z' } }), NOW);
    assert.deepEqual([series.cells[0], series.cells[7], series.cells[8]], ['30s', '60m', 7]);
  });
  test('an object without a name prints the kind only', () => {
    assert.equal(eventPrinter.print(ev({ involvedObject: { kind: 'Node' } }), NOW).cells[3], 'node');
  });
  test('events.k8s.io/v1 events print the same way', () => {
    const e = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'x' },
      regarding: { kind: 'Deployment', name: 'web' },
      note: 'Scaled up',
      reason: 'ScalingReplicaSet',
      type: 'Normal',
      reportingController: 'deployment-controller',
      eventTime: '2025-06-01T11:59:00.000000Z',
    };
    const row = printerFor({ group: 'events.k8s.io', resource: 'events' }).print(e, NOW);
    assert.deepEqual(row.cells.slice(0, 7), ['60s', 'Normal', 'ScalingReplicaSet', 'deployment/web', '', 'deployment-controller', 'Scaled up']);
  });
});

describe('simple kinds', () => {
  const meta = { name: 'x', creationTimestamp: created };
  test('namespace STATUS', () => {
    assert.deepEqual(namespacePrinter.print({ metadata: meta, status: { phase: 'Terminating' } }, NOW).cells, ['x', 'Terminating', '5m']);
  });
  test('configmap DATA counts data and binaryData', () => {
    assert.deepEqual(configMapPrinter.print({ metadata: meta, data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }, NOW).cells, ['x', 3, '5m']);
    assert.deepEqual(configMapPrinter.print({ metadata: meta }, NOW).cells, ['x', 0, '5m']);
  });
  test('secret TYPE and DATA', () => {
    assert.deepEqual(secretPrinter.print({ metadata: meta, type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } }, NOW).cells, ['x', 'kubernetes.io/tls', 2, '5m']);
  });
  test('serviceaccount SECRETS', () => {
    assert.deepEqual(serviceAccountPrinter.print({ metadata: meta, secrets: [{ name: 's' }] }, NOW).cells, ['x', 1, '5m']);
    assert.deepEqual(serviceAccountPrinter.print({ metadata: meta }, NOW).cells, ['x', 0, '5m']);
  });
  test('lease HOLDER', () => {
    assert.deepEqual(leasePrinter.print({ metadata: meta, spec: { holderIdentity: 'node-1' } }, NOW).cells, ['x', 'node-1', '5m']);
    assert.deepEqual(leasePrinter.print({ metadata: meta, spec: {} }, NOW).cells, ['x', '', '5m']);
  });
  test('the default table: Name and Created At (RFC 3339)', () => {
    assert.equal(headers(defaultPrinter), 'Name Created At');
    assert.equal(defaultPrinter.columns[1].type, 'date');
    assert.deepEqual(defaultPrinter.print({ metadata: { name: 'y', creationTimestamp: '2025-06-01T11:55:00.000Z' } }, NOW).cells, ['y', '2025-06-01T11:55:00Z']);
    assert.equal(printerFor({ group: 'example.com', resource: 'widgets' }), defaultPrinter);
  });
});
