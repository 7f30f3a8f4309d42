import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  validateConfigMap,
  validateConfigMapUpdate,
  validateEndpointSlice,
  validateEndpoints,
  validateEvent,
  validateLease,
  validateNamespace,
  validateNode,
  validateSecret,
  validateSecretUpdate,
  validateServiceAccount,
} from './core.js';
import { validateCreate, validateUpdate } from './index.js';
import { msgs } from './testutil.js';

describe('validateNamespace', () => {
  it('name is a DNS-1123 label', () => {
    assert.deepEqual(validateNamespace({ metadata: { name: 'team-a' } }), []);
    const long = 'a'.repeat(64);
    assert.deepEqual(msgs(validateNamespace({ metadata: { name: long } })), [`metadata.name: Invalid value: "${long}": must be no more than 63 characters`]);
    assert.deepEqual(msgs(validateNamespace({ metadata: { name: 'a.b' } })), ['metadata.name: Invalid value: "a.b": must not contain dots']);
  });
  it('spec.finalizers', () => {
    assert.deepEqual(validateNamespace({ metadata: { name: 'x' }, spec: { finalizers: ['kubernetes'] } }), []);
    assert.deepEqual(msgs(validateNamespace({ metadata: { name: 'x' }, spec: { finalizers: ['custom'] } })), [
      'spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
    ]);
  });
});

describe('validateConfigMap', () => {
  const meta = { name: 'cm', namespace: 'default' };
  it('keys', () => {
    assert.deepEqual(validateConfigMap({ metadata: meta, data: { 'app.properties': 'x' } }), []);
    assert.match(msgs(validateConfigMap({ metadata: meta, data: { 'a/b': 'x' } }))[0], /^data\[a\/b\]: Invalid value: "a\/b": a valid config key must consist/);
  });
  it('data and binaryData may not overlap', () => {
    assert.deepEqual(msgs(validateConfigMap({ metadata: meta, data: { k: 'x' }, binaryData: { k: 'eA==' } })), [
      'data[k]: Invalid value: "k": duplicate of key present in binaryData',
      'binaryData[k]: Invalid value: "k": duplicate of key present in data',
    ]);
  });
  it('1 MiB limit', () => {
    assert.deepEqual(validateConfigMap({ metadata: meta, data: { k: 'x'.repeat(1048576) } }), []);
    assert.deepEqual(msgs(validateConfigMap({ metadata: meta, data: { k: 'x'.repeat(1048577) } })), [': Too long: must have at most 1048576 bytes']);
  });
  it('immutable', () => {
    const old = { metadata: { ...meta, uid: 'u' }, immutable: true, data: { a: '1' } };
    assert.deepEqual(msgs(validateConfigMapUpdate({ ...old, data: { a: '2' } }, old)), ['data: Forbidden: field is immutable when `immutable` is set']);
    assert.deepEqual(msgs(validateConfigMapUpdate({ ...old, immutable: false }, old)), ['immutable: Forbidden: field is immutable when `immutable` is set']);
  });
});

