import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { buildContainerConfig, containerHash, milliCpuToShares } from './container-config.js';

const pod: Pod = {
  metadata: { name: 'web', namespace: 'prod', uid: 'u-1' },
  spec: { terminationGracePeriodSeconds: 7, securityContext: { runAsUser: 1000, runAsGroup: 3000 }, containers: [] },
};

void test('spec → Docker config: command/args with $(VAR), limits, shares, user, read-only root', () => {
  const cfg = buildContainerConfig({
    pod,
    container: {
      name: 'app',
      image: 'img:1',
      command: ['/bin/app', '--name=$(NAME)'],
      args: ['$(MISSING)', '$$(NAME)'],
      workingDir: '/srv',
      tty: true,
      resources: { limits: { cpu: '1500m', memory: '128Mi' }, requests: { cpu: '250m' } },
      securityContext: { runAsUser: 2000, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    },
    kind: 'regular',
    restartCount: 2,
    sandboxId: 'sb',
    env: new Map([['NAME', 'web']]),
    mounts: [],
  });
  assert.deepEqual(cfg.entrypoint, ['/bin/app', '--name=web']);
  assert.deepEqual(cfg.cmd, ['$(MISSING)', '$(NAME)']);
  assert.deepEqual(cfg.env, ['NAME=web']);
  assert.equal(cfg.nanoCpus, 1_500_000_000);
  assert.equal(cfg.memoryBytes, 128 * 1024 * 1024);
  assert.equal(cfg.cpuShares, 256);
  assert.equal(cfg.user, '2000:3000');
  assert.equal(cfg.readOnlyRootfs, true);
  assert.deepEqual(cfg.capDrop, ['ALL']);
  assert.equal(cfg.gracePeriodSeconds, 7);
  assert.equal(cfg.restartCount, 2);
  assert.equal(cfg.tty, true);
});

void test('no command/args keeps the image entrypoint and cmd; best-effort gets 2 shares', () => {
  const cfg = buildContainerConfig({ pod: { ...pod, spec: { containers: [] } }, container: { name: 'c', image: 'i' }, kind: 'init', restartCount: 0, sandboxId: 'sb', env: new Map(), mounts: [] });
  assert.equal(cfg.entrypoint, undefined);
  assert.equal(cfg.cmd, undefined);
  assert.equal(cfg.cpuShares, 2);
  assert.equal(cfg.user, undefined);
  assert.equal(milliCpuToShares(1n), 2);
  assert.equal(milliCpuToShares(1000n), 1024);
});

void test('the container hash ignores resources and key order', () => {
  const a = containerHash({ name: 'c', image: 'i:1', args: ['x'], resources: { limits: { cpu: '1' } } });
  const b = containerHash({ args: ['x'], image: 'i:1', name: 'c' });
  assert.equal(a, b);
  assert.notEqual(a, containerHash({ name: 'c', image: 'i:2', args: ['x'] }));
});
