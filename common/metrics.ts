import { collectDefaultMetrics, Registry } from 'prom-client';

export { Registry } from 'prom-client';

/**
 * One Prometheus registry per process (never prom-client's global `register`), with the default
 * process/Node.js metrics and a `component` label on every series. Components create their own
 * counters/histograms with `registers: [registry]`.
 */
export function createMetricsRegistry(component: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ component });
  collectDefaultMetrics({ register: registry });
  return registry;
}
