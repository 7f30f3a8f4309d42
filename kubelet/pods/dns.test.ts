import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { formatResolvConf } from '../../common/resolv-conf.js';
import { hostsFileContent, podDnsConfig, podHostnameAndDomain, type DnsSettings } from './dns.js';

const NODE = { nameservers: ['192.168.1.1', '192.168.1.2'], searches: ['corp.example'], options: ['timeout:2'] };
const S: DnsSettings = { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', host: NODE };

function pod(spec: Partial<NonNullable<Pod['spec']>> = {}, name = 'web-1'): Pod {
  return { metadata: { name, namespace: 'shop', uid: 'u-1' }, spec: { containers: [{ name: 'app' }], ...spec } };
}

describe('pod resolv.conf', () => {
  test('ClusterFirst: the cluster DNS, cluster search domains then the node’s, ndots:5', () => {
    const r = podDnsConfig(pod({ dnsPolicy: 'ClusterFirst' }), S);
    assert.deepEqual(r.warnings, []);
    assert.equal(
      formatResolvConf(r.config),
      'search shop.svc.cluster.local svc.cluster.local cluster.local corp.example\nnameserver 10.96.0.10\noptions ndots:5\n',
    );
    // the default policy is ClusterFirst
    assert.deepEqual(podDnsConfig(pod(), S).config, r.config);
  });

  test('ClusterFirst without a cluster DNS falls back to Default, with a MissingClusterDNS warning', () => {
    const r = podDnsConfig(pod(), { ...S, clusterDNS: [] });
    assert.deepEqual(r.config, NODE);
    assert.deepEqual(r.warnings.map((w) => w.reason), ['MissingClusterDNS']);
    assert.match(r.warnings[0].message, /^pod: "web-1_shop\(u-1\)"\. kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy\. Falling back to "Default" policy\.$/);
  });

  test('Default: the node’s resolv.conf; hostNetwork ClusterFirst too, ClusterFirstWithHostNet keeps the cluster DNS', () => {
    assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'Default' }), S).config, NODE);
    assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'ClusterFirst', hostNetwork: true }), S).config, NODE);
    assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'ClusterFirstWithHostNet', hostNetwork: true }), S).config.nameservers, ['10.96.0.10']);
    // no node resolv.conf: the local machine's nameserver
    assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'Default' }), { ...S, host: undefined }).config, { nameservers: ['127.0.0.1'], searches: ['.'], options: [] });
  });

  test('None: only dnsConfig', () => {
    const r = podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.2.3.4'], searches: ['ns1.svc.cluster-domain.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } }), S);
    assert.equal(formatResolvConf(r.config), 'search ns1.svc.cluster-domain.example\nnameserver 1.2.3.4\noptions ndots:2 edns0\n');
  });

  test('dnsConfig is merged: duplicates dropped, options replaced by name', () => {
    const r = podDnsConfig(
      pod({ dnsConfig: { nameservers: ['10.96.0.10', '8.8.8.8'], searches: ['svc.cluster.local', 'extra.example'], options: [{ name: 'ndots', value: '1' }, { name: 'single-request' }] } }),
      S,
    );
    assert.deepEqual(r.config, {
      nameservers: ['10.96.0.10', '8.8.8.8'],
      searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example', 'extra.example'],
      options: ['ndots:1', 'single-request'],
    });
  });

  test('limits: 3 nameservers, 32 search domains, 2048 characters, no domain over 253', () => {
    const many = podDnsConfig(pod({ dnsConfig: { nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3'] } }), S);
    assert.deepEqual(many.config.nameservers, ['10.96.0.10', '1.1.1.1', '2.2.2.2']);
    assert.deepEqual(many.warnings.map((w) => w.message), ['Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 10.96.0.10 1.1.1.1 2.2.2.2']);
    const searches = Array.from({ length: 40 }, (_, i) => `d${i}.example`);
    const r = podDnsConfig(pod({ dnsConfig: { searches } }), { ...S, host: { ...NODE, searches: [] } });
    assert.equal(r.config.searches.length, 32);
    assert.equal(r.warnings[0].reason, 'DNSConfigForming');
    assert.match(r.warnings[0].message, /^Search Line limits were exceeded, some search paths have been omitted, the applied search line is: shop\.svc\.cluster\.local /);
    const long = podDnsConfig(pod({ dnsConfig: { searches: ['x'.repeat(254), ...Array.from({ length: 10 }, (_, i) => `${'y'.repeat(240)}${i}.example`)] } }), S);
    assert.ok(long.config.searches.every((s) => s.length <= 253));
    assert.ok(long.config.searches.join(' ').length <= 2048);
  });
});

describe('pod hosts file and hostname', () => {
  test('the managed hosts file with the pod’s own name', () => {
    assert.equal(
      hostsFileContent(pod(), ['172.18.0.7'], 'cluster.local'),
      [
        '# Kubernetes-managed hosts file.',
        '127.0.0.1\tlocalhost',
        '::1\tlocalhost ip6-localhost ip6-loopback',
        'fe00::0\tip6-localnet',
        'fe00::0\tip6-mcastprefix',
        'fe00::1\tip6-allnodes',
        'fe00::2\tip6-allrouters',
        '172.18.0.7\tweb-1',
        '',
      ].join('\n'),
    );
  });

  test('hostname + subdomain give the FQDN; hostAliases are appended', () => {
    const p = pod({ hostname: 'db-0', subdomain: 'db', hostAliases: [{ ip: '127.0.0.1', hostnames: ['foo.local', 'bar.local'] }, { ip: '10.1.2.3', hostnames: ['foo.remote'] }] });
    const text = hostsFileContent(p, ['172.18.0.7'], 'cluster.local');
    assert.ok(text.includes('172.18.0.7\tdb-0.db.shop.svc.cluster.local\tdb-0\n'));
    assert.ok(text.endsWith('\n# Entries added by HostAliases.\n127.0.0.1\tfoo.local\tbar.local\n10.1.2.3\tfoo.remote\n'));
  });

  test('the hostname is spec.hostname or the pod name, at most 63 characters', () => {
    assert.equal(podHostnameAndDomain(pod(), 'cluster.local').hostname, 'web-1');
    assert.equal(podHostnameAndDomain(pod({ hostname: 'h' }), 'cluster.local').hostname, 'h');
    const long = `${'a'.repeat(62)}-b`;
    assert.equal(podHostnameAndDomain(pod({}, long), 'cluster.local').hostname, 'a'.repeat(62));
  });
});
