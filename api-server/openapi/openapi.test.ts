import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldOf, patchSchemaFor, resolveType } from '../../api/patch/schema.js';
import { applyStrategicMergePatch } from '../../api/patch/strategic.js';
import { API_DEFINITIONS } from './definitions.js';
import { PATCH_STRATEGIES } from './patch-strategies.js';
import { createOpenApiV3 } from './v3.js';

type Obj = Record<string, unknown>;
const defs = API_DEFINITIONS.definitions;

function typeOf(group: string, version: string, kind: string): string {
  const t = API_DEFINITIONS.typeOf({ group, version, kind });
  assert.ok(t, `${group}/${version} ${kind} has a schema`);
  return t;
}

/** builds {a: {b: value}} from ['a', 'b'] */
function nest(path: string[], value: unknown): Obj {
  return path.reduceRight<Obj>((inner, key, i) => (i === path.length - 1 ? { [key]: value } : { [key]: inner }), {});
}

function at(obj: unknown, path: string[]): unknown {
  return path.reduce<unknown>((o, k) => (o as Obj | undefined)?.[k], obj);
}

const POD_SPEC = ['spec', 'template', 'spec'];

/** every merge key of kubectl-compat.md §4.2, exercised through a real kind's schema */
const KEYED_LISTS: [string, [string, string, string], string[], string][] = [
  ['PodSpec.containers', ['apps', 'v1', 'Deployment'], [...POD_SPEC, 'containers'], 'name'],
  ['PodSpec.initContainers', ['', 'v1', 'Pod'], ['spec', 'initContainers'], 'name'],
  ['PodSpec.ephemeralContainers', ['', 'v1', 'Pod'], ['spec', 'ephemeralContainers'], 'name'],
  ['PodSpec.volumes', ['apps', 'v1', 'ReplicaSet'], [...POD_SPEC, 'volumes'], 'name'],
  ['PodSpec.imagePullSecrets', ['', 'v1', 'Pod'], ['spec', 'imagePullSecrets'], 'name'],
  ['PodSpec.schedulingGates', ['', 'v1', 'Pod'], ['spec', 'schedulingGates'], 'name'],
  ['PodSpec.resourceClaims', ['', 'v1', 'Pod'], ['spec', 'resourceClaims'], 'name'],
  ['PodSpec.hostAliases', ['', 'v1', 'Pod'], ['spec', 'hostAliases'], 'ip'],
  ['PodSpec.topologySpreadConstraints', ['', 'v1', 'Pod'], ['spec', 'topologySpreadConstraints'], 'topologyKey'],
  ['ServiceSpec.ports', ['', 'v1', 'Service'], ['spec', 'ports'], 'port'],
  ['ServiceAccount.secrets', ['', 'v1', 'ServiceAccount'], ['secrets'], 'name'],
  ['PodStatus.conditions', ['', 'v1', 'Pod'], ['status', 'conditions'], 'type'],
  ['PodStatus.podIPs', ['', 'v1', 'Pod'], ['status', 'podIPs'], 'ip'],
  ['PodStatus.hostIPs', ['', 'v1', 'Pod'], ['status', 'hostIPs'], 'ip'],
  ['NodeStatus.conditions', ['', 'v1', 'Node'], ['status', 'conditions'], 'type'],
  ['NodeStatus.addresses', ['', 'v1', 'Node'], ['status', 'addresses'], 'type'],
  ['NamespaceStatus.conditions', ['', 'v1', 'Namespace'], ['status', 'conditions'], 'type'],
  ['DeploymentStatus.conditions', ['apps', 'v1', 'Deployment'], ['status', 'conditions'], 'type'],
  ['ReplicaSetStatus.conditions', ['apps', 'v1', 'ReplicaSet'], ['status', 'conditions'], 'type'],
  ['StatefulSetStatus.conditions', ['apps', 'v1', 'StatefulSet'], ['status', 'conditions'], 'type'],
  ['DaemonSetStatus.conditions', ['apps', 'v1', 'DaemonSet'], ['status', 'conditions'], 'type'],
  ['JobStatus.conditions', ['batch', 'v1', 'Job'], ['status', 'conditions'], 'type'],
  ['ObjectMeta.ownerReferences', ['', 'v1', 'ConfigMap'], ['metadata', 'ownerReferences'], 'uid'],
];

