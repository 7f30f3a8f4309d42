import { performance } from 'node:perf_hooks';
import { deepCopy } from '../../api/object.js';

const POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'ref-0123456789', namespace: 'default', labels: { app: 'ref', 'pod-template-hash': 'abcdef' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'ref', uid: 'u', controller: true }] },
  spec: { containers: [{ name: 'c', image: 'busybox:latest', resources: {}, terminationMessagePath: '/dev/termination-log', imagePullPolicy: 'Always' }], restartPolicy: 'Always', dnsPolicy: 'ClusterFirst' },
  status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False' }] },
};

/**
 * How fast this machine runs plain JS right now: µs per unit of fixed work (a JSON round trip and a deep copy of
 * one pod), best of 5 rounds. The machines benchmarks run on change speed over minutes; this makes runs taken at
 * different times comparable (lower = faster).
 */
export function referenceWorkMicros(): number {
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    for (let i = 0; i < 2000; i++) deepCopy(JSON.parse(JSON.stringify(POD)) as unknown);
    best = Math.min(best, ((performance.now() - t0) * 1000) / 2000);
  }
  return best;
}
