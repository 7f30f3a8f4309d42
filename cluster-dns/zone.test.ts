import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import type { Answer } from 'dns-packet';
import { reverseIPv4, reverseLookup } from './reverse.js';
import { FakeZoneData, ZONE, ep, slice, svc } from './testing.js';
import { resolveInZone, SOA_TTL } from './zone.js';

const data = (a: Answer[]): unknown[] => a.map((r) => ('data' in r ? r.data : undefined));
const types = (a: Answer[]): string[] => a.map((r) => r.type);

describe('cluster zone', () => {
  let d: FakeZoneData;
  beforeEach(() => {
    d = new FakeZoneData();
    d.svcs.push(
      svc('default', 'web', '10.96.1.1', [
        { name: 'http', port: 80, protocol: 'TCP' },
        { name: 'dns', port: 53, protocol: 'UDP' },
      ]),
      svc('default', 'db', 'None', [{ name: 'pg', port: 5432, protocol: 'TCP' }]),
      svc('default', 'bare', 'None', []),
      svc('default', 'ext', '', [], { type: 'ExternalName', externalName: 'db.example.com' }),
      svc('other', 'api', '10.96.2.2'),
    );
    d.namespaces.add('other');
    d.endpointSlices.push(
      slice('default', 'web', [ep('10.0.0.5'), ep('10.0.0.6')]),
      slice('default', 'db', [ep('10.0.0.1', true, 'db-0'), ep('10.0.0.2'), ep('10.0.0.3', false, 'db-2')], [{ name: 'pg', port: 5432, protocol: 'TCP' }]),
      slice('default', 'bare', [ep('10.0.0.9')], []),
    );
  });

  test('a ClusterIP Service answers its ClusterIP, authoritatively with TTL 5', () => {
    const r = resolveInZone('web.default.svc.cluster.local', 'A', d, ZONE);
    assert.equal(r.rcode, 'NOERROR');
    assert.deepEqual(r.answers, [{ name: 'web.default.svc.cluster.local', type: 'A', class: 'IN', ttl: 5, data: '10.96.1.1' }]);
    assert.deepEqual(r.authorities, []);
  });

  test('AAAA for an IPv4 Service is NODATA with the SOA', () => {
    const r = resolveInZone('web.default.svc.cluster.local', 'AAAA', d, ZONE);
    assert.equal(r.rcode, 'NOERROR');
    assert.deepEqual(r.answers, []);
    assert.deepEqual(types(r.authorities), ['SOA']);
    assert.deepEqual(r.authorities[0], {
      name: 'cluster.local',
      type: 'SOA',
      class: 'IN',
      ttl: SOA_TTL,
      data: { mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', serial: 1700000000, refresh: 7200, retry: 1800, expire: 86400, minimum: 30 },
    });
    assert.deepEqual(types(resolveInZone('web.default.svc.cluster.local', 'TXT', d, ZONE).authorities), ['SOA']);
  });

  test('a headless Service answers every ready endpoint address', () => {
    const r = resolveInZone('db.default.svc.cluster.local', 'A', d, ZONE);
    assert.deepEqual(data(r.answers), ['10.0.0.1', '10.0.0.2']);
    // no ports: the addresses still resolve
    assert.deepEqual(data(resolveInZone('bare.default.svc.cluster.local', 'A', d, ZONE).answers), ['10.0.0.9']);
  });

  test('a headless Service without ready endpoints does not exist', () => {
    d.endpointSlices.splice(1, 1, slice('default', 'db', [ep('10.0.0.1', false)]));
    assert.equal(resolveInZone('db.default.svc.cluster.local', 'A', d, ZONE).rcode, 'NXDOMAIN');
  });

  test('endpoint names: the hostname, or the dashed address', () => {
    assert.deepEqual(data(resolveInZone('db-0.db.default.svc.cluster.local', 'A', d, ZONE).answers), ['10.0.0.1']);
    assert.deepEqual(data(resolveInZone('10-0-0-2.db.default.svc.cluster.local', 'A', d, ZONE).answers), ['10.0.0.2']);
    // not ready, and unknown
    assert.equal(resolveInZone('db-2.db.default.svc.cluster.local', 'A', d, ZONE).rcode, 'NXDOMAIN');
    assert.equal(resolveInZone('db-9.db.default.svc.cluster.local', 'A', d, ZONE).rcode, 'NXDOMAIN');
    // endpoints of a ClusterIP Service are named too
    assert.deepEqual(data(resolveInZone('10-0-0-5.web.default.svc.cluster.local', 'A', d, ZONE).answers), ['10.0.0.5']);
  });

  test('SRV of a ClusterIP Service points at the Service name, with its address as additional', () => {
    const r = resolveInZone('_http._tcp.web.default.svc.cluster.local', 'SRV', d, ZONE);
    assert.deepEqual(r.answers, [
      { name: '_http._tcp.web.default.svc.cluster.local', type: 'SRV', class: 'IN', ttl: 5, data: { priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' } },
    ]);
    assert.deepEqual(r.additionals, [{ name: 'web.default.svc.cluster.local', type: 'A', class: 'IN', ttl: 5, data: '10.96.1.1' }]);
    assert.deepEqual(data(resolveInZone('_dns._udp.web.default.svc.cluster.local', 'SRV', d, ZONE).answers), [
      { priority: 0, weight: 100, port: 53, target: 'web.default.svc.cluster.local' },
    ]);
    assert.equal(resolveInZone('_dns._tcp.web.default.svc.cluster.local', 'SRV', d, ZONE).rcode, 'NXDOMAIN');
    assert.equal(resolveInZone('_nope._tcp.web.default.svc.cluster.local', 'SRV', d, ZONE).rcode, 'NXDOMAIN');
  });

  test('SRV of a headless Service: one record per ready endpoint, named by hostname or dashed IP', () => {
    const r = resolveInZone('_pg._tcp.db.default.svc.cluster.local', 'SRV', d, ZONE);
    assert.deepEqual(data(r.answers), [
      { priority: 0, weight: 50, port: 5432, target: 'db-0.db.default.svc.cluster.local' },
      { priority: 0, weight: 50, port: 5432, target: '10-0-0-2.db.default.svc.cluster.local' },
    ]);
    assert.deepEqual(
      r.additionals.map((a) => [a.name, 'data' in a ? a.data : '']),
      [
        ['db-0.db.default.svc.cluster.local', '10.0.0.1'],
        ['10-0-0-2.db.default.svc.cluster.local', '10.0.0.2'],
      ],
    );
  });

  test('unknown names are NXDOMAIN with the SOA; existing namespaces are NODATA', () => {
    for (const name of ['nope.default.svc.cluster.local', 'web.nope.svc.cluster.local', 'nope.svc.cluster.local', 'web.default.svc.cluster.local.svc.cluster.local', 'x.cluster.local']) {
      const r = resolveInZone(name, 'A', d, ZONE);
      assert.equal(r.rcode, 'NXDOMAIN', name);
      assert.deepEqual(types(r.authorities), ['SOA'], name);
    }
    for (const name of ['default.svc.cluster.local', 'svc.cluster.local', 'other.pod.cluster.local']) {
      const r = resolveInZone(name, 'A', d, ZONE);
      assert.equal(r.rcode, 'NOERROR', name);
      assert.deepEqual(r.answers, [], name);
    }
  });

  test('pods by dashed IP in an existing namespace', () => {
    assert.deepEqual(data(resolveInZone('10-1-2-3.default.pod.cluster.local', 'A', d, ZONE).answers), ['10.1.2.3']);
    assert.equal(resolveInZone('10-1-2-3.nope.pod.cluster.local', 'A', d, ZONE).rcode, 'NXDOMAIN');
  });

  test('ExternalName Services are CNAMEs', () => {
    const r = resolveInZone('ext.default.svc.cluster.local', 'A', d, ZONE);
    assert.deepEqual(r.answers, [{ name: 'ext.default.svc.cluster.local', type: 'CNAME', class: 'IN', ttl: 5, data: 'db.example.com' }]);
  });

  test('the apex has SOA and NS; ns.dns answers the DNS address', () => {
    assert.deepEqual(types(resolveInZone('cluster.local', 'SOA', d, ZONE).answers), ['SOA']);
    const ns = resolveInZone('cluster.local', 'NS', d, ZONE);
    assert.deepEqual(data(ns.answers), ['ns.dns.cluster.local']);
    assert.deepEqual(data(ns.additionals), ['10.96.0.10']);
    assert.deepEqual(data(resolveInZone('ns.dns.cluster.local', 'A', d, ZONE).answers), ['10.96.0.10']);
  });

  test('answers follow the data: a deleted Service is gone at once', () => {
    d.svcs.splice(0, 1);
    assert.equal(resolveInZone('web.default.svc.cluster.local', 'A', d, ZONE).rcode, 'NXDOMAIN');
  });

  test('PTR: ClusterIPs name their Service, endpoint addresses their endpoint; other addresses are not ours', () => {
    assert.equal(reverseIPv4('1.1.96.10.in-addr.arpa.'), '10.96.1.1');
    assert.deepEqual(data(reverseLookup('1.1.96.10.in-addr.arpa', d, 'cluster.local', 5) ?? []), ['web.default.svc.cluster.local']);
    assert.deepEqual(data(reverseLookup('1.0.0.10.in-addr.arpa', d, 'cluster.local', 5) ?? []), ['db-0.db.default.svc.cluster.local']);
    assert.deepEqual(data(reverseLookup('2.0.0.10.in-addr.arpa', d, 'cluster.local', 5) ?? []), ['10-0-0-2.db.default.svc.cluster.local']);
    assert.equal(reverseLookup('3.0.0.10.in-addr.arpa', d, 'cluster.local', 5), undefined);
    assert.equal(reverseLookup('8.8.8.8.in-addr.arpa', d, 'cluster.local', 5), undefined);
  });
});