const CONTAINER = [...POD_SPEC, 'containers'];
const CONTAINER_LISTS: [string, string][] = [
  ['env', 'name'],
  ['ports', 'containerPort'],
  ['volumeMounts', 'mountPath'],
  ['volumeDevices', 'devicePath'],
];

describe('strategic merge patch with the served schemas', () => {
  for (const [name, [g, v, k], path, key] of KEYED_LISTS) {
    test(`${name} merges by ${key}`, () => {
      const original = nest(path, [{ [key]: 'a', x: 1 }, { [key]: 'b' }]);
      const patch = nest(path, [{ [key]: 'a', y: 2 }, { [key]: 'c' }]);
      const out = applyStrategicMergePatch(original, patch, patchSchemaFor(defs, typeOf(g, v, k)));
      // upstream order: patch items in patch order; a live-only item follows the patch items it cannot be ordered against
      assert.deepEqual(at(out, path), [{ [key]: 'a', x: 1, y: 2 }, { [key]: 'c' }, { [key]: 'b' }]);
      const del = applyStrategicMergePatch(original, nest(path, [{ [key]: 'b', $patch: 'delete' }]), patchSchemaFor(defs, typeOf(g, v, k)));
      assert.deepEqual(at(del, path), [{ [key]: 'a', x: 1 }]);
    });
  }

  for (const [list, key] of CONTAINER_LISTS) {
    test(`Container.${list} merges by ${key}`, () => {
      const schema = patchSchemaFor(defs, typeOf('apps', 'v1', 'Deployment'));
      const original = nest(CONTAINER, [{ name: 'web', [list]: [{ [key]: 'a', x: 1 }] }]);
      const patch = nest(CONTAINER, [{ name: 'web', [list]: [{ [key]: 'b' }] }]);
      const out = applyStrategicMergePatch(original, patch, schema);
      assert.deepEqual(at(out, CONTAINER), [{ name: 'web', [list]: [{ [key]: 'b' }, { [key]: 'a', x: 1 }] }]);
    });
  }

  test('finalizers and NodeSpec.podCIDRs are merged scalar lists', () => {
    const node = patchSchemaFor(defs, typeOf('', 'v1', 'Node'));
    assert.deepEqual(applyStrategicMergePatch({ spec: { podCIDRs: ['10.0.0.0/24'] } }, { spec: { podCIDRs: ['10.0.1.0/24'] } }, node), { spec: { podCIDRs: ['10.0.1.0/24', '10.0.0.0/24'] } });
    const out = applyStrategicMergePatch({ metadata: { finalizers: ['a', 'b'] } }, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }, node);
    assert.deepEqual(out, { metadata: { finalizers: ['b'] } });
  });

  test('lists without a merge strategy (tolerations, command, args) are replaced', () => {
    const schema = patchSchemaFor(defs, typeOf('', 'v1', 'Pod'));
    const out = applyStrategicMergePatch(
      { spec: { tolerations: [{ key: 'a' }], containers: [{ name: 'c', command: ['x'], args: ['1'] }] } },
      { spec: { tolerations: [{ key: 'b' }], containers: [{ name: 'c', command: ['y'] }] } },
      schema,
    );
    assert.deepEqual(out, { spec: { tolerations: [{ key: 'b' }], containers: [{ name: 'c', command: ['y'], args: ['1'] }] } });
  });

  test('DeploymentSpec.strategy honours $retainKeys (kubectl apply switching to Recreate)', () => {
    const schema = patchSchemaFor(defs, typeOf('apps', 'v1', 'Deployment'));
    const out = applyStrategicMergePatch(
      { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } } } },
      { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } },
      schema,
    );
    assert.deepEqual(out, { spec: { strategy: { type: 'Recreate' } } });
  });

  test('labels, annotations and selectors merge key by key', () => {
    const schema = patchSchemaFor(defs, typeOf('apps', 'v1', 'Deployment'));
    const out = applyStrategicMergePatch(
      { metadata: { labels: { a: '1', b: '2' } }, spec: { selector: { matchLabels: { a: '1' } } } },
      { metadata: { labels: { b: null, c: '3' } }, spec: { selector: { matchLabels: { d: '4' } } } },
      schema,
    );
    assert.deepEqual(out, { metadata: { labels: { a: '1', c: '3' } }, spec: { selector: { matchLabels: { a: '1', d: '4' } } } });
  });
});

