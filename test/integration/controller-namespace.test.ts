import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap, Namespace } from 'kubernetes-types/core/v1.js';
import { isApiError } from '../../api/errors.js';
import { requireResource } from '../../api/resources.js';
import { RestClient } from '../../client/rest.js';
import type { ControllerManager } from '../../controller-manager/manager.js';
import { eventually, startTestManager } from '../../controller-manager/testing.js';
import { startTestCluster, type TestCluster } from '../support/api-server.js';
import { kubectlFor, type Kubectl } from '../support/kubectl.js';

const NAMESPACES = requireResource('', 'v1', 'namespaces');
const CONFIGMAPS = requireResource('', 'v1', 'configmaps');

describe('namespace controller against a real api-server', () => {
  let c: TestCluster;
  let rest: RestClient;
  let manager: ControllerManager;
  let kubectl: Kubectl;

  const gone = async (name: string): Promise<boolean> => {
    try {
      await rest.get(NAMESPACES, undefined, name);
      return false;
    } catch (e) {
      if (isApiError(e, 'NotFound')) return true;
      throw e;
    }
  };

  before(async () => {
    c = await startTestCluster();
    rest = new RestClient({ server: c.url, timeoutMs: 10_000 });
    manager = await startTestManager(c.url, { controllers: ['*', '-nodelifecycle', '-tainteviction'] });
    kubectl = kubectlFor(c.url);
  });

  after(async () => {
    await manager?.close();
    rest?.close();
    await c?.stop();
  });

  test('kubectl delete ns returns once everything in it is gone', async () => {
    const k = (...a: string[]) => kubectl.run(a);
    assert.equal((await k('create', 'namespace', 'doomed')).code, 0);
    for (const args of [
      ['create', 'deployment', 'web', '--image=img', '--replicas=2'],
      ['create', 'configmap', 'cfg', '--from-literal=a=b'],
      ['create', 'secret', 'generic', 'sec', '--from-literal=a=b'],
      ['create', 'service', 'clusterip', 'svc', '--tcp=80:8080'],
      ['run', 'solo', '--image=img'],
    ]) {
      const r = await k('-n', 'doomed', ...args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    }
    await eventually(async () => (await k('-n', 'doomed', 'get', 'pods', '-o', 'name')).stdout.trim().split('\n').length === 3, 'the deployment pods and the solo pod');
    const started = Date.now();
    const r = await k('delete', 'namespace', 'doomed', '--timeout=60s');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /namespace "doomed" deleted/);
    assert.ok(await gone('doomed'), 'the namespace is gone when kubectl returns');
    assert.ok(Date.now() - started < 20_000);
    const left = await k('get', 'all,configmaps,secrets', '-n', 'doomed', '-o', 'name');
    assert.equal(left.stdout.trim(), '');
  });

  test('content with finalizers holds the namespace, with upstream conditions, until released', async () => {
    await rest.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'held' } });
    await rest.create(CONFIGMAPS, 'held', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'sticky', finalizers: ['example.com/hold'] } });
    await rest.delete(NAMESPACES, undefined, 'held');
    await eventually(async () => {
      const ns = await rest.get<Namespace>(NAMESPACES, undefined, 'held');
      return ns.status?.conditions?.some((x) => x.type === 'NamespaceFinalizersRemaining' && x.status === 'True') === true;
    }, 'the finalizers condition');
    const ns = await rest.get<Namespace>(NAMESPACES, undefined, 'held');
    assert.equal(ns.status?.phase, 'Terminating');
    const byType = Object.fromEntries((ns.status?.conditions ?? []).map((x) => [x.type, x]));
    assert.equal(byType.NamespaceContentRemaining?.reason, 'SomeResourcesRemain');
    assert.equal(byType.NamespaceContentRemaining?.message, 'Some resources are remaining: configmaps has 1 resource instances');
    assert.equal(byType.NamespaceFinalizersRemaining?.message, 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances');
    assert.equal(byType.NamespaceDeletionDiscoveryFailure?.status, 'False');
    assert.deepEqual(ns.spec?.finalizers, ['kubernetes']);
    await rest.patch<ConfigMap>(CONFIGMAPS, 'held', 'sticky', 'merge', { metadata: { finalizers: null } });
    await eventually(() => gone('held'), 'the namespace gone');
  });
});
