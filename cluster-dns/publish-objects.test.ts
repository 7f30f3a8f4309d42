import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Service } from 'kubernetes-types/core/v1.js';
import { desiredService, desiredSlice, serviceUpdate, sliceName, sliceUpdate, type PublishConfig } from './publish-objects.js';

const CFG: PublishConfig = { clusterIP: '10.96.0.10', address: '172.18.0.5', dnsPort: 53, metricsPort: 8080, ready: true, sliceSuffix: 'cluster-dns' };

test('the kube-dns Service: upstream labels, ports and ClusterIP, no selector', () => {
  const s = desiredService(CFG);
  assert.equal(s.metadata?.namespace, 'kube-system');
  assert.equal(s.metadata?.name, 'kube-dns');
  assert.deepEqual(s.metadata?.labels, { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' });
  assert.equal(s.spec?.clusterIP, '10.96.0.10');
  assert.equal(s.spec?.selector, undefined);
  assert.deepEqual(
    s.spec?.ports?.map((p) => `${p.name}:${p.port}/${p.protocol}`),
    ['dns:53/UDP', 'dns-tcp:53/TCP', 'metrics:9153/TCP'],
  );
});

test('a Service as the api-server stores it needs no update; a drifted one is repaired', () => {
  const stored: Service = { ...desiredService(CFG), metadata: { ...desiredService(CFG).metadata, uid: 'u1', resourceVersion: '5' }, spec: { ...desiredService(CFG).spec, clusterIPs: ['10.96.0.10'], sessionAffinity: 'None' } };
  assert.equal(serviceUpdate(stored), undefined);
  const drifted: Service = { ...stored, spec: { ...stored.spec, selector: { 'k8s-app': 'kube-dns' }, ports: [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 }] } };
  const fixed = serviceUpdate(drifted);
  assert.ok(fixed);
  assert.equal(fixed.spec?.selector, undefined);
  assert.equal(fixed.spec?.ports?.length, 3);
  assert.equal(fixed.metadata?.resourceVersion, '5');
  assert.equal(fixed.spec?.clusterIP, '10.96.0.10');
});

test('the EndpointSlice: this server, managed by cluster-dns, owned by the Service', () => {
  const svc: Service = { ...desiredService(CFG), metadata: { ...desiredService(CFG).metadata, uid: 'u1' } };
  const s = desiredSlice({ ...CFG, dnsPort: 5353, metricsPort: 9000 }, svc);
  assert.equal(s.metadata?.name, 'kube-dns-cluster-dns');
  assert.equal(s.metadata?.labels?.['kubernetes.io/service-name'], 'kube-dns');
  assert.equal(s.metadata?.labels?.['endpointslice.kubernetes.io/managed-by'], 'cluster-dns.kubemu.io');
  assert.deepEqual(s.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'kube-dns', uid: 'u1' }]);
  assert.equal(s.addressType, 'IPv4');
  assert.deepEqual(s.endpoints, [{ addresses: ['172.18.0.5'], conditions: { ready: true, serving: true, terminating: false } }]);
  assert.deepEqual(
    s.ports?.map((p) => `${p.name}:${p.port}/${p.protocol}`),
    ['dns:5353/UDP', 'dns-tcp:5353/TCP', 'metrics:9000/TCP'],
  );
  assert.equal(sliceUpdate({ ...s, metadata: { ...s.metadata, resourceVersion: '3' } }, s), undefined);
  const notReady = sliceUpdate({ ...s, metadata: { ...s.metadata, resourceVersion: '3' } }, desiredSlice({ ...CFG, ready: false, dnsPort: 5353, metricsPort: 9000 }, svc));
  assert.equal(notReady?.endpoints?.[0].conditions?.ready, false);
  assert.equal(notReady?.metadata?.resourceVersion, '3');
});

test('slice names are DNS labels', () => {
  assert.equal(sliceName({ ...CFG, sliceSuffix: 'Host_1.example' }), 'kube-dns-host-1-example');
  assert.equal(sliceName({ ...CFG, sliceSuffix: '--' }), 'kube-dns-cluster-dns');
});
