import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Namespace, Service } from 'kubernetes-types/core/v1.js';
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { Lister } from '../client/lister.js';
import { Store } from '../client/store.js';
import { defaultSelector } from './cluster-view.js';
import { podInfoOf } from './testing.js';

function listers(services: Service[], replicaSets: ReplicaSet[]) {
  const svc = new Store<Service>();
  for (const s of services) svc.set(`${s.metadata?.namespace}/${s.metadata?.name}`, s);
  const rs = new Store<ReplicaSet>();
  for (const r of replicaSets) rs.set(`${r.metadata?.namespace}/${r.metadata?.name}`, r);
  return { namespaces: new Lister<Namespace>(new Store<Namespace>()), services: new Lister<Service>(svc), replicaSets: new Lister<ReplicaSet>(rs) };
}

describe('defaultSelector (helper.DefaultSelector)', () => {
  it('merges the selectors of Services selecting the pod and of its controlling ReplicaSet', () => {
    const l = listers(
      [
        { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' } } },
        { metadata: { name: 'other', namespace: 'default' }, spec: { selector: { app: 'db' } } },
        { metadata: { name: 'headless', namespace: 'default' }, spec: {} },
      ],
      [{ metadata: { name: 'web-abc', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web', hash: 'abc' } }, template: {} } }],
    );
    const pod = podInfoOf('web-abc-1', { labels: { app: 'web', hash: 'abc' } }, (p) => {
      p.metadata!.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'u', controller: true }];
    }).pod;
    assert.equal(defaultSelector(pod, l).toString(), 'app=web,app=web,hash=abc');
    const loose = podInfoOf('loose', { labels: { app: 'none' } }).pod;
    assert.equal(defaultSelector(loose, l).isEmpty(), true);
  });
});
