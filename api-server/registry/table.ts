import { RESOURCES, type ResourceInfo } from '../../api/resources.js';
import { baseStrategy, type Strategy } from './strategy.js';
import { podStrategy } from './pods/strategy.js';
import { namespaceStrategy } from './namespaces/strategy.js';
import { nodeStrategy } from './nodes/strategy.js';
import { serviceStrategy, type ServiceNetworkConfig } from './services/strategy.js';
import { deploymentStrategy } from './deployments/strategy.js';
import { replicaSetStrategy } from './replicasets/strategy.js';
import { jobStrategy } from './jobs/strategy.js';
import { cronJobStrategy } from './cronjobs/strategy.js';
import {
  configMapStrategy,
  endpointSliceStrategy,
  endpointsStrategy,
  eventStrategy,
  leaseStrategy,
  secretStrategy,
  serviceAccountStrategy,
} from './core/strategies.js';
import { coreToEventsV1, eventsV1ToCore } from './events/convert.js';

/** The one table that maps each served resource to its strategy. Adding a resource = a row here. */
export function strategyTable(net?: ServiceNetworkConfig): Map<ResourceInfo, Strategy> {
  const byName: Record<string, Strategy> = {
    '/namespaces': namespaceStrategy,
    '/pods': podStrategy,
    '/nodes': nodeStrategy,
    '/services': serviceStrategy(net),
    '/endpoints': endpointsStrategy,
    '/configmaps': configMapStrategy,
    '/secrets': secretStrategy,
    '/events': eventStrategy,
    '/serviceaccounts': serviceAccountStrategy,
    'apps/deployments': deploymentStrategy,
    'apps/replicasets': replicaSetStrategy,
    'batch/jobs': jobStrategy,
    'batch/cronjobs': cronJobStrategy,
    'coordination.k8s.io/leases': leaseStrategy,
    'discovery.k8s.io/endpointslices': endpointSliceStrategy,
    // same storage as core events; validated in the core shape after conversion
    'events.k8s.io/events': { ...eventStrategy, toStorage: eventsV1ToCore, fromStorage: coreToEventsV1 },
  };
  const table = new Map<ResourceInfo, Strategy>();
  for (const r of RESOURCES) {
    table.set(r, byName[`${r.group}/${r.resource}`] ?? baseStrategy(r));
  }
  return table;
}
