import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from 'kubernetes-types/core/v1.js';
import { defaultService } from '../defaults/core.js';
import { validateService, validateServiceUpdate } from './service.js';
import { msgs } from './testutil.js';

function svc(mut: (s: Service) => void = () => {}): Service {
  const s: Service = { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } };
  mut(s);
  defaultService(s);
  return s;
}

describe('validateService', () => {
  it('accepts a defaulted service', () => assert.deepEqual(validateService(svc()), []));
  it('name is a DNS-1035 label (Svc-1, 1svc)', () => {
    const msg =
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
    assert.deepEqual(msgs(validateService(svc((s) => (s.metadata!.name = 'Svc-1')))), [`metadata.name: Invalid value: "Svc-1": ${msg}`]);
    assert.deepEqual(msgs(validateService(svc((s) => (s.metadata!.name = '1svc')))), [`metadata.name: Invalid value: "1svc": ${msg}`]);
  });
  it('ports required unless headless', () => {
    assert.deepEqual(msgs(validateService(svc((s) => (s.spec!.ports = [])))), ['spec.ports: Required value']);
    assert.deepEqual(validateService(svc((s) => {
      s.spec!.ports = [];
      s.spec!.clusterIP = 'None';
    })), []);
  });
  it('port range, names, protocol, targetPort', () => {
    const e = msgs(
      validateService(
        svc((s) => {
          s.spec!.ports = [
            { port: 0, name: 'a' },
            { port: 65536, name: 'b' },
            { port: 81 },
            { port: 82, name: 'a', protocol: 'ICMP' },
            { port: 83, name: 'c', targetPort: 'http--x' },
          ];
        }),
      ),
    );
    assert.deepEqual(e, [
      'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ports[1].port: Invalid value: 65536: must be between 1 and 65535, inclusive',
      'spec.ports[1].targetPort: Invalid value: 65536: must be between 1 and 65535, inclusive',
      'spec.ports[2].name: Required value',
      'spec.ports[3].name: Duplicate value: "a"',
      'spec.ports[3].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
      'spec.ports[4].targetPort: Invalid value: "http--x": must not contain consecutive hyphens',
    ]);
  });
  it('duplicate port/protocol pairs', () => {
    assert.deepEqual(msgs(validateService(svc((s) => (s.spec!.ports = [{ port: 80, name: 'a' }, { port: 80, name: 'b' }])))), [
      'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
    ]);
  });
  it('nodePort forbidden for ClusterIP', () => {
    assert.deepEqual(msgs(validateService(svc((s) => (s.spec!.ports = [{ port: 80, nodePort: 30080 }])))), [
      "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
    ]);
    assert.deepEqual(validateService(svc((s) => {
      s.spec!.type = 'NodePort';
      s.spec!.ports = [{ port: 80, nodePort: 30080 }];
    })), []);
  });
  it('type and sessionAffinity values', () => {
    const e = msgs(validateService(svc((s) => {
      s.spec!.type = 'Magic';
      s.spec!.sessionAffinity = 'Sticky';
    })));
    assert.ok(e.includes('spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'));
    assert.ok(e.includes('spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"'));
  });
  it('selector label syntax', () => {
    assert.match(msgs(validateService(svc((s) => (s.spec!.selector = { app: 'a b' }))))[0], /^spec.selector: Invalid value: "a b": a valid label must be/);
  });
  it('ExternalName', () => {
    assert.deepEqual(validateService(svc((s) => {
      s.spec = { type: 'ExternalName', externalName: 'example.com.' };
    })), []);
    assert.deepEqual(msgs(validateService(svc((s) => (s.spec = { type: 'ExternalName' })))), ['spec.externalName: Required value']);
  });
  it('externalTrafficPolicy only for external services', () => {
    assert.deepEqual(msgs(validateService(svc((s) => (s.spec!.externalTrafficPolicy = 'Local')))), [
      'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services',
    ]);
  });
});

describe('validateServiceUpdate', () => {
  it('cluster IP may not change', () => {
    const old = svc((s) => {
      s.spec!.clusterIP = '10.96.0.10';
      s.spec!.clusterIPs = ['10.96.0.10'];
    });
    const n = structuredClone(old);
    n.spec!.clusterIP = '10.96.0.11';
    n.spec!.clusterIPs = ['10.96.0.11'];
    assert.deepEqual(msgs(validateServiceUpdate(n, old)), ['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set']);
    const ok = structuredClone(old);
    ok.spec!.ports = [{ port: 8080, protocol: 'TCP', targetPort: 8080 }];
    assert.deepEqual(validateServiceUpdate(ok, old), []);
  });
});
