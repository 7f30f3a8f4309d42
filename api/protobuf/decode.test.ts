import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../errors.js';
import { decodeProtobufObject } from './envelope.js';
import { bytes, entry, envelope, int, msg, str, tag, varint } from './testing.js';

/** ObjectMeta as gogo writes it: every non-pointer field, empty or not */
const meta = (name: string) => msg(1, str(1, name), str(2, ''), str(3, ''), str(4, ''), str(5, ''), str(6, ''), int(7, 0), bytes(8, []));

function rejects(buf: Uint8Array, pattern: RegExp): void {
  assert.throws(
    () => decodeProtobufObject(buf),
    (e: unknown) => e instanceof ApiError && e.reason === 'BadRequest' && e.code === 400 && pattern.test(e.message),
  );
}

describe('protobuf objects', () => {
  test('zero values: omitempty scalars left out, non-omitempty kept, pointers shown when sent, zero time is null', () => {
    // ConfigMap {metadata, immutable (4, *bool): false}; ObjectMeta with a zero creationTimestamp
    const obj = decodeProtobufObject(envelope('v1', 'ConfigMap', [...meta('cm'), ...int(4, 0)]));
    assert.deepEqual(obj, { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'cm', creationTimestamp: null }, immutable: false });
    // ContainerPort.containerPort has no omitempty: shown as 0 even when not sent; hostPort is left out
    const pod = decodeProtobufObject(envelope('v1', 'Pod', [...meta('p'), ...msg(2, msg(2, str(1, ''), msg(6, int(2, 0))))]));
    assert.deepEqual((pod.spec as { containers: unknown }).containers, [{ name: '', ports: [{ containerPort: 0 }] }]);
  });

  test('maps, bytes as base64, and repeated fields packed or not', () => {
    const raw = [...meta('s'), ...entry(2, 'k', bytes(2, [0xff, 0x00])), ...entry(2, 'empty', []), ...entry(4, 'plain', str(2, 'v')), ...str(3, 'Opaque')];
    const secret = decodeProtobufObject(envelope('v1', 'Secret', raw));
    assert.deepEqual(secret.data, { k: '/wA=', empty: '' });
    assert.deepEqual(secret.stringData, { plain: 'v' });
    const cm = decodeProtobufObject(envelope('v1', 'ConfigMap', [...meta('cm'), ...entry(2, '__proto__', str(2, 'x'))]));
    assert.deepEqual(cm.data, JSON.parse('{"__proto__":"x"}'));
    assert.equal(secret.type, 'Opaque');
    // PodSecurityContext.supplementalGroups (repeated int64): one unpacked item, then a packed run
    const sc = msg(14, int(4, 1), bytes(4, [...varint(2), ...varint(3)]));
    const pod = decodeProtobufObject(envelope('v1', 'Pod', [...meta('p'), ...msg(2, sc)]));
    assert.deepEqual((pod.spec as { securityContext: unknown }).securityContext, { supplementalGroups: [1, 2, 3] });
  });

  test('negative int32 (ten-byte varint), int64 and bool', () => {
    // Pod spec: priority (*int32) -1, activeDeadlineSeconds (*int64) 2^40, hostNetwork true
    const pod = decodeProtobufObject(envelope('v1', 'Pod', [...meta('p'), ...msg(2, int(25, -1), int(5, 2 ** 40), int(11, 1))]));
    assert.deepEqual(pod.spec, { priority: -1, activeDeadlineSeconds: 2 ** 40, hostNetwork: true });
    rejects(envelope('v1', 'Pod', [...meta('p'), ...msg(2, int(5, 2n ** 60n))]), /spec\.activeDeadlineSeconds is too large/);
  });

  test('Time, MicroTime, Quantity, IntOrString and FieldsV1 take their JSON forms', () => {
    const managed = msg(17, str(1, 'kubectl'), str(2, 'Update'), str(3, 'v1'), msg(4, int(1, 1700000000), int(2, 0)), str(6, 'FieldsV1'), msg(7, str(1, '{"f:data":{}}')));
    const cm = decodeProtobufObject(envelope('v1', 'ConfigMap', [...msg(1, str(1, 'cm'), msg(8, int(1, 1700000000), int(2, 123456789)), managed)]));
    assert.deepEqual(cm.metadata, {
      name: 'cm',
      creationTimestamp: '2023-11-14T22:13:20Z',
      managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2023-11-14T22:13:20Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } }],
    });
    // Lease spec.acquireTime is a MicroTime
    const lease = decodeProtobufObject(envelope('coordination.k8s.io/v1', 'Lease', [...meta('l'), ...msg(2, msg(3, int(1, 1700000000), int(2, 123456789)))]));
    assert.deepEqual(lease.spec, { acquireTime: '2023-11-14T22:13:20.123456Z' });
    // container resources (map of Quantity) and a probe on a named port (IntOrString string) and a number
    const probe = (field: number, port: number[]) => msg(field, msg(1, msg(2, str(1, '/healthz'), msg(2, ...[port]))));
    const container = msg(2, str(1, 'c'), msg(8, entry(1, 'cpu', msg(2, str(1, '500m')))), probe(10, [...int(1, 1), ...str(3, 'http')]), probe(11, [...int(1, 0), ...int(2, 8080)]));
    const pod = decodeProtobufObject(envelope('v1', 'Pod', [...meta('p'), ...msg(2, container)]));
    assert.deepEqual(pod.spec, {
      containers: [
        {
          name: 'c',
          resources: { limits: { cpu: '500m' } },
          livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
          readinessProbe: { httpGet: { path: '/healthz', port: 8080 } },
        },
      ],
    });
  });

  test('inline structs are flattened into their parent', () => {
    // Volume {name, volumeSource (inline) {configMap {localObjectReference (inline) {name}, defaultMode}}}
    const volume = msg(1, str(1, 'cfg'), msg(2, msg(19, msg(1, str(1, 'cm1')), int(3, 420))));
    const pod = decodeProtobufObject(envelope('v1', 'Pod', [...meta('p'), ...msg(2, volume)]));
    assert.deepEqual(pod.spec, { volumes: [{ name: 'cfg', configMap: { name: 'cm1', defaultMode: 420 } }] });
  });

  test('DeleteOptions in any group version, and Eviction', () => {
    assert.deepEqual(decodeProtobufObject(envelope('apps/v1', 'DeleteOptions', [...int(1, 0), ...str(4, 'Foreground')])), {
      kind: 'DeleteOptions',
      apiVersion: 'apps/v1',
      gracePeriodSeconds: 0,
      propagationPolicy: 'Foreground',
    });
    const eviction = decodeProtobufObject(envelope('policy/v1', 'Eviction', [...meta('p'), ...msg(2, int(1, 5))]));
    assert.deepEqual(eviction.deleteOptions, { gracePeriodSeconds: 5 });
  });

  test('a field number missing from the tables fails with its kind, message, number and path', () => {
    const container = msg(2, str(1, 'c'), str(99, 'x'));
    rejects(
      envelope('apps/v1', 'Deployment', [...meta('d'), ...msg(2, msg(3, msg(2, container)))]),
      /^Deployment in version "v1" cannot be handled as a Deployment: field 99 of protobuf message core\.Container \(at spec\.template\.spec\.containers\[0\]\) is not known to kubemu$/,
    );
    rejects(envelope('v1', 'ConfigMap', [...meta('cm'), ...int(42, 1)]), /field 42 of protobuf message core\.ConfigMap is not known/);

  });

  test('a field missing from the tables that carries nothing is accepted (a newer client\'s empty fields)', () => {
    // ObjectMeta.clusterName (15), removed in v1.25, as an older client-go writes it; and empty unknown fields
    const body = [...msg(1, str(1, 'cm'), str(15, '')), ...int(42, 0), ...bytes(43, [])];
    assert.deepEqual(decodeProtobufObject(envelope('v1', 'ConfigMap', body)), { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'cm' } });
  });

  test('malformed bodies are 400s', () => {
    rejects(Uint8Array.from([0x7b, 0x7d]), /does not appear to be a protobuf message, expected prefix \[107 56 115 0\]/);
    rejects(envelope('v1', 'ConfigMap', [...tag(1, 2), ...varint(50), 1, 2]), /runs past the end/);
    rejects(envelope('v1', 'ConfigMap', [...meta('cm'), ...int(2, 1)]), /data has wire type 0, want 2/);
    rejects(envelope('v1', 'ConfigMap', [...meta('cm'), 0x80]), /unexpected end of data/);
    rejects(envelope('example.com/v1', 'Widget', []), /no kind "Widget" is registered for version "example.com\/v1"/);
    rejects(envelope('', '', []), /Object 'Kind' is missing/);
    const gzipped = Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...msg(1, str(1, 'v1'), str(2, 'ConfigMap')), ...bytes(2, []), ...str(3, 'gzip')]);
    rejects(gzipped, /unsupported protobuf content encoding "gzip"/);
  });
});
