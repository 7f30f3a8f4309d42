import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES, type ResourceInfo } from '../../api/resources.js';
import { ApiError } from '../../api/errors.js';
import { AGGREGATED_DISCOVERY_CONTENT_TYPE, apiGroupDiscoveryList } from './aggregated.js';
import { DiscoveryDocuments } from './documents.js';
import { apiGroup, apiGroupList, apiResourceList } from './legacy.js';
import { describeSubresource, discoveryGroups, SUBRESOURCES } from './model.js';

interface AggResource {
  resource: string;
  responseKind: { group: string; version: string; kind: string };
  scope: string;
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: { subresource: string; responseKind: { group: string; version: string; kind: string }; verbs: string[] }[];
}
interface AggList {
  kind: string;
  apiVersion: string;
  items: { metadata: { name?: string }; versions: { version: string; freshness: string; resources: AggResource[] }[] }[];
}
interface LegacyList {
  groupVersion: string;
  resources: { name: string; singularName: string; namespaced: boolean; group?: string; version?: string; kind: string; verbs: string[]; shortNames?: string[]; categories?: string[] }[];
}

const agg = (core: boolean) => apiGroupDiscoveryList(core) as AggList;

describe('the shared model', () => {
  test('every subresource in api/resources.ts has verbs and a response kind', () => {
    for (const r of RESOURCES) for (const s of r.subresources) assert.ok(SUBRESOURCES[s], `${r.resource}/${s}`);
  });
  test('core first, then groups in upstream priority order, resources sorted by name', () => {
    const groups = discoveryGroups();
    assert.deepEqual(groups.map((g) => g.name), ['', 'apps', 'events.k8s.io', 'batch', 'coordination.k8s.io', 'discovery.k8s.io']);
    const core = groups[0].versions[0].resources.map((r) => r.info.resource);
    assert.deepEqual(core, [...core].sort());
  });
  test('subresources that other parts will serve are ready: log, exec, attach, portforward, eviction', () => {
    const pods = RESOURCES.find((r) => r.resource === 'pods')!;
    const expect: Record<string, [string[], string, string]> = {
      log: [['get'], '', 'Pod'],
      exec: [['create', 'get'], '', 'PodExecOptions'],
      attach: [['create', 'get'], '', 'PodAttachOptions'],
      portforward: [['create', 'get'], '', 'PodPortForwardOptions'],
      eviction: [['create'], 'policy', 'Eviction'],
      binding: [['create'], '', 'Binding'],
      status: [['get', 'patch', 'update'], '', 'Pod'],
    };
    for (const [name, [verbs, group, kind]] of Object.entries(expect)) {
      const d = describeSubresource(pods, name);
      assert.deepEqual(d.verbs, verbs, name);
      assert.deepEqual(d.responseKind, { group, version: 'v1', kind }, name);
    }
  });
  test('a subresource added to a resource appears in both formats', () => {
    const pods = RESOURCES.find((r) => r.resource === 'pods')!;
    assert.ok(!pods.subresources.includes('eviction'));
    const withEviction: ResourceInfo[] = RESOURCES.map((r) => (r === pods ? { ...r, subresources: [...r.subresources, 'eviction'] } : r));
    const groups = discoveryGroups(withEviction);
    const legacy = apiResourceList('', 'v1', groups) as LegacyList;
    assert.deepEqual(legacy.resources.find((r) => r.name === 'pods/eviction'), { name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
    const aggregated = apiGroupDiscoveryList(true, groups) as AggList;
    const podsAgg = aggregated.items[0].versions[0].resources.find((r) => r.resource === 'pods')!;
    assert.deepEqual(podsAgg.subresources?.map((s) => s.subresource), [...pods.subresources, 'eviction'].sort());
  });
});

describe('aggregated discovery (apidiscovery.k8s.io/v2)', () => {
  test('/api holds only the core group, with an omitted name', () => {
    const list = agg(true);
    assert.equal(list.kind, 'APIGroupDiscoveryList');
    assert.equal(list.apiVersion, 'apidiscovery.k8s.io/v2');
    assert.equal(list.items.length, 1);
    assert.deepEqual(list.items[0].metadata, {});
    assert.equal(list.items[0].versions[0].version, 'v1');
    assert.equal(list.items[0].versions[0].freshness, 'Current');
  });
  test('/apis lists every named group', () => {
    assert.deepEqual(agg(false).items.map((i) => i.metadata.name), ['apps', 'events.k8s.io', 'batch', 'coordination.k8s.io', 'discovery.k8s.io']);
  });
  test('pods: scope, singular, verbs, shortNames, categories, and responseKind on every subresource', () => {
    const pods = agg(true).items[0].versions[0].resources.find((r) => r.resource === 'pods')!;
    assert.deepEqual(pods, {
      resource: 'pods',
      responseKind: { group: '', version: 'v1', kind: 'Pod' },
      scope: 'Namespaced',
      singularResource: 'pod',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['po'],
      categories: ['all'],
      subresources: [
        { subresource: 'attach', responseKind: { group: '', version: 'v1', kind: 'PodAttachOptions' }, verbs: ['create', 'get'] },
        { subresource: 'binding', responseKind: { group: '', version: 'v1', kind: 'Binding' }, verbs: ['create'] },
        { subresource: 'exec', responseKind: { group: '', version: 'v1', kind: 'PodExecOptions' }, verbs: ['create', 'get'] },
        { subresource: 'log', responseKind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get'] },
        { subresource: 'portforward', responseKind: { group: '', version: 'v1', kind: 'PodPortForwardOptions' }, verbs: ['create', 'get'] },
        { subresource: 'status', responseKind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get', 'patch', 'update'] },
      ],
    });
  });
  test('deployments/scale answers with autoscaling/v1 Scale; nodes are cluster-scoped', () => {
    const apps = agg(false).items.find((i) => i.metadata.name === 'apps')!;
    const deploy = apps.versions[0].resources.find((r) => r.resource === 'deployments')!;
    assert.deepEqual(deploy.subresources?.find((s) => s.subresource === 'scale'), {
      subresource: 'scale',
      responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      verbs: ['get', 'patch', 'update'],
    });
    assert.deepEqual(deploy.shortNames, ['deploy']);
    assert.deepEqual(deploy.categories, ['all']);
    const nodes = agg(true).items[0].versions[0].resources.find((r) => r.resource === 'nodes')!;
    assert.equal(nodes.scope, 'Cluster');
  });
  test('the all category: pods, services, deployments, replicasets, jobs, cronjobs', () => {
    const all: string[] = [];
    for (const l of [agg(true), agg(false)]) for (const i of l.items) for (const r of i.versions[0].resources) if (r.categories?.includes('all')) all.push(r.resource);
    assert.deepEqual(all.sort(), ['cronjobs', 'deployments', 'jobs', 'pods', 'replicasets', 'services']);
  });
});

describe('legacy discovery documents', () => {
  test('APIResourceList entries for a resource and its subresources', () => {
    const apps = apiResourceList('apps', 'v1') as LegacyList;
    assert.equal(apps.groupVersion, 'apps/v1');
    assert.deepEqual(
      apps.resources.map((r) => r.name),
      ['deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status'],
    );
    assert.deepEqual(apps.resources[1], { name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
    assert.deepEqual(apps.resources[2], { name: 'deployments/status', singularName: '', namespaced: true, kind: 'Deployment', verbs: ['get', 'patch', 'update'] });
    assert.equal(apiResourceList('apps', 'v2'), undefined);
  });
  test('APIGroupList and APIGroup', () => {
    const list = apiGroupList() as { groups: { name: string; preferredVersion: { groupVersion: string } }[] };
    assert.deepEqual(list.groups.map((g) => g.name), ['apps', 'events.k8s.io', 'batch', 'coordination.k8s.io', 'discovery.k8s.io']);
    assert.deepEqual(apiGroup('apps'), { kind: 'APIGroup', apiVersion: 'v1', name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } });
    assert.equal(apiGroup(''), undefined);
    assert.equal(apiGroup('autoscaling'), undefined);
  });
  test('legacy and aggregated documents describe the same resources', () => {
    for (const g of discoveryGroups()) {
      const v = g.versions[0];
      const legacy = apiResourceList(g.name, v.version) as LegacyList;
      const aggregated = (g.name === '' ? agg(true) : agg(false)).items.find((i) => (i.metadata.name ?? '') === g.name)!.versions[0].resources;
      const fromAgg = aggregated.flatMap((r) => [r.resource, ...(r.subresources ?? []).map((s) => `${r.resource}/${s.subresource}`)]);
      assert.deepEqual(legacy.resources.map((r) => r.name), fromAgg, g.name);
    }
  });
});

describe('DiscoveryDocuments', () => {
  const docs = new DiscoveryDocuments(() => '127.0.0.1:6443');
  test('aggregated answers carry the aggregated Content-Type, an ETag and Vary: Accept', () => {
    const d = docs.lookup('/apis', true)!;
    assert.equal(d.contentType, AGGREGATED_DISCOVERY_CONTENT_TYPE);
    assert.match(d.etag ?? '', /^"[0-9A-F]{128}"$/);
    assert.equal(d.varyAccept, true);
    assert.equal(docs.lookup('/apis', true), d, 'serialized once');
  });
  test('legacy answers are plain JSON', () => {
    const api = docs.lookup('/api', false)!;
    assert.equal(api.contentType, 'application/json');
    assert.deepEqual(JSON.parse(api.body), { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }] });
    assert.equal(api.etag, undefined);
    assert.equal((JSON.parse(docs.lookup('/version', false)!.body) as { minor: string }).minor, '32');
    assert.equal((JSON.parse(docs.lookup('/api/v1', false)!.body) as { kind: string }).kind, 'APIResourceList');
  });
  test('non-discovery paths are not answered; unknown groups are 404', () => {
    assert.equal(docs.lookup('/api/v1/pods', false), undefined);
    assert.equal(docs.lookup('/healthz', false), undefined);
    for (const p of ['/api/v2', '/apis/autoscaling', '/apis/apps/v2']) {
      assert.throws(() => docs.lookup(p, false), (e: unknown) => e instanceof ApiError && e.code === 404, p);
    }
  });
});
