import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { ApiError } from '../../api/errors.js';
import type { GenericStore } from '../registry/store.js';
import { isStreamingSubresource, kubeletLocation, type ProxyStores } from './kubelet-location.js';

function stores(pod: Pod, node?: Node): ProxyStores {
  const fake = (obj: unknown, what: string): GenericStore =>
    ({
      get: async (_ns: string | undefined, name: string) => {
        if (!obj) throw ApiError.notFound({ group: '', resource: what }, name);
        return obj;
      },
    }) as unknown as GenericStore;
  return { pods: fake(pod, 'pods'), nodes: fake(node, 'nodes') };
}

const node: Node = {
  metadata: { name: 'node-1' },
  status: { addresses: [{ type: 'Hostname', address: 'node-1' }, { type: 'InternalIP', address: '10.0.0.7' }], daemonEndpoints: { kubeletEndpoint: { Port: 41000 } } },
};
const pod: Pod = { metadata: { name: 'web', namespace: 'ns' }, spec: { nodeName: 'node-1', containers: [{ name: 'app' }, { name: 'side' }], initContainers: [{ name: 'init' }] } };

void test('logs, exec and port-forward go to the node kubelet (InternalIP, daemon port) with the query kept', async () => {
  const log = await kubeletLocation(stores(pod, node), 'ns', 'web', 'log', new URLSearchParams('container=side&follow=true&tailLines=5'));
  assert.deepEqual(log, { host: '10.0.0.7', port: 41000, path: '/containerLogs/ns/web/side?follow=true&tailLines=5' });
  const exec = await kubeletLocation(stores(pod, node), 'ns', 'web', 'exec', new URLSearchParams('command=sh&command=-c&command=echo+hi&container=app&stdout=true'));
  assert.equal(exec.path, '/exec/ns/web/app?command=sh&command=-c&command=echo+hi&stdout=true');
  const pf = await kubeletLocation(stores(pod, node), 'ns', 'web', 'portforward', new URLSearchParams('ports=8080'));
  assert.equal(pf.path, '/portForward/ns/web?ports=8080');
  const init = await kubeletLocation(stores(pod, node), 'ns', 'web', 'attach', new URLSearchParams('container=init'));
  assert.equal(init.path, '/attach/ns/web/init');
});

void test('upstream validation: container choice, unknown container, unscheduled pod, missing node', async () => {
  await assert.rejects(kubeletLocation(stores(pod, node), 'ns', 'web', 'log', new URLSearchParams()), {
    reason: 'BadRequest',
    message: 'a container name must be specified for pod web, choose one of: [app side] or one of the init containers: [init]',
  });
  await assert.rejects(kubeletLocation(stores(pod, node), 'ns', 'web', 'exec', new URLSearchParams('container=nope')), { message: 'container nope is not valid for pod web' });
  const single: Pod = { ...pod, spec: { nodeName: 'node-1', containers: [{ name: 'only' }] } };
  assert.equal((await kubeletLocation(stores(single, node), 'ns', 'web', 'log', new URLSearchParams())).path, '/containerLogs/ns/web/only');
  const pending: Pod = { ...pod, spec: { containers: [{ name: 'app' }] } };
  await assert.rejects(kubeletLocation(stores(pending, node), 'ns', 'web', 'log', new URLSearchParams()), { message: 'pod web does not have a host assigned' });
  await assert.rejects(kubeletLocation(stores(pod), 'ns', 'web', 'portforward', new URLSearchParams()), { reason: 'NotFound' });
  assert.equal(isStreamingSubresource('exec'), true);
  assert.equal(isStreamingSubresource('status'), false);
  assert.equal(isStreamingSubresource(undefined), false);
});
