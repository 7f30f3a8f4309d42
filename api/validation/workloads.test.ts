import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from '../defaults/apps.js';
import { ApiError } from '../errors.js';
import {
  validateDaemonSet,
  validateDeployment,
  validateDeploymentUpdate,
  validateReplicaSet,
  validateReplicaSetUpdate,
  validateStatefulSet,
  validateStatefulSetUpdate,
} from './workloads.js';
import { msgs } from './testutil.js';

function deploy(mut: (d: Deployment) => void = () => {}, defaults = true): Deployment {
  const d: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'u', resourceVersion: '1' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  };
  mut(d);
  if (defaults) defaultDeployment(d);
  return d;
}

describe('validateDeployment', () => {
  it('accepts a defaulted deployment', () => assert.deepEqual(msgs(validateDeployment(deploy())), []));
  it('replicas ≥ 0, with the 422 text kubectl shows', () => {
    const errs = validateDeployment(deploy((d) => (d.spec!.replicas = -1)));
    assert.deepEqual(msgs(errs), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']);
    assert.equal(
      ApiError.invalid('Deployment', 'apps', 'web', errs).message,
      'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    );
  });
  it('selector must match template labels', () => {
    assert.deepEqual(msgs(validateDeployment(deploy((d) => (d.spec!.template.metadata!.labels = { app: 'db', tier: 'x' })))), [
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"db", "tier":"x"}: `selector` does not match template `labels`',
    ]);
  });
  it('selector required', () => {
    const e = msgs(validateDeployment(deploy((d) => delete (d.spec as { selector?: unknown }).selector)));
    assert.deepEqual(e, [
      'spec.selector: Required value',
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    ]);
  });
  it('empty selector invalid', () => {
    assert.deepEqual(msgs(validateDeployment(deploy((d) => (d.spec!.selector = {})))), [
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
    ]);
  });
  it('strategy', () => {
    assert.deepEqual(msgs(validateDeployment(deploy((d) => (d.spec!.strategy = { type: 'BlueGreen' })))), [
      'spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"',
    ]);
    assert.deepEqual(msgs(validateDeployment(deploy((d) => (d.spec!.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } })))), [
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0',
    ]);
    assert.deepEqual(msgs(validateDeployment(deploy((d) => (d.spec!.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '0%', maxUnavailable: '0%' } })))), [
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"0%"}: may not be 0 when `maxSurge` is 0',
    ]);
    assert.deepEqual(msgs(validateDeployment(deploy((d) => (d.spec!.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '120%' } })))), [
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"120%"}: must not be greater than 100%',
    ]);
    assert.deepEqual(msgs(validateDeployment(deploy((d) => (d.spec!.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 'x' } })))), [
      `spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"x"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`,
    ]);
    assert.deepEqual(msgs(validateDeployment(deploy((d) => (d.spec!.strategy = { type: 'Recreate', rollingUpdate: {} })))), [
      "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
    ]);
  });
  it('history, deadlines', () => {
    assert.deepEqual(
      msgs(
        validateDeployment(
          deploy((d) => {
            d.spec!.revisionHistoryLimit = -1;
            d.spec!.minReadySeconds = 10;
            d.spec!.progressDeadlineSeconds = 5;
          }),
        ),
      ),
      [
        'spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0',
        'spec.progressDeadlineSeconds: Invalid value: 5: must be greater than minReadySeconds',
      ],
    );
  });
  it('template restartPolicy must be Always; template spec paths', () => {
    const e = msgs(
      validateDeployment(
        deploy((d) => {
          d.spec!.template.spec!.restartPolicy = 'Never';
          d.spec!.template.spec!.containers.push({ name: 'c', image: 'x' });
        }),
      ),
    );
    assert.deepEqual(e, [
      'spec.template.spec.containers[1].name: Duplicate value: "c"',
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ]);
  });
  it('invalid name', () => {
    assert.match(msgs(validateDeployment(deploy((d) => (d.metadata!.name = 'Web'))))[0], /^metadata.name: Invalid value: "Web": a lowercase RFC 1123 subdomain/);
  });
});

describe('validateDeploymentUpdate', () => {
  it('selector is immutable', () => {
    const old = deploy();
    const n = deploy((d) => {
      d.spec!.selector = { matchLabels: { app: 'web2' } };
      d.spec!.template.metadata!.labels = { app: 'web2' };
    });
    assert.deepEqual(msgs(validateDeploymentUpdate(n, old)), [
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
  });
  it('allows scaling and template changes', () => {
    const old = deploy();
    const n = deploy((d) => {
      d.spec!.replicas = 5;
      d.spec!.template.spec!.containers[0].image = 'nginx:2';
    });
    assert.deepEqual(validateDeploymentUpdate(n, old), []);
  });
});

describe('ReplicaSet / StatefulSet / DaemonSet', () => {
  const rs = (): ReplicaSet => {
    const r: ReplicaSet = {
      metadata: { name: 'web-1', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
    };
    defaultReplicaSet(r);
    return r;
  };
  it('replicaset', () => {
    assert.deepEqual(validateReplicaSet(rs()), []);
    const bad = rs();
    bad.spec!.replicas = -2;
    assert.deepEqual(msgs(validateReplicaSet(bad)), ['spec.replicas: Invalid value: -2: must be greater than or equal to 0']);
    const moved = rs();
    moved.spec!.selector = { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] };
    assert.deepEqual(msgs(validateReplicaSetUpdate(moved, rs())), [
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", Operator:"In", Values:[]string{"web"}}}}: field is immutable',
    ]);
  });
  it('statefulset', () => {
    const ss: StatefulSet = {
      metadata: { name: 'db', namespace: 'default' },
      spec: { serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
    };
    defaultStatefulSet(ss);
    assert.deepEqual(validateStatefulSet(ss), []);
    const n = structuredClone(ss);
    n.spec!.serviceName = 'other';
    assert.match(msgs(validateStatefulSetUpdate(n, ss))[0], /^spec: Forbidden: updates to statefulset spec for fields other than 'replicas'/);
    const scaled = structuredClone(ss);
    scaled.spec!.replicas = 3;
    assert.deepEqual(validateStatefulSetUpdate(scaled, ss), []);
  });
  it('daemonset', () => {
    const ds: DaemonSet = {
      metadata: { name: 'agent', namespace: 'kube-system' },
      spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
    };
    defaultDaemonSet(ds);
    assert.deepEqual(validateDaemonSet(ds), []);
    ds.spec!.updateStrategy = { type: 'Sometimes' };
    assert.deepEqual(msgs(validateDaemonSet(ds)), ['spec.updateStrategy.type: Unsupported value: "Sometimes": supported values: "OnDelete", "RollingUpdate"']);
  });
});
