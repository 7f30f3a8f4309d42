import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HostPortInfo } from '../../cache/host-ports.js';
import { CycleState } from '../../framework/types.js';
import { nodeInfoOf, podInfoOf } from '../../testing.js';
import { ERR_REASON, fits, nodePortsPlugin, portsConflict } from './node-ports.js';

describe('NodePorts', () => {
  it('detects conflicts by protocol, port and overlapping host IP', () => {
    const used = new HostPortInfo();
    used.add({ hostIP: '10.0.0.1', protocol: 'TCP', hostPort: 80 });
    assert.equal(fits([{ hostIP: '10.0.0.1', protocol: 'TCP', hostPort: 80 }], used), false);
    assert.equal(fits([{ hostIP: '10.0.0.2', protocol: 'TCP', hostPort: 80 }], used), true, 'other IP');
    assert.equal(fits([{ hostIP: '0.0.0.0', protocol: 'TCP', hostPort: 80 }], used), false, 'wildcard conflicts with any IP');
    assert.equal(fits([{ hostIP: '10.0.0.1', protocol: 'UDP', hostPort: 80 }], used), true, 'other protocol');
    used.add({ hostIP: '0.0.0.0', protocol: 'TCP', hostPort: 443 });
    assert.equal(fits([{ hostIP: '10.0.0.9', protocol: 'TCP', hostPort: 443 }], used), false, 'a wildcard in use blocks every IP');
    used.remove({ hostIP: '0.0.0.0', protocol: 'TCP', hostPort: 443 });
    assert.equal(fits([{ hostIP: '10.0.0.9', protocol: 'TCP', hostPort: 443 }], used), true);
  });

  it('filters nodes whose pods hold the port (bound or assumed), skips pods without host ports', () => {
    const plugin = nodePortsPlugin();
    const holder = podInfoOf('holder', { hostPort: 8080 });
    const want = podInfoOf('want', { hostPort: 8080 });
    const state = new CycleState();
    assert.equal(plugin.preFilter!(state, want), undefined);
    assert.deepEqual(plugin.filter!(state, want, nodeInfoOf('busy', {}, [holder])), { code: 'Unschedulable', reasons: [ERR_REASON] });
    assert.equal(plugin.filter!(state, want, nodeInfoOf('free')), undefined);
    assert.equal(plugin.preFilter!(new CycleState(), podInfoOf('none'))?.code, 'Skip');
  });

  it('requeues on deletion of a pod holding a conflicting port only', () => {
    const want = podInfoOf('want', { hostPort: 8080 });
    assert.equal(portsConflict(want.pod, podInfoOf('x', { hostPort: 8080 }).pod), true);
    assert.equal(portsConflict(want.pod, podInfoOf('y', { hostPort: 9090 }).pod), false);
    const reg = nodePortsPlugin().eventsToRegister!()[0];
    if (reg.resource === 'Node' || !reg.hint) throw new Error('expected a pod hint');
    assert.equal(reg.hint(want, podInfoOf('x', { hostPort: 8080 }).pod, undefined), 'Queue');
    assert.equal(reg.hint(want, podInfoOf('y', { hostPort: 9090 }).pod, undefined), 'QueueSkip');
  });
});
