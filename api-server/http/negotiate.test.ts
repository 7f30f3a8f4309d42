import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../api/errors.js';
import { includeObjectFrom, negotiateObjectFormat, parseAccept, wantsAggregatedDiscovery } from './negotiate.js';

const KUBECTL_GET = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const KUBECTL_DISCOVERY =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

describe('parseAccept (goautoneg.ParseAccept)', () => {
  test('media ranges with parameters, q values, and wildcard ordering', () => {
    const c = parseAccept('text/*;q=0.5, application/json ;as=Table; v=v1 , */*;q=0.1, application/yaml');
    assert.deepEqual(
      c.map((x) => [`${x.type}/${x.subtype}`, x.q]),
      [['application/json', 1], ['application/yaml', 1], ['text/*', 0.5], ['*/*', 0.1]],
    );
    assert.deepEqual(c[0].params, { as: 'Table', v: 'v1' });
    assert.deepEqual(parseAccept('*'), [{ type: '*', subtype: '*', params: {}, q: 1 }]);
    assert.deepEqual(parseAccept('garbage'), []);
    assert.deepEqual(parseAccept(undefined), []);
  });
});

describe('negotiateObjectFormat', () => {
  test("kubectl get's Accept header selects a meta.k8s.io/v1 Table", () => {
    assert.deepEqual(negotiateObjectFormat(KUBECTL_GET), { kind: 'table', apiVersion: 'meta.k8s.io/v1' });
    assert.deepEqual(negotiateObjectFormat('application/json;as=Table;v=v1beta1;g=meta.k8s.io'), { kind: 'table', apiVersion: 'meta.k8s.io/v1beta1' });
  });
  test('plain JSON, wildcards, protobuf-first and no header give JSON', () => {
    for (const h of [undefined, '', 'application/json', '*/*', 'application/vnd.kubernetes.protobuf,application/json', 'application/json, application/json;as=Table;v=v1;g=meta.k8s.io']) {
      assert.deepEqual(negotiateObjectFormat(h), { kind: 'json' }, String(h));
    }
  });
  test('never 406: unsupported targets fall through to JSON', () => {
    for (const h of ['application/json;as=Table;v=v2;g=meta.k8s.io', 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io', 'application/yaml', 'application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io']) {
      assert.deepEqual(negotiateObjectFormat(h), { kind: 'json' }, h);
    }
  });
  test('a higher q wins over order', () => {
    assert.deepEqual(negotiateObjectFormat('application/json;q=0.5,application/json;as=Table;v=v1;g=meta.k8s.io'), { kind: 'table', apiVersion: 'meta.k8s.io/v1' });
  });
});

describe('wantsAggregatedDiscovery', () => {
  test("kubectl's discovery Accept header, in any parameter order", () => {
    assert.equal(wantsAggregatedDiscovery(KUBECTL_DISCOVERY), true);
    assert.equal(wantsAggregatedDiscovery('application/json;as=APIGroupDiscoveryList;v=v2;g=apidiscovery.k8s.io'), true);
  });
  test('legacy clients and v2beta1-only clients get the legacy documents', () => {
    assert.equal(wantsAggregatedDiscovery(undefined), false);
    assert.equal(wantsAggregatedDiscovery('application/json, */*'), false);
    assert.equal(wantsAggregatedDiscovery('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json'), false);
    assert.equal(wantsAggregatedDiscovery(`application/json,${KUBECTL_DISCOVERY}`), false);
  });
});

describe('includeObjectFrom', () => {
  test('defaults to Metadata; accepts None, Metadata, Object', () => {
    assert.equal(includeObjectFrom(new URLSearchParams()), 'Metadata');
    for (const v of ['None', 'Metadata', 'Object'] as const) assert.equal(includeObjectFrom(new URLSearchParams({ includeObject: v })), v);
  });
  test('anything else is a 400 with upstream message', () => {
    assert.throws(
      () => includeObjectFrom(new URLSearchParams({ includeObject: 'object' })),
      (e: unknown) => e instanceof ApiError && e.code === 400 && e.reason === 'BadRequest' && e.message === 'unrecognized includeObject value: "object"',
    );
  });
});
