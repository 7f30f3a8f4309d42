/**
 * The one table of controllers the controller-manager can run, with kube-controller-manager's names (and the
 * older short names) for --controllers.
 */
import { ConfigError } from '../../common/config.js';
import type { ControllerDescriptor } from './context.js';
import { newCronJobController } from './cronjob/controller.js';
import { newDeploymentController } from './deployment/controller.js';
import { newEndpointsController } from './endpoints/controller.js';
import { newEndpointSliceController } from './endpointslice/controller.js';
import { newGarbageCollector } from './garbagecollector/controller.js';
import { newJobController } from './job/controller.js';
import { newNamespaceController } from './namespace/controller.js';
import { newNodeLifecycleController } from './nodelifecycle/controller.js';
import { newReplicaSetController } from './replicaset/controller.js';
import { newTaintEvictionController } from './tainteviction/controller.js';
import { newTtlAfterFinishedController } from './ttlafterfinished/controller.js';
import { newServiceLBController } from './servicelb/controller.js';

export const CONTROLLERS: readonly ControllerDescriptor[] = [
  { name: 'namespace-controller', aliases: ['namespace'], init: newNamespaceController },
  { name: 'garbage-collector-controller', aliases: ['garbagecollector'], init: newGarbageCollector },
  { name: 'replicaset-controller', aliases: ['replicaset'], init: newReplicaSetController },
  { name: 'deployment-controller', aliases: ['deployment'], init: newDeploymentController },
  { name: 'job-controller', aliases: ['job'], init: newJobController },
  { name: 'cronjob-controller', aliases: ['cronjob'], init: newCronJobController },
  { name: 'ttl-after-finished-controller', aliases: ['ttl-after-finished'], init: newTtlAfterFinishedController },
  { name: 'endpoints-controller', aliases: ['endpoint'], init: newEndpointsController },
  { name: 'endpointslice-controller', aliases: ['endpointslice'], init: newEndpointSliceController },
  { name: 'node-lifecycle-controller', aliases: ['nodelifecycle'], init: newNodeLifecycleController },
  { name: 'taint-eviction-controller', aliases: ['tainteviction'], init: newTaintEvictionController },
  { name: 'service-lb-controller', aliases: ['servicelb'], init: newServiceLBController },
];

/**
 * --controllers semantics (upstream): a list of names; `*` enables every controller, `foo` enables foo, `-foo`
 * disables foo. Returns the enabled descriptors in table order; throws on unknown names.
 */
export function selectControllers(spec: readonly string[], table: readonly ControllerDescriptor[] = CONTROLLERS): ControllerDescriptor[] {
  const byName = new Map<string, ControllerDescriptor>();
  for (const d of table) {
    byName.set(d.name, d);
    for (const a of d.aliases) byName.set(a, d);
  }
  const on = new Set<ControllerDescriptor>();
  const off = new Set<ControllerDescriptor>();
  let star = false;
  const unknown: string[] = [];
  for (const raw of spec) {
    const s = raw.trim();
    if (!s) continue;
    if (s === '*') {
      star = true;
      continue;
    }
    const neg = s.startsWith('-');
    const d = byName.get(neg ? s.slice(1) : s);
    if (!d) {
      unknown.push(s);
      continue;
    }
    (neg ? off : on).add(d);
  }
  if (unknown.length) throw new ConfigError(`unknown controller(s): ${unknown.join(', ')} (known: ${table.map((d) => d.name).join(', ')})`);
  return table.filter((d) => !off.has(d) && (star || on.has(d)));
}
