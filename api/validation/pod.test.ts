import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { defaultPod } from '../defaults/pod.js';
import { validatePod, validatePodUpdate, validatePodSpec } from './pod.js';
import { msgs } from './testutil.js';

function pod(containers: Container[], extra: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  const p: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers, ...extra } };
  defaultPod(p);
  return p;
}

function errsOf(p: Pod): string[] {
  return msgs(validatePod(p));
}

describe('validatePod', () => {
  it('accepts a defaulted minimal pod', () => assert.deepEqual(errsOf(pod([{ name: 'c', image: 'nginx' }])), []));
  it('containers required', () => assert.deepEqual(errsOf(pod([])), ['spec.containers: Required value']));
  it('container name required / format / duplicate', () => {
    assert.deepEqual(errsOf(pod([{ name: '', image: 'x' }])), ['spec.containers[0].name: Required value']);
    assert.deepEqual(errsOf(pod([{ name: 'Web', image: 'x' }])), [
      `spec.containers[0].name: Invalid value: "Web": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    ]);
    assert.deepEqual(errsOf(pod([{ name: 'c', image: 'x' }, { name: 'c', image: 'y' }])), ['spec.containers[1].name: Duplicate value: "c"']);
  });
  it('image required', () => assert.deepEqual(errsOf(pod([{ name: 'c' }])), ['spec.containers[0].image: Required value']));
  it('ports', () => {
    const p = pod([
      {
        name: 'c',
        image: 'x',
        ports: [
          { containerPort: 0 },
          { containerPort: 65536 },
          { containerPort: 80, name: 'http--x' },
          { containerPort: 81, protocol: 'ICMP' },
          { containerPort: 82, hostPort: 70000 },
          { containerPort: 83, name: 'web' },
          { containerPort: 84, name: 'web' },
        ],
      },
    ]);
    assert.deepEqual(errsOf(p), [
      'spec.containers[0].ports[0].containerPort: Required value',
      'spec.containers[0].ports[1].containerPort: Invalid value: 65536: must be between 1 and 65535, inclusive',
      'spec.containers[0].ports[2].name: Invalid value: "http--x": must not contain consecutive hyphens',
      'spec.containers[0].ports[3].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
      'spec.containers[0].ports[4].hostPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.containers[0].ports[6].name: Duplicate value: "web"',
    ]);
  });
  it('duplicate host ports across containers', () => {
    const p = pod([
      { name: 'a', image: 'x', ports: [{ containerPort: 80, hostPort: 8080 }] },
      { name: 'b', image: 'x', ports: [{ containerPort: 81, hostPort: 8080 }] },
    ]);
    assert.deepEqual(errsOf(p), ['spec.containers[1].ports[0].hostPort: Duplicate value: "/TCP/8080"']);
  });
  it('env var names and valueFrom', () => {
    const p = pod([
      {
        name: 'c',
        image: 'x',
        env: [{ name: 'OK', value: '1' }, { name: '1BAD' }, { name: 'X', valueFrom: {} }, { name: 'Y', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } }],
      },
    ]);
    const e = errsOf(p);
    assert.equal(e.length, 2);
    assert.match(e[0], /^spec.containers\[0\].env\[1\].name: Invalid value: "1BAD": a valid environment variable name must consist of/);
    assert.equal(e[1], 'spec.containers[0].env[2].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`');
  });
  it('resources: quantities, negative, requests ≤ limits', () => {
    const p = pod([
      { name: 'a', image: 'x', resources: { requests: { cpu: '-1' } } },
      { name: 'b', image: 'x', resources: { limits: { cpu: '1' }, requests: { cpu: '2' } } },
      { name: 'c', image: 'x', resources: { requests: { memory: '1Gix' } } },
      { name: 'd', image: 'x', resources: { requests: { cpu: '500m', memory: '1.5Gi' }, limits: { cpu: '1', memory: '2Gi' } } },
      { name: 'e', image: 'x', resources: { requests: { gpu: '1' } } },
    ]);
    assert.deepEqual(errsOf(p), [
      'spec.containers[0].resources.requests[cpu]: Invalid value: "-1": must be greater than or equal to 0',
      'spec.containers[1].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
      `spec.containers[2].resources.requests[memory]: Invalid value: "1Gix": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
      'spec.containers[4].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for containers',
    ]);
  });
  it('extended resources must be integers and equal to limits', () => {
    const p = pod([{ name: 'a', image: 'x', resources: { limits: { 'example.com/gpu': '1' }, requests: { 'example.com/gpu': '500m' } } }]);
    assert.deepEqual(errsOf(p), [
      'spec.containers[0].resources.requests[example.com/gpu]: Invalid value: "500m": must be an integer',
      'spec.containers[0].resources.requests: Invalid value: "500m": must be equal to example.com/gpu limit of 1',
    ]);
  });
  it('restartPolicy and dnsPolicy values', () => {
    assert.deepEqual(errsOf(pod([{ name: 'c', image: 'x' }], { restartPolicy: 'Sometimes', dnsPolicy: 'Foo' })), [
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      'spec.dnsPolicy: Unsupported value: "Foo": supported values: "ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"',
    ]);
  });
  it('volumes and mounts', () => {
    const p = pod(
      [{ name: 'c', image: 'x', volumeMounts: [{ name: 'data', mountPath: '/d' }, { name: 'nope', mountPath: '/d' }] }],
      {
        volumes: [
          { name: 'data', emptyDir: {} },
          { name: 'data', emptyDir: {} },
          { name: 'two', emptyDir: {}, hostPath: { path: '/x' } },
          { name: 'cm', configMap: {} },
        ],
      },
    );
    assert.deepEqual(errsOf(p), [
      'spec.volumes[1].name: Duplicate value: "data"',
      'spec.volumes[2].hostPath: Forbidden: may not specify more than 1 volume type',
      'spec.volumes[3].configMap.name: Required value',
      'spec.containers[0].volumeMounts[1].name: Not found: "nope"',
      'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/d": must be unique',
    ]);
  });
  it('probes', () => {
    const p = pod([
      {
        name: 'c',
        image: 'x',
        livenessProbe: { successThreshold: 2, httpGet: { port: 'http--x' } },
        readinessProbe: { periodSeconds: -1, tcpSocket: { port: 8080 } },
        startupProbe: { exec: { command: [] } },
      },
    ]);
    assert.deepEqual(errsOf(p), [
      'spec.containers[0].livenessProbe.httpGet.port: Invalid value: "http--x": must not contain consecutive hyphens',
      'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
      'spec.containers[0].readinessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0',
      'spec.containers[0].startupProbe.exec.command: Required value',
    ]);
    assert.deepEqual(errsOf(pod([{ name: 'c', image: 'x', readinessProbe: {} }])), ['spec.containers[0].readinessProbe: Required value: must specify a handler type']);
  });
  it('tolerations, nodeSelector, grace period', () => {
    const p = pod([{ name: 'c', image: 'x' }], {
      tolerations: [{ operator: 'Equal', value: 'x' }, { key: 'k', operator: 'Maybe' }, { key: 'k', effect: 'Sometimes' }, { key: 'k', tolerationSeconds: 5, effect: 'NoSchedule' }],
      nodeSelector: { 'bad key': 'v' },
      terminationGracePeriodSeconds: -1,
    });
    const e = errsOf(p);
    assert.deepEqual(e.filter((m) => m.startsWith('spec.tolerations')), [
      'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
      'spec.tolerations[1].operator: Unsupported value: "Maybe": supported values: "Equal", "Exists"',
      'spec.tolerations[2].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
      "spec.tolerations[3].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
    ]);
    assert.ok(e.some((m) => m.startsWith('spec.nodeSelector: Invalid value: "bad key": name part must consist')));
    assert.ok(e.includes('spec.terminationGracePeriodSeconds: Invalid value: -1: must be greater than or equal to 0'));
  });
  it('undefaulted specs report required policy fields', () => {
    assert.deepEqual(msgs(validatePodSpec({ containers: [{ name: 'c', image: 'x' }] })), [
      'spec.containers[0].terminationMessagePolicy: Required value',
      'spec.containers[0].imagePullPolicy: Required value',
      'spec.restartPolicy: Required value',
      'spec.dnsPolicy: Required value',
    ]);
  });
  it('dnsPolicy None needs dnsConfig with a nameserver; dnsConfig lists are checked', () => {
    const c = [{ name: 'c', image: 'x' }];
    assert.deepEqual(errsOf(pod(c, { dnsPolicy: 'None' })), ['spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None']);
    assert.deepEqual(errsOf(pod(c, { dnsPolicy: 'None', dnsConfig: { searches: ['a.example'] } })), [
      'spec.dnsConfig.nameservers: Required value: must provide at least one DNS nameserver when `dnsPolicy` is None',
    ]);
    assert.deepEqual(errsOf(pod(c, { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.2.3.4'], searches: ['a.example.'], options: [{ name: 'ndots', value: '2' }] } })), []);
    assert.deepEqual(errsOf(pod(c, { dnsConfig: { nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3', 'nope'], searches: ['Bad_Domain'], options: [{ name: '' }] } })), [
      'spec.dnsConfig.nameservers: Invalid value: []string{"1.1.1.1", "2.2.2.2", "3.3.3.3", "nope"}: must not have more than 3 nameservers',
      'spec.dnsConfig.nameservers[3]: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      `spec.dnsConfig.searches[0]: Invalid value: "Bad_Domain": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      'spec.dnsConfig.options[0]: Required value: must not be empty',
    ]);
  });
});

describe('validatePodUpdate', () => {
  const old = pod([{ name: 'c', image: 'nginx:1', ports: [{ containerPort: 80 }] }], { tolerations: [{ key: 'a', operator: 'Exists' }] });
  old.metadata = { name: 'p', namespace: 'default', uid: 'u', resourceVersion: '1' };
  it('allows image changes and added tolerations', () => {
    const n = structuredClone(old);
    n.spec!.containers[0].image = 'nginx:2';
    n.spec!.tolerations!.push({ key: 'b', operator: 'Exists' });
    n.spec!.activeDeadlineSeconds = 100;
    n.metadata!.labels = { x: 'y' };
    assert.deepEqual(validatePodUpdate(n, old), []);
  });
  it('rejects other spec changes', () => {
    const n = structuredClone(old);
    n.spec!.containers[0].ports![0].containerPort = 81;
    const e = msgs(validatePodUpdate(n, old));
    assert.equal(e.length, 1);
    assert.ok(
      e[0].startsWith(
        'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
      ),
    );
    assert.match(e[0], /spec\.containers\[0\]\.ports\[0\]\.containerPort/);
  });
  it('rejects adding containers, removing tolerations, raising activeDeadlineSeconds', () => {
    const n = structuredClone(old);
    n.spec!.containers.push({ name: 'd', image: 'x' });
    assert.deepEqual(msgs(validatePodUpdate(n, old)), ['spec.containers: Forbidden: pod updates may not add or remove containers']);
    const t = structuredClone(old);
    t.spec!.tolerations = [];
    assert.deepEqual(msgs(validatePodUpdate(t, old)), ['spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds']);
    const o2 = structuredClone(old);
    o2.spec!.activeDeadlineSeconds = 10;
    const a = structuredClone(o2);
    a.spec!.activeDeadlineSeconds = 20;
    assert.deepEqual(msgs(validatePodUpdate(a, o2)), ['spec.activeDeadlineSeconds: Invalid value: 20: must be less than or equal to previous value']);
  });
  it('image may not be emptied', () => {
    const n = structuredClone(old);
    n.spec!.containers[0].image = '';
    assert.ok(msgs(validatePodUpdate(n, old)).includes('spec.containers[0].image: Required value'));
  });
});
