import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dashedIPv4, parseName } from './request.js';

const Z = 'cluster.local';

test('service, endpoint and port names', () => {
  assert.deepEqual(parseName('web.default.svc.cluster.local.', Z), { kind: 'service', namespace: 'default', service: 'web' });
  assert.deepEqual(parseName('Web.Default.SVC.Cluster.Local', Z), { kind: 'service', namespace: 'default', service: 'web' });
  assert.deepEqual(parseName('web-0.web.default.svc.cluster.local', Z), { kind: 'service', namespace: 'default', service: 'web', endpoint: 'web-0' });
  assert.deepEqual(parseName('_http._tcp.web.default.svc.cluster.local', Z), { kind: 'service', namespace: 'default', service: 'web', port: 'http', protocol: 'tcp' });
});

test('namespaces, empty non-terminals, the apex and the nameserver', () => {
  assert.deepEqual(parseName('cluster.local', Z), { kind: 'apex' });
  assert.deepEqual(parseName('svc.cluster.local', Z), { kind: 'empty' });
  assert.deepEqual(parseName('pod.cluster.local', Z), { kind: 'empty' });
  assert.deepEqual(parseName('default.svc.cluster.local', Z), { kind: 'namespace', namespace: 'default' });
  assert.deepEqual(parseName('ns.dns.cluster.local', Z), { kind: 'nameserver' });
});

test('pods by dashed IP', () => {
  assert.deepEqual(parseName('10-1-2-3.default.pod.cluster.local', Z), { kind: 'pod', namespace: 'default', ip: '10.1.2.3' });
  assert.deepEqual(parseName('10-1-2-300.default.pod.cluster.local', Z), { kind: 'nonexistent' });
  assert.deepEqual(parseName('a.b.default.pod.cluster.local', Z), { kind: 'nonexistent' });
});

test('names that cannot exist, and names outside the zone', () => {
  // search-path expansions of a qualified name
  assert.deepEqual(parseName('web.default.svc.cluster.local.svc.cluster.local', Z), { kind: 'nonexistent' });
  assert.deepEqual(parseName('web.other.default.svc.cluster.local', Z), { kind: 'service', namespace: 'default', service: 'other', endpoint: 'web' });
  assert.deepEqual(parseName('a.b.web.default.svc.cluster.local', Z), { kind: 'nonexistent' });
  assert.deepEqual(parseName('foo.cluster.local', Z), { kind: 'nonexistent' });
  assert.deepEqual(parseName('example.com', Z), { kind: 'outside' });
  assert.deepEqual(parseName('notcluster.local', Z), { kind: 'outside' });
});

test('dashed IPv4 addresses', () => {
  assert.equal(dashedIPv4('1-2-3-4'), '1.2.3.4');
  assert.equal(dashedIPv4('01-2-3-4'), undefined);
  assert.equal(dashedIPv4('1-2-3'), undefined);
  assert.equal(dashedIPv4('a-b-c-d'), undefined);
});
