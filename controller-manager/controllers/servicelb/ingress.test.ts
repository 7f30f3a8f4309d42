import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from 'kubernetes-types/core/v1.js';
import { desiredIngress } from './ingress.js';

const svc = (type: string, ingress?: { ip: string }[]): Service => ({ spec: { type }, status: { loadBalancer: ingress ? { ingress } : {} } });

test('a LoadBalancer Service without ingress gets the host address', () => {
  assert.deepEqual(desiredIngress(svc('LoadBalancer'), '127.0.0.1'), [{ ip: '127.0.0.1', ipMode: 'VIP' }]);
});

test('a LoadBalancer Service that already has it needs nothing', () => {
  assert.equal(desiredIngress(svc('LoadBalancer', [{ ip: '127.0.0.1' }]), '127.0.0.1'), undefined);
});

test('a Service that is no longer a LoadBalancer loses its ingress; others are left alone', () => {
  assert.deepEqual(desiredIngress(svc('ClusterIP', [{ ip: '127.0.0.1' }]), '127.0.0.1'), []);
  assert.equal(desiredIngress(svc('NodePort'), '127.0.0.1'), undefined);
});