describe('patch strategy table', () => {
  test('every entry names a list (or, for retainKeys/replace, a struct) of the right shape', () => {
    let checked = 0;
    for (const s of PATCH_STRATEGIES) {
      assert.ok(Object.hasOwn(defs, s.definition), `${s.definition} exists`);
      const f = fieldOf(defs[s.definition], s.field);
      if (!f) continue; // newer than kubernetes-types
      checked++;
      assert.equal(f.patchStrategy, s.strategy, `${s.definition}.${s.field}`);
      const t = resolveType(defs, f.type);
      if (s.strategy === 'retainKeys' || s.strategy === 'replace') {
        assert.equal(t.kind, 'struct', `${s.definition}.${s.field}`);
        continue;
      }
      assert.equal(t.kind, 'list', `${s.definition}.${s.field} is a list`);
      if (t.kind !== 'list') continue;
      const item = resolveType(defs, t.items);
      if (s.mergeKey) {
        assert.equal(item.kind, 'struct', `${s.definition}.${s.field} holds objects`);
        if (item.kind === 'struct') assert.ok(fieldOf(item.def, s.mergeKey), `${s.definition}.${s.field} items have ${s.mergeKey}`);
      } else {
        assert.equal(item.kind, 'scalar', `${s.definition}.${s.field} holds scalars`);
      }
    }
    assert.ok(checked >= 40, `${checked} entries checked`);
  });
});

describe('OpenAPI v3 documents', () => {
  const v3 = createOpenApiV3(API_DEFINITIONS);

  test('the index lists every served group-version with a hash', () => {
    const root = v3.document('/openapi/v3') as { paths: Record<string, { serverRelativeURL: string }> };
    assert.deepEqual(Object.keys(root.paths).sort(), ['api/v1', 'apis/apps/v1', 'apis/batch/v1', 'apis/coordination.k8s.io/v1', 'apis/discovery.k8s.io/v1', 'apis/events.k8s.io/v1']);
    assert.match(root.paths['apis/apps/v1'].serverRelativeURL, /^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
    assert.deepEqual(createOpenApiV3(API_DEFINITIONS).document('/openapi/v3'), root, 'hashes are stable');
    assert.equal(v3.document('/openapi/v3/apis/nope/v1'), undefined);
  });

  test('each resource has a PATCH operation with its GVK and the fieldValidation parameter, and no requestBody', () => {
    const doc = v3.document('/openapi/v3/apis/apps/v1') as { paths: Record<string, { patch: Obj }> };
    const op = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    assert.deepEqual(op['x-kubernetes-group-version-kind'], { group: 'apps', version: 'v1', kind: 'Deployment' });
    assert.ok((op.parameters as Obj[]).some((p) => p.name === 'fieldValidation' && p.in === 'query'));
    assert.equal(op.requestBody, undefined);
    assert.deepEqual(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'].patch['x-kubernetes-group-version-kind'], { group: 'autoscaling', version: 'v1', kind: 'Scale' });
    const core = v3.document('/openapi/v3/api/v1') as { paths: Record<string, { patch: Obj }> };
    assert.deepEqual(core.paths['/api/v1/nodes/{name}'].patch['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'Node' });
  });

  test('components carry the schemas with GVK and patch extensions, for kubectl explain', () => {
    const doc = v3.document('/openapi/v3/apis/apps/v1') as { components: { schemas: Record<string, Obj> } };
    const deployment = doc.components.schemas['io.k8s.api.apps.v1.Deployment'];
    assert.deepEqual(deployment['x-kubernetes-group-version-kind'], [{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
    const containers = (doc.components.schemas['io.k8s.api.core.v1.PodSpec'].properties as Record<string, Obj>).containers;
    assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
    assert.equal(containers['x-kubernetes-patch-strategy'], 'merge');
    assert.deepEqual(containers.items, { $ref: '#/components/schemas/io.k8s.api.core.v1.Container' });
    assert.ok(doc.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'], 'referenced schemas are included');
  });
});