describe('validateSecret', () => {
  const meta = { name: 's', namespace: 'default', uid: 'u' };
  it('keys and types', () => {
    assert.deepEqual(validateSecret({ metadata: meta, type: 'Opaque', data: { k: 'eA==' } }), []);
    assert.deepEqual(msgs(validateSecret({ metadata: meta, type: 'kubernetes.io/tls', data: {} })), ['data[tls.crt]: Required value', 'data[tls.key]: Required value']);
    assert.deepEqual(msgs(validateSecret({ metadata: meta, type: 'kubernetes.io/service-account-token' })), [
      'metadata.annotations[kubernetes.io/service-account.name]: Required value',
    ]);
    const bad = Buffer.from('{nope').toString('base64');
    assert.match(msgs(validateSecret({ metadata: meta, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': bad } }))[0], /^data\[\.dockerconfigjson\]: Invalid value: "<secret contents redacted>": /);
  });
  it('type is immutable', () => {
    const old = { metadata: meta, type: 'Opaque' };
    assert.deepEqual(msgs(validateSecretUpdate({ metadata: meta, type: 'kubernetes.io/basic-auth', data: { username: 'eA==' } }, old)), [
      'type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
    ]);
  });
});

describe('validateNode / endpoints / events / lease / endpointslices / serviceaccounts', () => {
  it('node taints and quantities', () => {
    assert.deepEqual(validateNode({ metadata: { name: 'node-1' }, spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] }, status: { capacity: { cpu: '2' } } }), []);
    const e = msgs(
      validateNode({
        metadata: { name: 'node-1' },
        spec: { taints: [{ key: 'k', effect: 'NoSchedule' }, { key: 'k', effect: 'NoSchedule' }, { key: 'j', effect: '' }] },
        status: { capacity: { cpu: '-1' } },
      }),
    );
    assert.equal(e[0], 'spec.taints[1]: Duplicate value: core.Taint{Key:"k", Value:"", Effect:"NoSchedule", TimeAdded:<nil>}: taints must be unique by key and effect pair');
    assert.equal(e[1], 'spec.taints[2].effect: Required value');
    assert.equal(e[2], 'status.capacity[cpu]: Invalid value: "-1": must be greater than or equal to 0');
  });
  it('endpoints', () => {
    assert.deepEqual(validateEndpoints({ metadata: { name: 'web', namespace: 'd' }, subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80, protocol: 'TCP' }] }] }), []);
    assert.deepEqual(msgs(validateEndpoints({ metadata: { name: 'web', namespace: 'd' }, subsets: [{ ports: [{ port: 80, protocol: 'TCP' }] }] })), [
      'subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`',
    ]);
    assert.deepEqual(msgs(validateEndpoints({ metadata: { name: 'web', namespace: 'd' }, subsets: [{ addresses: [{ ip: 'x' }], ports: [{ port: 0, protocol: 'TCP' }] }] })), [
      'subsets[0].addresses[0].ip: Invalid value: "x": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      'subsets[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    ]);
  });
  it('events: involvedObject namespace must match', () => {
    const ev = { metadata: { name: 'p.1', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' }, reason: 'X' };
    assert.deepEqual(validateEvent(ev), []);
    assert.deepEqual(msgs(validateEvent({ ...ev, involvedObject: { kind: 'Pod', name: 'p', namespace: 'other' } })), [
      'involvedObject.namespace: Invalid value: "other": does not match event.namespace',
    ]);
    assert.deepEqual(validateEvent({ ...ev, involvedObject: { kind: 'Node', name: 'n' } }), []);
    const newStyle = {
      metadata: { name: 'e', namespace: 'default' },
      eventTime: '2024-01-01T00:00:00.000000Z',
      regarding: { kind: 'Pod', name: 'p', namespace: 'default' },
      reportingController: 'kubemu.io/scheduler',
      reportingInstance: 'scheduler-1',
      action: 'Binding',
      reason: 'Scheduled',
    };
    assert.deepEqual(validateEvent(newStyle), []);
    assert.deepEqual(msgs(validateEvent({ ...newStyle, action: '' })), ['action: Required value']);
  });
  it('lease', () => {
    assert.deepEqual(validateLease({ metadata: { name: 'node-1', namespace: 'kube-node-lease' }, spec: { leaseDurationSeconds: 40 } }), []);
    assert.deepEqual(msgs(validateLease({ metadata: { name: 'l', namespace: 'd' }, spec: { leaseDurationSeconds: 0, leaseTransitions: -1 } })), [
      'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
      'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });
  it('endpointslice', () => {
    const es = {
      metadata: { name: 'web-abc', namespace: 'd' },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.0.0.1'] }],
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    };
    assert.deepEqual(validateEndpointSlice(es), []);
    assert.deepEqual(msgs(validateEndpointSlice({ ...es, addressType: 'IPv5' })), ['addressType: Unsupported value: "IPv5": supported values: "FQDN", "IPv4", "IPv6"']);
    assert.deepEqual(msgs(validateEndpointSlice({ ...es, endpoints: [{ addresses: [] }, { addresses: ['::1'] }] })), [
      'endpoints[0].addresses: Required value: must contain at least 1 address',
      'endpoints[1].addresses[0]: Invalid value: "::1": must be a valid IPv4 address',
    ]);
  });
  it('serviceaccount', () => {
    assert.deepEqual(validateServiceAccount({ metadata: { name: 'default', namespace: 'd' } }), []);
  });
});

describe('validateCreate / validateUpdate dispatch', () => {
  it('dispatches by resource', () => {
    assert.deepEqual(msgs(validateCreate('namespaces', { metadata: { name: 'A' } })).length, 1);
    assert.deepEqual(validateCreate('configmaps', { metadata: { name: 'x', namespace: 'd' } }), []);
    assert.deepEqual(msgs(validateCreate('widgets', { metadata: { name: 'x' } })), ['metadata.namespace: Required value']);
    assert.deepEqual(msgs(validateUpdate('configmaps', { metadata: { name: 'y', namespace: 'd' } }, { metadata: { name: 'x', namespace: 'd' } })), [
      'metadata.name: Invalid value: "y": field is immutable',
    ]);
  });
});
