import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSubset, Endpoints, Pod } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { isApiError } from '../../api/errors.js';
import { requireResource } from '../../api/resources.js';
import { Informer, restListWatcher } from '../../client/informer.js';
import { RestClient } from '../../client/rest.js';
import type { ControllerManager } from '../../controller-manager/manager.js';
import { eventually, startTestManager } from '../../controller-manager/testing.js';
import { startTestCluster, type TestCluster } from '../support/api-server.js';

const NAMESPACES = requireResource('', 'v1', 'namespaces');
const NODES = requireResource('', 'v1', 'nodes');
const SERVICES = requireResource('', 'v1', 'services');
const ENDPOINTS = requireResource('', 'v1', 'endpoints');
const SLICES = requireResource('discovery.k8s.io', 'v1', 'endpointslices');
const PODS = requireResource('', 'v1', 'pods');
const NS = 'ep-it';

function pod(name: string, port: number): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'ep' } },
    spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'img', ports: [{ name: 'web', containerPort: port }] }] },
  };
}

describe('endpoints and endpointslice controllers against a real api-server', () => {
  let c: TestCluster;
  let rest: RestClient;
  let manager: ControllerManager;
  const ac = new AbortController();
  let epInformer: Informer<Endpoints>;
  let sliceInformer: Informer<EndpointSlice>;
  let ipSeq = 10;

  const setReady = async (name: string, ready: boolean): Promise<void> => {
    const p = await rest.get<Pod>(PODS, NS, name);
    const ip = p.status?.podIP ?? `10.1.0.${ipSeq++}`;
    const t = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    await rest.updateStatus(PODS, NS, {
      ...p,
      status: { ...p.status, phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: t }] },
    });
  };
  const endpoints = (): Endpoints | undefined => epInformer.store.get(`${NS}/web`);
  const slices = (): EndpointSlice[] => sliceInformer.store.list().filter((s) => s.metadata?.labels?.['kubernetes.io/service-name'] === 'web');
  const sliceEndpoints = (): EndpointSlice['endpoints'] => slices().flatMap((s) => s.endpoints ?? []);

  before(async () => {
    c = await startTestCluster();
    rest = new RestClient({ server: c.url, timeoutMs: 10_000 });
    await rest.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    await rest.create(NODES, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { 'topology.kubernetes.io/zone': 'zone-a' } } });
    manager = await startTestManager(c.url, { controllers: ['*', '-nodelifecycle', '-tainteviction'] });
    epInformer = new Informer<Endpoints>(restListWatcher(rest, ENDPOINTS, NS));
    sliceInformer = new Informer<EndpointSlice>(restListWatcher(rest, SLICES, NS));
    epInformer.start(ac.signal);
    sliceInformer.start(ac.signal);
    await Promise.all([epInformer.waitForSync(), sliceInformer.waitForSync()]);
  });

  after(async () => {
    ac.abort();
    await epInformer?.stop();
    await sliceInformer?.stop();
    await manager?.close();
    rest?.close();
    await c?.stop();
  });

  test('a Service with a selector gets Endpoints and EndpointSlices; named target ports resolve per pod', async () => {
    await rest.create(SERVICES, NS, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', labels: { tier: 'front' } },
      spec: { selector: { app: 'ep' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }] },
    });
    // no pods yet: empty Endpoints and one placeholder slice
    await eventually(() => !!endpoints() && slices().length === 1, 'empty Endpoints and a placeholder slice');
    assert.equal(endpoints()?.subsets, undefined);
    assert.equal((slices()[0].endpoints ?? []).length, 0);

    await rest.create(PODS, NS, pod('a', 8080));
    await rest.create(PODS, NS, pod('b', 9090));
    await setReady('a', true);
    await setReady('b', false);
    await eventually(() => (endpoints()?.subsets ?? []).length === 2 && sliceEndpoints()?.length === 2, 'both pods listed');
    const ep = endpoints()!;
    assert.deepEqual(ep.metadata?.labels, { tier: 'front' });
    const bySubsetPort: Record<number, EndpointSubset> = Object.fromEntries((ep.subsets ?? []).map((s) => [s.ports?.[0].port ?? 0, s]));
    assert.equal(bySubsetPort[8080].addresses?.[0].targetRef?.name, 'a');
    assert.equal(bySubsetPort[8080].addresses?.[0].nodeName, 'n1');
    assert.equal(bySubsetPort[9090].notReadyAddresses?.[0].targetRef?.name, 'b');
    assert.deepEqual(bySubsetPort[9090].ports, [{ name: 'http', port: 9090, protocol: 'TCP' }]);

    const ss = slices();
    assert.equal(ss.length, 2, 'one slice per port set');
    for (const s of ss) {
      assert.equal(s.addressType, 'IPv4');
      assert.equal(s.metadata?.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
      assert.equal(s.metadata?.labels?.tier, 'front');
      assert.match(s.metadata?.name ?? '', /^web-[a-z0-9]{5}$/);
      assert.equal(s.metadata?.ownerReferences?.[0].kind, 'Service');
    }
    const a = sliceEndpoints()?.find((e) => e.targetRef?.name === 'a');
    const b = sliceEndpoints()?.find((e) => e.targetRef?.name === 'b');
    assert.deepEqual(a?.conditions, { ready: true, serving: true, terminating: false });
    assert.deepEqual(b?.conditions, { ready: false, serving: false, terminating: false });
    assert.equal(a?.nodeName, 'n1');
    assert.equal(a?.zone, 'zone-a');
  });

  test('readiness changes reach Endpoints and EndpointSlices within a second', async () => {
    for (const [name, ready] of [['b', true], ['a', false], ['a', true]] as const) {
      const t0 = Date.now();
      await setReady(name, ready);
      await eventually(() => {
        const inEp = (endpoints()?.subsets ?? []).some((s) => (ready ? s.addresses : s.notReadyAddresses)?.some((x) => x.targetRef?.name === name));
        const inSlice = sliceEndpoints()?.some((e) => e.targetRef?.name === name && e.conditions?.ready === ready);
        return inEp && !!inSlice;
      }, `${name} ready=${ready}`, 5000);
      const ms = Date.now() - t0;
      assert.ok(ms < 1000, `${name} ready=${ready} took ${ms} ms`);
    }
  });

  test('a terminating pod leaves Endpoints and stays in the slice as terminating', async () => {
    // bound to a node with no kubelet, the pod stays Terminating
    await rest.delete(PODS, NS, 'b');
    await eventually(() => !(endpoints()?.subsets ?? []).some((s) => [...(s.addresses ?? []), ...(s.notReadyAddresses ?? [])].some((x) => x.targetRef?.name === 'b')), 'b out of Endpoints');
    await eventually(() => sliceEndpoints()?.find((e) => e.targetRef?.name === 'b')?.conditions?.terminating === true, 'b terminating in the slice');
    assert.deepEqual(sliceEndpoints()?.find((e) => e.targetRef?.name === 'b')?.conditions, { ready: false, serving: true, terminating: true });
  });

  test('a Service without a selector is left alone', async () => {
    await rest.create(SERVICES, NS, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'manual' }, spec: { ports: [{ port: 80 }] } });
    await rest.create(ENDPOINTS, NS, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'manual' }, subsets: [{ addresses: [{ ip: '192.0.2.1' }], ports: [{ port: 80 }] }] });
    await new Promise((r) => setTimeout(r, 1000));
    const ep = await rest.get<Endpoints>(ENDPOINTS, NS, 'manual');
    assert.equal(ep.subsets?.[0].addresses?.[0].ip, '192.0.2.1');
    assert.equal(sliceInformer.store.list().filter((s) => s.metadata?.labels?.['kubernetes.io/service-name'] === 'manual').length, 0);
  });

  test('deleting the Service removes its Endpoints and (through the garbage collector) its slices', async () => {
    await rest.delete(SERVICES, NS, 'web');
    await eventually(async () => {
      try {
        await rest.get(ENDPOINTS, NS, 'web');
        return false;
      } catch (e) {
        return isApiError(e, 'NotFound');
      }
    }, 'Endpoints gone');
    await eventually(() => slices().length === 0, 'slices gone');
  });
});
