import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from './errors.js';
import {
  escapeFieldValue,
  fieldSelectorFromSet,
  fieldsForObject,
  parseFieldSelector,
  unescapeFieldValue,
  validateFieldSelectorFields,
} from './fields.js';

describe('parseFieldSelector', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['metadata.name=foo', 'metadata.name=foo'],
    ['metadata.name==foo', 'metadata.name=foo'],
    ['metadata.name!=foo', 'metadata.name!=foo'],
    ['status.phase=Running,spec.nodeName=node-1', 'spec.nodeName=node-1,status.phase=Running'],
    ['a=b\\,c', 'a=b\\,c'],
    ['a=b\\=c\\\\d', 'a=b\\=c\\\\d'],
    ['spec.nodeName=', 'spec.nodeName='],
    ['a=b,,c=d', 'a=b,c=d'],
  ];
  for (const [input, out] of cases) {
    it(`parses ${JSON.stringify(input)}`, () => assert.equal(parseFieldSelector(input).toString(), out));
  }
  it('unescapes values', () => {
    const s = parseFieldSelector('a=b\\,c\\=d');
    assert.deepEqual(s.requirements, [{ field: 'a', operator: '=', value: 'b,c=d' }]);
  });
  const bad: [string, string][] = [
    ['foo', "invalid selector: 'foo'; can't understand 'foo'"],
    ['a=b,c', "invalid selector: 'a=b,c'; can't understand 'c'"],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
    ['a==b=c', 'invalid field selector: unescaped character in value: 61'],
  ];
  for (const [input, msg] of bad) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(() => parseFieldSelector(input), (e: unknown) => e instanceof ApiError && e.code === 400 && e.message === msg);
    });
  }
  it('matches with missing fields as ""', () => {
    const fields = { 'metadata.name': 'p', 'spec.nodeName': '' };
    assert.equal(parseFieldSelector('spec.nodeName=').matches(fields), true);
    assert.equal(parseFieldSelector('spec.nodeName!=').matches(fields), false);
    assert.equal(parseFieldSelector('status.phase=').matches(fields), true);
    assert.equal(parseFieldSelector('metadata.name=p,spec.nodeName!=n1').matches(fields), true);
    assert.equal(parseFieldSelector('metadata.name=q').matches(fields), false);
    assert.equal(parseFieldSelector('').isEmpty(), true);
    assert.equal(parseFieldSelector('spec.nodeName=n1').requiresExactMatch('spec.nodeName'), 'n1');
  });
  it('escape round trip', () => {
    for (const v of ['a,b', 'a=b', 'a\\b', 'plain']) assert.equal(unescapeFieldValue(escapeFieldValue(v)), v);
    assert.equal(fieldSelectorFromSet({ b: '1', a: 'x,y' }).toString(), 'a=x\\,y,b=1');
  });
});

describe('fieldsForObject', () => {
  it('pods', () => {
    const f = fieldsForObject('pods', {
      metadata: { name: 'p', namespace: 'ns' },
      spec: { nodeName: 'node-1', restartPolicy: 'Always', schedulerName: 'default-scheduler', serviceAccountName: 'default' },
      status: { phase: 'Running', podIP: '10.0.0.2' },
    });
    assert.equal(f['metadata.name'], 'p');
    assert.equal(f['metadata.namespace'], 'ns');
    assert.equal(f['spec.nodeName'], 'node-1');
    assert.equal(f['spec.restartPolicy'], 'Always');
    assert.equal(f['spec.schedulerName'], 'default-scheduler');
    assert.equal(f['spec.serviceAccountName'], 'default');
    assert.equal(f['status.phase'], 'Running');
    assert.equal(f['status.podIP'], '10.0.0.2');
    assert.equal(f['status.nominatedNodeName'], '');
    assert.equal(f['spec.hostNetwork'], 'false');
  });
  it('core events and events.k8s.io events', () => {
    const core = fieldsForObject('events', {
      metadata: { name: 'e', namespace: 'ns' },
      involvedObject: { kind: 'Pod', namespace: 'ns', name: 'p', uid: 'u1', apiVersion: 'v1', resourceVersion: '5', fieldPath: 'spec.containers{c}' },
      reason: 'Scheduled',
      source: { component: 'default-scheduler' },
      type: 'Normal',
    });
    assert.equal(core['involvedObject.kind'], 'Pod');
    assert.equal(core['involvedObject.name'], 'p');
    assert.equal(core['involvedObject.uid'], 'u1');
    assert.equal(core['involvedObject.fieldPath'], 'spec.containers{c}');
    assert.equal(core.reason, 'Scheduled');
    assert.equal(core.source, 'default-scheduler');
    assert.equal(core.type, 'Normal');
    const ev = fieldsForObject('events', {
      metadata: { name: 'e', namespace: 'ns' },
      regarding: { kind: 'Deployment', name: 'd', namespace: 'ns' },
      reportingController: 'deployment-controller',
      reason: 'ScalingReplicaSet',
      type: 'Normal',
    });
    assert.equal(ev['involvedObject.kind'], 'Deployment');
    assert.equal(ev.reportingComponent, 'deployment-controller');
    assert.equal(ev.source, 'deployment-controller');
  });
  it('nodes, namespaces, secrets, replicasets', () => {
    assert.equal(fieldsForObject('nodes', { metadata: { name: 'n' }, spec: { unschedulable: true } })['spec.unschedulable'], 'true');
    assert.equal(fieldsForObject('nodes', { metadata: { name: 'n' } })['spec.unschedulable'], 'false');
    assert.equal(fieldsForObject('namespaces', { metadata: { name: 'n' }, status: { phase: 'Active' } })['status.phase'], 'Active');
    assert.equal(fieldsForObject('secrets', { metadata: { name: 's' }, type: 'Opaque' }).type, 'Opaque');
    assert.equal(fieldsForObject('replicasets', { metadata: { name: 'r' }, status: { replicas: 3 } })['status.replicas'], '3');
    assert.equal(fieldsForObject('replicasets', { metadata: { name: 'r' } })['status.replicas'], '0');
    assert.deepEqual(fieldsForObject('configmaps', { metadata: { name: 'c', namespace: 'd' } }), {
      'metadata.name': 'c',
      'metadata.namespace': 'd',
    });
  });
});

describe('validateFieldSelectorFields', () => {
  it('accepts supported labels', () => {
    validateFieldSelectorFields('pods', parseFieldSelector('spec.nodeName=n,status.phase!=Failed,metadata.name=x'));
    validateFieldSelectorFields('events', parseFieldSelector('involvedObject.name=p,involvedObject.uid=u'));
    validateFieldSelectorFields('deployments', parseFieldSelector('metadata.namespace=x'));
  });
  it('rejects unsupported labels with upstream messages', () => {
    assert.throws(() => validateFieldSelectorFields('pods', parseFieldSelector('foo=bar')), {
      message: 'field label not supported: foo',
    });
    assert.throws(() => validateFieldSelectorFields('deployments', parseFieldSelector('spec.replicas=1')), (e: unknown) =>
      e instanceof ApiError && e.code === 400 && e.message === '"spec.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
  });
});
