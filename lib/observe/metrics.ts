// One prom-client registry per process with the default process metrics; components add theirs.
import { Registry, collectDefaultMetrics } from 'prom-client';

export function createMetricsRegistry(component: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ component });
  collectDefaultMetrics({ register: registry });
  return registry;
}
