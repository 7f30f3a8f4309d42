import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Container } from 'kubernetes-types/core/v1.js';
import { PodInfo } from '../../cache/pod-info.js';
import { podRequests } from '../../framework/resources.js';
import { CycleState } from '../../framework/types.js';
import { nodeInfoOf, podInfoOf, podManifest } from '../../testing.js';
import { fits, fitsRequest, leastAllocatedScore, leastRequestedScore, nodeResourcesFitPlugin, score } from './node-resources-fit.js';

const c = (cpu: string, memory: string, extra: Partial<Container> = {}): Container => ({ name: `c${cpu}${memory}`, image: 'x', resources: { requests: { cpu, memory } }, ...extra });

describe('pod requests (as resourcehelper.PodRequests)', () => {
  it('sums containers, takes the largest init container, adds sidecars and overhead', () => {
    const pod = podManifest('p');
    pod.spec!.containers = [c('2', '1G'), c('1', '1G')];
    pod.spec!.initContainers = [c('2', '1G'), c('2', '3G')];
    // upstream's own example: CPU 3, Memory 3G
    assert.deepEqual(podRequests(pod), { milliCPU: 3000, memory: 3e9, ephemeralStorage: 0, scalar: new Map() });
    pod.spec!.overhead = { cpu: '250m' };
    assert.equal(podRequests(pod).milliCPU, 3250);
    const sidecar = podManifest('s');
    sidecar.spec!.containers = [c('1', '1G')];
    sidecar.spec!.initContainers = [c('500m', '1G', { restartPolicy: 'Always' }), c('2', '1G')];
    // app 1 + sidecar 0.5 = 1.5; the init container runs beside the sidecar: 2 + 0.5 = 2.5 → max 2.5
    assert.equal(podRequests(sidecar).milliCPU, 2500);
  });

  it('uses 100m / 200Mi for containers without requests when scoring', () => {
    const pi = podInfoOf('p');
    assert.equal(pi.requests.milliCPU, 0);
    assert.equal(pi.nonZeroMilliCPU, 100);
    assert.equal(pi.nonZeroMemory, 200 * 1024 * 1024);
    const half = new PodInfo({ ...podManifest('h', { cpu: '1' }), metadata: { name: 'h', uid: 'h' } });
    assert.equal(half.nonZeroMilliCPU, 1000);
    assert.equal(half.nonZeroMemory, 200 * 1024 * 1024);
  });
});

describe('NodeResourcesFit filter', () => {
  it('reports every insufficient resource in upstream order, counting bound and assumed pods', () => {
    const node = nodeInfoOf('n', { cpu: '2', memory: '2Gi', pods: '2', extended: { 'example.com/gpu': '1' } }, [podInfoOf('a', { cpu: '1500m', memory: '1Gi' }), podInfoOf('b')]);
    const pod = podInfoOf('p', { cpu: '1', memory: '2Gi', extended: { 'example.com/gpu': '2' } });
    const reasons = fitsRequest(pod.requests, node).map((r) => r.reason);
    assert.deepEqual(reasons, ['Too many pods', 'Insufficient cpu', 'Insufficient memory', 'Insufficient example.com/gpu']);
    const s = nodeResourcesFitPlugin().filter!(new CycleState(), pod, node);
    assert.equal(s?.code, 'Unschedulable');
    assert.deepEqual(s?.reasons, reasons);
  });

  it('fits exactly to allocatable and ignores resources the pod does not request', () => {
    const node = nodeInfoOf('n', { cpu: '2', memory: '1Gi' }, [podInfoOf('a', { cpu: '1' })]);
    assert.deepEqual(fitsRequest(podInfoOf('p', { cpu: '1', memory: '1Gi' }).requests, node), []);
    assert.deepEqual(fitsRequest(podInfoOf('q').requests, node), [], 'best-effort pods only need a pod slot');
    assert.deepEqual(fitsRequest(podInfoOf('r', { cpu: '1001m' }).requests, node).map((r) => r.reason), ['Insufficient cpu']);
    assert.equal(fits(podInfoOf('p', { cpu: '1', memory: '1Gi' }).requests, node), true);
    assert.equal(fits(podInfoOf('r', { cpu: '1001m' }).requests, node), false);
  });
});

describe('NodeResourcesFit score (LeastAllocated)', () => {
  it('matches upstream least_allocated_test cases', () => {
    // "nothing scheduled, resources requested, differently sized nodes": cpu 3000m/mem 5000 on 4000/10000 and 6000/10000
    assert.equal(leastAllocatedScore([{ requested: 3000, allocatable: 4000, weight: 1 }, { requested: 5000, allocatable: 10000, weight: 1 }]), 37);
    assert.equal(leastAllocatedScore([{ requested: 3000, allocatable: 6000, weight: 1 }, { requested: 5000, allocatable: 10000, weight: 1 }]), 50);
    assert.equal(leastRequestedScore(5, 4), 0, 'over capacity');
    assert.equal(leastRequestedScore(0, 0), 0);
    assert.equal(leastAllocatedScore([{ requested: 1, allocatable: 0, weight: 1 }]), 0);
  });

  it('prefers the emptier node and counts pods without requests at their defaults', () => {
    const empty = nodeInfoOf('e', { cpu: '4', memory: '8Gi' });
    const busy = nodeInfoOf('b', { cpu: '4', memory: '8Gi' }, [podInfoOf('x'), podInfoOf('y')]);
    const pod = podInfoOf('p');
    assert.ok(score(pod, empty) > score(pod, busy));
  });
});
