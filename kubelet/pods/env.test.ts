import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConfigMap, Container, Pod, Secret } from 'kubernetes-types/core/v1.js';
import { ContainerConfigError, expand, resolveEnv, resourceField, type EnvContext, type ObjectSource } from './env.js';

const cms: Record<string, ConfigMap> = {
  'default/cfg': { data: { MODE: 'fast', 'bad key': 'x', LEVEL: '3' } },
};
const secrets: Record<string, Secret> = {
  'default/creds': { data: { password: Buffer.from('s3cret').toString('base64') } },
};
const source: ObjectSource = {
  configMap: async (ns, name) => cms[`${ns}/${name}`],
  secret: async (ns, name) => secrets[`${ns}/${name}`],
};
const pod: Pod = {
  metadata: { name: 'web', namespace: 'default', uid: 'u-1', labels: { app: 'web', tier: 'fe' } },
  spec: { containers: [], serviceAccountName: 'default' },
};
const ctx: EnvContext = { pod, nodeName: 'node-1', hostIP: '10.0.0.1', podIPs: ['172.18.0.5'], allocatable: { cpu: '4', memory: '8Gi' } };

void test('$(VAR) expansion: known names, $$ escapes, unknown names stay', () => {
  const vars: Record<string, string> = { A: 'x', B: 'y' };
  const look = (n: string): string | undefined => vars[n];
  assert.equal(expand('$(A)-$(B)', look), 'x-y');
  assert.equal(expand('$$(A)', look), '$(A)');
  assert.equal(expand('$(NOPE) $A', look), '$(NOPE) $A');
  assert.equal(expand('tail $(', look), 'tail $(');
});

void test('envFrom with a prefix, then env with valueFrom and references to earlier variables', async () => {
  const c: Container = {
    name: 'c',
    envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'cfg' } }],
    env: [
      { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
      { name: 'NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'TIER', valueFrom: { fieldRef: { fieldPath: "metadata.labels['tier']" } } },
      { name: 'GREETING', value: 'hi $(NAME) in $(CFG_MODE) mode' },
      { name: 'OPT', valueFrom: { configMapKeyRef: { name: 'missing', key: 'x', optional: true } } },
    ],
  };
  const env = await resolveEnv(c, ctx, source);
  assert.deepEqual(Object.fromEntries(env), {
    CFG_MODE: 'fast',
    CFG_LEVEL: '3',
    PASSWORD: 's3cret',
    NAME: 'web',
    POD_IP: '172.18.0.5',
    NODE: 'node-1',
    TIER: 'fe',
    GREETING: 'hi web in fast mode',
  });
});

void test('missing ConfigMaps, Secrets and keys fail with upstream messages', async () => {
  const run = (c: Container): Promise<unknown> => resolveEnv(c, ctx, source);
  await assert.rejects(run({ name: 'c', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k' } } }] }), {
    name: 'ContainerConfigError',
    message: 'configmap "nope" not found',
  });
  await assert.rejects(run({ name: 'c', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } }] }), {
    message: "couldn't find key k in ConfigMap default/cfg",
  });
  await assert.rejects(run({ name: 'c', envFrom: [{ secretRef: { name: 'gone' } }] }), new ContainerConfigError('secret "gone" not found'));
});

void test('resourceFieldRef: divisor rounds up, no limit = node allocatable', () => {
  const c: Container = { name: 'c', resources: { limits: { cpu: '1500m', memory: '64Mi' }, requests: { cpu: '250m' } } };
  assert.equal(resourceField('limits.cpu', undefined, c, ctx), '2');
  assert.equal(resourceField('limits.cpu', '1m', c, ctx), '1500');
  assert.equal(resourceField('requests.cpu', '100m', c, ctx), '3');
  assert.equal(resourceField('limits.memory', '1Mi', c, ctx), '64');
  assert.equal(resourceField('limits.memory', '1Mi', { name: 'd' }, ctx), String(8 * 1024));
});
