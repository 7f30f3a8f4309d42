import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { ConfigMap, Pod } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { isApiError } from '../../api/errors.js';
import { requireResource, type ResourceInfo } from '../../api/resources.js';
import { RestClient } from '../../client/rest.js';
import type { ControllerManager } from '../../controller-manager/manager.js';
import { eventually, startTestManager } from '../../controller-manager/testing.js';
import { startTestCluster, type TestCluster } from '../support/api-server.js';
import { kubectlFor, type Kubectl } from '../support/kubectl.js';

const NAMESPACES = requireResource('', 'v1', 'namespaces');
const DEPLOYMENTS = requireResource('apps', 'v1', 'deployments');
const REPLICASETS = requireResource('apps', 'v1', 'replicasets');
const PODS = requireResource('', 'v1', 'pods');
const CONFIGMAPS = requireResource('', 'v1', 'configmaps');
const SECRETS = requireResource('', 'v1', 'secrets');
const NS = 'gc-it';

describe('garbage collector against a real api-server', () => {
  let c: TestCluster;
  let rest: RestClient;
  let manager: ControllerManager;
  let kubectl: Kubectl;

  const exists = async (r: ResourceInfo, name: string): Promise<boolean> => {
    try {
      await rest.get(r, NS, name);
      return true;
    } catch (e) {
      if (isApiError(e, 'NotFound')) return false;
      throw e;
    }
  };
  const ofApp = async <T extends { metadata?: { deletionTimestamp?: string } }>(r: ResourceInfo, app: string): Promise<T[]> =>
    (await rest.list<T & Pod>(r, NS, { labelSelector: `app=${app}` })).items;
  const deploy = async (name: string): Promise<void> => {
    await rest.create<Deployment>(DEPLOYMENTS, NS, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name },
      spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'img' }] } } },
    });
    await eventually(async () => (await ofApp(PODS, name)).length === 2 && (await ofApp(REPLICASETS, name)).length === 1, `${name} with its ReplicaSet and pods`);
  };
  const ref = (o: { metadata?: { name?: string; uid?: string } }, kind: string, block = false): OwnerReference => ({
    apiVersion: 'v1',
    kind,
    name: o.metadata?.name ?? '',
    uid: o.metadata?.uid ?? '',
    ...(block ? { blockOwnerDeletion: true } : {}),
  });

  before(async () => {
    c = await startTestCluster();
    rest = new RestClient({ server: c.url, timeoutMs: 10_000 });
    await rest.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    manager = await startTestManager(c.url, { controllers: ['*', '-nodelifecycle', '-tainteviction'] });
    kubectl = kubectlFor(c.url);
  });

  after(async () => {
    await manager?.close();
    rest?.close();
    await c?.stop();
  });

  test('Background (kubectl default): the ReplicaSet and pods follow the Deployment', async () => {
    await deploy('bg');
    const r = await kubectl.run(['-n', NS, 'delete', 'deployment', 'bg']);
    assert.equal(r.code, 0, r.stderr);
    await eventually(async () => (await ofApp(REPLICASETS, 'bg')).length === 0 && (await ofApp(PODS, 'bg')).length === 0, 'dependents gone');
  });

  test('Foreground: kubectl delete --cascade=foreground returns once everything is gone', async () => {
    await deploy('fg');
    const r = await kubectl.run(['-n', NS, 'delete', 'deployment', 'fg', '--cascade=foreground', '--timeout=60s']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await exists(DEPLOYMENTS, 'fg'), false);
    assert.equal((await ofApp(REPLICASETS, 'fg')).length, 0, 'no ReplicaSet left when kubectl returned');
    assert.equal((await ofApp(PODS, 'fg')).length, 0, 'no pod left when kubectl returned');
  });

  test('Orphan: the ReplicaSet stays, without the owner reference', async () => {
    await deploy('orph');
    const r = await kubectl.run(['-n', NS, 'delete', 'deployment', 'orph', '--cascade=orphan']);
    assert.equal(r.code, 0, r.stderr);
    await eventually(async () => !(await exists(DEPLOYMENTS, 'orph')), 'deployment gone');
    const [rs] = await ofApp<ReplicaSet>(REPLICASETS, 'orph');
    assert.ok(rs, 'the ReplicaSet stayed');
    assert.equal(rs.metadata?.ownerReferences, undefined);
    await new Promise((res) => setTimeout(res, 500));
    assert.equal((await ofApp(PODS, 'orph')).length, 2, 'its pods stayed');
  });

  test('any resource: dependents of a deleted owner go; one still owned by another owner only loses the reference', async () => {
    const owner = await rest.create<ConfigMap>(CONFIGMAPS, NS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner' } });
    const other = await rest.create<ConfigMap>(CONFIGMAPS, NS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other' } });
    await rest.create(SECRETS, NS, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'dep-secret', ownerReferences: [ref(owner, 'ConfigMap')] } });
    await rest.create(CONFIGMAPS, NS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dep-shared', ownerReferences: [ref(owner, 'ConfigMap'), ref(other, 'ConfigMap')] } });
    await rest.delete(CONFIGMAPS, NS, 'owner');
    await eventually(async () => !(await exists(SECRETS, 'dep-secret')), 'the only-owned dependent deleted');
    await eventually(async () => (await rest.get<ConfigMap>(CONFIGMAPS, NS, 'dep-shared')).metadata?.ownerReferences?.length === 1, 'the dangling reference removed');
    assert.equal((await rest.get<ConfigMap>(CONFIGMAPS, NS, 'dep-shared')).metadata?.ownerReferences?.[0].name, 'other');
  });

  test('an owner reference to an owner that never existed gets the dependent collected', async () => {
    await rest.create(CONFIGMAPS, NS, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'dangling', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'ghost', uid: '00000000-0000-0000-0000-000000000000' }] },
    });
    await eventually(async () => !(await exists(CONFIGMAPS, 'dangling')), 'the dependent of a missing owner deleted');
  });

  test('Foreground waits for blockOwnerDeletion dependents only', async () => {
    const owner = await rest.create<ConfigMap>(CONFIGMAPS, NS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fg-owner' } });
    // the blocking dependent is held by a finalizer of its own
    await rest.create(CONFIGMAPS, NS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'blocker', finalizers: ['example.com/hold'], ownerReferences: [ref(owner, 'ConfigMap', true)] } });
    await rest.create(CONFIGMAPS, NS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nonblocker', finalizers: ['example.com/hold'], ownerReferences: [ref(owner, 'ConfigMap')] } });
    await rest.delete(CONFIGMAPS, NS, 'fg-owner', { propagationPolicy: 'Foreground' });
    await eventually(async () => !!(await rest.get<ConfigMap>(CONFIGMAPS, NS, 'blocker')).metadata?.deletionTimestamp, 'the blocking dependent being deleted');
    await new Promise((res) => setTimeout(res, 500));
    const held = await rest.get<ConfigMap>(CONFIGMAPS, NS, 'fg-owner');
    assert.ok(held.metadata?.deletionTimestamp);
    assert.deepEqual(held.metadata?.finalizers, ['foregroundDeletion']);
    // the non-blocking dependent does not hold the owner
    await rest.patch(CONFIGMAPS, NS, 'blocker', 'merge', { metadata: { finalizers: null } });
    await eventually(async () => !(await exists(CONFIGMAPS, 'fg-owner')), 'the owner gone once the blocking dependent is');
    assert.ok(await exists(CONFIGMAPS, 'nonblocker'));
    await rest.patch(CONFIGMAPS, NS, 'nonblocker', 'merge', { metadata: { finalizers: null } });
    await eventually(async () => !(await exists(CONFIGMAPS, 'nonblocker')), 'the non-blocking dependent deleted too');
  });
});
