import { ApiError } from '../api/errors.js';
import type { Logger } from '../common/logger.js';
import type { GenericStore } from './registry/store.js';
import { ipv4Range } from './registry/services/allocator.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * Creates what every cluster has at start: the system namespaces and the `kubernetes` Service, whose
 * ClusterIP is the first address of the service range (10.96.0.1 for 10.96.0.0/12), as upstream.
 */
export async function bootstrap(
  stores: { namespaces: GenericStore; services: GenericStore },
  apiPort: number,
  log: Logger,
  serviceCIDR = '10.96.0.0/12',
): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) {
    await ensure(
      () => stores.namespaces.get(undefined, name),
      () => stores.namespaces.create(undefined, { metadata: { name } }, { dryRun: false }),
    );
  }
  await ensure(
    () => stores.services.get('default', 'kubernetes'),
    () =>
    stores.services.create(
      'default',
      {
        metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
        spec: { type: 'ClusterIP', clusterIP: ipv4Range(serviceCIDR).at(0), ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: apiPort }], sessionAffinity: 'None' },
      },
      { dryRun: false },
    ),
  );
  log.debug('bootstrap objects ensured');
}

async function ensure(exists: () => Promise<unknown>, create: () => Promise<unknown>): Promise<void> {
  try {
    await exists();
    return;
  } catch (e) {
    if (!(e instanceof ApiError && e.reason === 'NotFound')) throw e;
  }
  try {
    await create();
  } catch (e) {
    if (e instanceof ApiError && e.reason === 'AlreadyExists') return;
    throw e;
  }
}
