import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { parseIpv4Cidr } from './cidr.js';
import { rulesForService } from './rules.js';

const CIDR = parseIpv4Cidr('10.96.0.0/12');

function svc(spec: Service['spec'], name = 'dns'): Service {
  return { metadata: { name, namespace: 'kube-system' }, spec };
}

/** kube-dns as the DNS component publishes it: one slice, a UDP and a TCP port of the same number. */
const dnsSlice: EndpointSlice = {
  addressType: 'IPv4',
  metadata: { name: 'dns-1', labels: { 'kubernetes.io/service-name': 'dns' } },
  ports: [
    { name: 'dns', port: 5353, protocol: 'UDP' },
    { name: 'dns-tcp', port: 5353, protocol: 'TCP' },
  ],
  endpoints: [
    { addresses: ['172.20.0.3'], conditions: { ready: true }, targetRef: { kind: 'Pod', name: 'dns-a' } },
    { addresses: ['172.20.0.2'], conditions: { ready: true } },
    { addresses: ['172.20.0.4'], conditions: { ready: false } },
    { addresses: ['172.20.0.5'], conditions: { ready: true, terminating: true } },
  ],
};

const dnsPorts = [
  { name: 'dns', port: 53, protocol: 'UDP' },
  { name: 'dns-tcp', port: 53, protocol: 'TCP' },
];

test('a ClusterIP Service gets one rule per port on <clusterIP>:<port>, TCP and UDP, with ready endpoints of the same protocol', () => {
  const rules = rulesForService(svc({ clusterIP: '10.96.0.10', ports: dnsPorts }), [dnsSlice], '0.0.0.0', CIDR);
  assert.deepEqual(
    rules.map((r) => [r.kind, r.listenKey, r.host, r.hostPort, r.protocol, r.portName]),
    [
      ['ClusterIP', '10.96.0.10:53/UDP', '10.96.0.10', 53, 'UDP', 'dns'],
      ['ClusterIP', '10.96.0.10:53', '10.96.0.10', 53, 'TCP', 'dns-tcp'],
    ],
  );
  for (const r of rules) {
    assert.equal(r.service, 'kube-system/dns');
    assert.deepEqual(r.backends, [
      { ip: '172.20.0.2', port: 5353, pod: undefined },
      { ip: '172.20.0.3', port: 5353, pod: 'dns-a' },
    ]);
  }
});

test('a slice port of another protocol gives no backends', () => {
  const udpOnly: EndpointSlice = { ...dnsSlice, ports: [{ name: 'dns', port: 5353, protocol: 'UDP' }] };
  const [udp, tcp] = rulesForService(svc({ clusterIP: '10.96.0.10', ports: dnsPorts }), [udpOnly], '0.0.0.0', CIDR);
  assert.equal(udp.backends.length, 2);
  assert.deepEqual(tcp.backends, [], 'no TCP port in the slice: the TCP ClusterIP port refuses');
});

test('no ClusterIP rules without a service CIDR, outside it, for headless or ExternalName Services', () => {
  const s = svc({ clusterIP: '10.96.0.10', ports: dnsPorts });
  assert.deepEqual(rulesForService(s, [dnsSlice], '0.0.0.0'), []);
  assert.deepEqual(rulesForService(s, [dnsSlice], '0.0.0.0', parseIpv4Cidr('10.200.1.0/24')), []);
  assert.deepEqual(rulesForService(svc({ clusterIP: 'None', clusterIPs: ['None'], ports: dnsPorts }), [dnsSlice], '0.0.0.0', CIDR), []);
  assert.deepEqual(rulesForService(svc({ type: 'ExternalName', externalName: 'example.com', ports: dnsPorts }), [dnsSlice], '0.0.0.0', CIDR), []);
  assert.deepEqual(rulesForService(svc({ clusterIP: '10.96.0.10', ports: [{ name: 'dns', port: 53, protocol: 'SCTP' }] }), [dnsSlice], '0.0.0.0', CIDR), [], 'SCTP is not served');
});

test('a NodePort Service gets its ClusterIP rules beside its node ports (TCP and UDP)', () => {
  const s = svc({
    type: 'NodePort',
    clusterIP: '10.96.0.10',
    sessionAffinity: 'ClientIP',
    ports: [
      { name: 'dns', port: 53, protocol: 'UDP', nodePort: 30053 },
      { name: 'dns-tcp', port: 53, protocol: 'TCP', nodePort: 30054 },
    ],
  });
  const rules = rulesForService(s, [dnsSlice], '127.0.0.1', CIDR);
  assert.deepEqual(
    rules.map((r) => [r.kind, r.listenKey, r.affinitySeconds]),
    [
      ['ClusterIP', '10.96.0.10:53/UDP', 10800],
      ['NodePort', '127.0.0.1:30053/UDP', 10800],
      ['ClusterIP', '10.96.0.10:53', 10800],
      ['NodePort', '127.0.0.1:30054', 10800],
    ],
  );
  assert.deepEqual(
    rulesForService(s, [dnsSlice], '127.0.0.1').map((r) => r.listenKey),
    ['127.0.0.1:30053/UDP', '127.0.0.1:30054'],
    'without a service CIDR only the node ports, as before',
  );
});
