import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nodeManifest, podInfoOf } from '../testing.js';
import { SchedulerCache } from './cache.js';

describe('SchedulerCache', () => {
  it('assumes, confirms on observation and forgets on failure', () => {
    const c = new SchedulerCache();
    c.addNode(nodeManifest('n1', { cpu: '4' }));
    const a = podInfoOf('a', { cpu: '1', hostPort: 80 });
    const assumed = c.assumePod(a, 'n1');
    assert.equal(assumed.pod.spec?.nodeName, 'n1');
    assert.equal(c.nodeInfo('n1')?.requested.milliCPU, 1000);
    assert.equal(c.nodeInfo('n1')?.usedPorts.size, 1);
    assert.equal(c.isAssumed('a'), true);
    c.addOrUpdatePod(assumed.pod);
    assert.equal(c.isAssumed('a'), false, 'confirmed by the informer');
    c.forgetPod('a');
    assert.equal(c.nodeInfo('n1')?.requested.milliCPU, 1000, 'a confirmed pod is not forgotten');
    const b = podInfoOf('b', { cpu: '2' });
    c.assumePod(b, 'n1');
    c.forgetPod('b');
    assert.equal(c.nodeInfo('n1')?.requested.milliCPU, 1000);
    c.removePod(assumed.pod);
    assert.equal(c.nodeInfo('n1')?.requested.milliCPU, 0);
    assert.equal(c.nodeInfo('n1')?.usedPorts.size, 0);
  });

  it('moves a pod the informer shows on another node than assumed', () => {
    const c = new SchedulerCache();
    c.addNode(nodeManifest('n1'));
    c.addNode(nodeManifest('n2'));
    const a = podInfoOf('a', { cpu: '1' });
    c.assumePod(a, 'n1');
    c.addOrUpdatePod({ ...a.pod, spec: { ...a.pod.spec!, nodeName: 'n2' } });
    assert.equal(c.nodeInfo('n1')?.pods.size, 0);
    assert.equal(c.nodeInfo('n2')?.pods.size, 1);
  });

  it('keeps pods of unknown nodes aside and lists only nodes that exist', () => {
    const c = new SchedulerCache();
    const a = podInfoOf('a', { cpu: '1' });
    c.addOrUpdatePod({ ...a.pod, spec: { ...a.pod.spec!, nodeName: 'later' } });
    assert.equal(c.numNodes(), 0);
    c.addNode(nodeManifest('later'));
    assert.equal(c.nodeInfo('later')?.requested.milliCPU, 1000);
    c.removeNode(nodeManifest('later'));
    assert.equal(c.numNodes(), 0);
    assert.equal(c.hasPod('a'), true);
  });
});
