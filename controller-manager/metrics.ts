/** Per-controller sync counters and latencies on the process's one registry. */
import { Counter, Histogram, type Registry } from 'prom-client';

export interface SyncMetrics {
  /** Wraps a sync function so each call is counted and timed under `controller`. */
  wrap<K>(controller: string, sync: (key: K) => Promise<void>): (key: K) => Promise<void>;
}

export function createSyncMetrics(registry: Registry): SyncMetrics {
  const total = new Counter({
    name: 'controller_sync_total',
    help: 'Controller syncs by controller and result',
    labelNames: ['controller', 'result'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'controller_sync_duration_seconds',
    help: 'Controller sync latency',
    labelNames: ['controller'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  return {
    wrap: (controller, sync) => async (key) => {
      const end = duration.startTimer({ controller });
      try {
        await sync(key);
        total.inc({ controller, result: 'success' });
      } catch (e) {
        total.inc({ controller, result: 'error' });
        throw e;
      } finally {
        end();
      }
    },
  };
}
