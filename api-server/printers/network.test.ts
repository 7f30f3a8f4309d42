import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoints, Service } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/object.js';
import { endpointSlicePrinter, endpointsPrinter, formatEndpoints, makePortString, servicePrinter, serviceExternalIP } from './network.js';

const NOW = new Date('2025-06-01T12:00:00Z');

function svc(spec: Service['spec'], status: Service['status'] = {}): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', creationTimestamp: '2025-06-01T11:00:00Z' }, spec, status };
}

describe('service rows (printService)', () => {
  test('ClusterIP service: TYPE, CLUSTER-IP, EXTERNAL-IP <none>, PORT(S), AGE, SELECTOR', () => {
    const s = svc({ type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], selector: { app: 'web', tier: 'fe' }, ports: [{ port: 80, protocol: 'TCP' }] });
    assert.deepEqual(servicePrinter.print(s as KubeObject, NOW).cells, ['web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP', '60m', 'app=web,tier=fe']);
  });
  test('NodePort ports print port:nodePort/protocol; several ports are comma separated', () => {
    assert.equal(makePortString([{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }]), '80:30080/TCP,53/UDP');
    assert.equal(makePortString([{ port: 8080 }]), '8080/TCP');
  });
  test('no ports, no cluster IPs and no selector', () => {
    const s = svc({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] });
    assert.deepEqual(servicePrinter.print(s as KubeObject, NOW).cells.slice(1), ['ClusterIP', 'None', '<none>', '<none>', '60m', '<none>']);
    assert.equal(servicePrinter.print(svc({ type: 'ExternalName', externalName: 'example.com' }) as KubeObject, NOW).cells[2], '<none>');
  });
  test('EXTERNAL-IP per type', () => {
    assert.equal(serviceExternalIP(svc({ type: 'NodePort', externalIPs: ['1.2.3.4', '5.6.7.8'] }), true), '1.2.3.4,5.6.7.8');
    assert.equal(serviceExternalIP(svc({ type: 'LoadBalancer' }), true), '<pending>');
    const lb = svc({ type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ ip: '192.168.1.20' }, { hostname: 'lb.example.com' }, { ip: '192.168.1.10' }] } });
    assert.equal(serviceExternalIP(lb, true), '192.168.1.10,192.168.1.20,lb.example.com');
    assert.equal(serviceExternalIP(lb, false), '192.168.1.10,...');
    const lbAndExternal = svc({ type: 'LoadBalancer', externalIPs: ['9.9.9.9'] }, { loadBalancer: { ingress: [{ ip: '192.168.1.10' }] } });
    assert.equal(serviceExternalIP(lbAndExternal, true), '192.168.1.10,9.9.9.9');
    assert.equal(serviceExternalIP(svc({ type: 'ExternalName', externalName: 'db.example.com' }), true), 'db.example.com');
    assert.equal(serviceExternalIP(svc({}), true), '<unknown>');
  });
  test('columns: Selector only with -o wide', () => {
    assert.deepEqual(
      servicePrinter.columns.map((c) => [c.name, c.priority]),
      [['Name', 0], ['Type', 0], ['Cluster-IP', 0], ['External-IP', 0], ['Port(s)', 0], ['Age', 0], ['Selector', 1]],
    );
  });
});

describe('endpoints rows (formatEndpoints)', () => {
  const ep = (subsets: Endpoints['subsets']): Endpoints => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web' }, subsets });
  test('<none> without subsets', () => {
    assert.equal(formatEndpoints(ep(undefined)), '<none>');
  });
  test('ip:port pairs, three at most, then "+ N more..."', () => {
    const addresses = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'].map((ip) => ({ ip }));
    assert.equal(formatEndpoints(ep([{ addresses: addresses.slice(0, 2), ports: [{ port: 80 }] }])), '10.0.0.1:80,10.0.0.2:80');
    assert.equal(formatEndpoints(ep([{ addresses, ports: [{ port: 80 }, { port: 443 }] }])), '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 5 more...');
  });
  test('headless subsets without ports list bare IPs; IPv6 is bracketed', () => {
    assert.equal(formatEndpoints(ep([{ addresses: [{ ip: '10.0.0.1' }] }])), '10.0.0.1');
    assert.equal(formatEndpoints(ep([{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }])), '[fd00::1]:80');
  });
  test('row', () => {
    const row = endpointsPrinter.print({ ...ep([{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 8080 }] }]), metadata: { name: 'web', creationTimestamp: '2025-06-01T11:59:00Z' } }, NOW);
    assert.deepEqual(row.cells, ['web', '10.0.0.1:8080', '60s']);
  });
});

describe('endpointslice rows', () => {
  test('ADDRESSTYPE, PORTS, ENDPOINTS with <unset> and "+ N more..."', () => {
    const es = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'web-abc', creationTimestamp: '2025-06-01T11:00:00Z' },
      addressType: 'IPv4',
      ports: [{ port: 80 }, { name: 'https' }, {}, { port: 9000 }],
      endpoints: [{ addresses: ['10.0.0.1', '10.0.0.2'] }, { addresses: ['10.0.0.3', '10.0.0.4'] }],
    };
    assert.deepEqual(endpointSlicePrinter.print(es, NOW).cells, ['web-abc', 'IPv4', '80,https,* + 1 more...', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...', '60m']);
    const empty = { ...es, ports: [], endpoints: [] };
    assert.deepEqual(endpointSlicePrinter.print(empty, NOW).cells.slice(2, 4), ['<unset>', '<unset>']);
  });
});
