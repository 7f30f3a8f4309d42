import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { applyDefaults, defaultDeployment, defaultNamespace, defaultPod, defaultSecret, defaultService, imageTag } from './index.js';

describe('defaultPod', () => {
  it('matches an upstream-defaulted pod', () => {
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default' },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'nginx',
            ports: [{ containerPort: 80 }],
            resources: { limits: { cpu: '0.5', memory: '1.5Gi' } },
            readinessProbe: { httpGet: { port: 80 } },
            env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          },
        ],
        volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }, { name: 'scratch' }],
      },
    };
    defaultPod(pod);
    assert.deepEqual(pod.spec, {
      containers: [
        {
          name: 'web',
          image: 'nginx',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          resources: { limits: { cpu: '500m', memory: '1536Mi' }, requests: { cpu: '500m', memory: '1536Mi' } },
          readinessProbe: { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
          env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name', apiVersion: 'v1' } } }],
          imagePullPolicy: 'Always',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      volumes: [
        { name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } },
        { name: 'scratch', emptyDir: {} },
      ],
      enableServiceLinks: true,
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
      priority: 0,
      preemptionPolicy: 'PreemptLowerPriority',
    });
  });
  it('imagePullPolicy from the tag', () => {
    const cases: [string, string][] = [
      ['nginx', 'Always'],
      ['nginx:latest', 'Always'],
      ['nginx:1.25', 'IfNotPresent'],
      ['localhost:5000/app', 'Always'],
      ['localhost:5000/app:v1', 'IfNotPresent'],
      ['busybox@sha256:abc', 'IfNotPresent'],
    ];
    for (const [image, policy] of cases) {
      const p: Pod = { spec: { containers: [{ name: 'c', image }] } };
      defaultPod(p);
      assert.equal(p.spec!.containers[0].imagePullPolicy, policy, image);
    }
    assert.equal(imageTag('a/b:c@sha256:x'), 'c');
  });
  it('keeps explicit values; rounds resource quantities to milli', () => {
    const p: Pod = {
      spec: {
        restartPolicy: 'Never',
        terminationGracePeriodSeconds: 0,
        containers: [{ name: 'c', image: 'x', imagePullPolicy: 'Never', resources: { requests: { cpu: '0.1m' } } }],
        initContainers: [{ name: 'i', image: 'x:1' }],
        hostNetwork: true,
      },
    };
    p.spec!.containers[0].ports = [{ containerPort: 8080 }];
    defaultPod(p);
    assert.equal(p.spec!.restartPolicy, 'Never');
    assert.equal(p.spec!.terminationGracePeriodSeconds, 0);
    assert.equal(p.spec!.containers[0].imagePullPolicy, 'Never');
    assert.equal(p.spec!.containers[0].resources!.requests!.cpu, '1m');
    assert.equal(p.spec!.containers[0].ports[0].hostPort, 8080);
    assert.equal(p.spec!.initContainers![0].imagePullPolicy, 'IfNotPresent');
  });
});

describe('defaultDeployment', () => {
  it('matches upstream defaults (and does not touch template-only pod fields)', () => {
    const d: Deployment = {
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1', resources: { limits: { cpu: '1' } } }] } },
      },
    };
    defaultDeployment(d);
    assert.equal(d.spec!.replicas, 1);
    assert.deepEqual(d.spec!.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    assert.equal(d.spec!.revisionHistoryLimit, 10);
    assert.equal(d.spec!.progressDeadlineSeconds, 600);
    const ps = d.spec!.template.spec!;
    assert.equal(ps.restartPolicy, 'Always');
    assert.equal(ps.terminationGracePeriodSeconds, 30);
    assert.equal(ps.containers[0].imagePullPolicy, 'IfNotPresent');
    assert.equal(ps.enableServiceLinks, undefined);
    assert.equal(ps.priority, undefined);
    assert.equal(ps.containers[0].resources!.requests, undefined);
  });
  it('Recreate gets no rollingUpdate; replicas 0 stays 0', () => {
    const d: Deployment = { spec: { replicas: 0, strategy: { type: 'Recreate' }, selector: {}, template: {} } };
    defaultDeployment(d);
    assert.deepEqual(d.spec!.strategy, { type: 'Recreate' });
    assert.equal(d.spec!.replicas, 0);
  });
});

describe('defaultService and others', () => {
  it('ClusterIP service', () => {
    const s: Service = { spec: { selector: { app: 'web' }, ports: [{ port: 80 }, { port: 443, targetPort: 'https', protocol: 'TCP' }] } };
    defaultService(s);
    assert.deepEqual(s.spec, {
      selector: { app: 'web' },
      ports: [
        { port: 80, protocol: 'TCP', targetPort: 80 },
        { port: 443, targetPort: 'https', protocol: 'TCP' },
      ],
      sessionAffinity: 'None',
      type: 'ClusterIP',
      internalTrafficPolicy: 'Cluster',
      ipFamilyPolicy: 'SingleStack',
      ipFamilies: ['IPv4'],
    });
  });
  it('NodePort / LoadBalancer / ExternalName', () => {
    const np: Service = { spec: { type: 'NodePort', ports: [{ port: 80 }] } };
    defaultService(np);
    assert.equal(np.spec!.externalTrafficPolicy, 'Cluster');
    const lb: Service = { spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } };
    defaultService(lb);
    assert.equal(lb.spec!.allocateLoadBalancerNodePorts, true);
    const en: Service = { spec: { type: 'ExternalName', externalName: 'example.com' } };
    defaultService(en);
    assert.equal(en.spec!.internalTrafficPolicy, undefined);
    assert.equal(en.spec!.ipFamilies, undefined);
  });
  it('namespace, secret, applyDefaults', () => {
    const ns = { metadata: { name: 'team' } };
    defaultNamespace(ns);
    assert.deepEqual(ns, { metadata: { name: 'team', labels: { 'kubernetes.io/metadata.name': 'team' } }, status: { phase: 'Active' } });
    const sec = { metadata: { name: 's' }, stringData: { user: 'admin' } };
    defaultSecret(sec);
    assert.deepEqual(sec, { metadata: { name: 's' }, type: 'Opaque', data: { user: 'YWRtaW4=' } });
    const rs = { kind: 'ReplicaSet', spec: { selector: {} } } as Record<string, unknown>;
    applyDefaults('replicasets', rs);
    assert.equal((rs.spec as { replicas: number }).replicas, 1);
    const ss = { spec: { selector: {}, template: {} } } as Record<string, unknown>;
    applyDefaults('statefulsets', ss);
    assert.deepEqual((ss.spec as Record<string, unknown>).updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    const ds = { spec: { selector: {}, template: {} } } as Record<string, unknown>;
    applyDefaults('daemonsets', ds);
    assert.deepEqual((ds.spec as Record<string, unknown>).updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    const node = { status: { capacity: { cpu: '2', memory: '4096Mi' } } } as Record<string, unknown>;
    applyDefaults('nodes', node);
    assert.deepEqual(node.status, { capacity: { cpu: '2', memory: '4Gi' }, allocatable: { cpu: '2', memory: '4Gi' } });
    const es = { addressType: 'IPv4', endpoints: [], ports: [{ port: 80 }] } as Record<string, unknown>;
    applyDefaults('endpointslices', es);
    assert.deepEqual(es.ports, [{ port: 80, name: '', protocol: 'TCP' }]);
    applyDefaults('unknownthings', { metadata: {} });
  });
});
