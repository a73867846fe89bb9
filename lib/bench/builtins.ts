// The built-in scenarios, written as a user would write a scenario file, after clusterloader2's
// testing/density, testing/scheduler-throughput and a churn test of create, delete and scale.
import { parseScenario, type Scenario } from './scenario.js';

const DENSITY = `
name: density
description: 30 pods per node through Deployments of 100 replicas, then 100 pods one at a time for startup latency; all deleted.
nodes: 100
phases:
- {name: namespaces, action: createNamespaces, count: 1}
- {name: saturation, action: createDeployments, podsPerNode: 30, replicas: 100, qps: 20, wait: running, timeout: 30m}
- {name: latency, action: createPods, count: 100, qps: 5, wait: running, timeout: 5m}
- {name: cleanup, action: deleteNamespaces, wait: deleted, timeout: 30m}
measurements: [apiCallLatency, podStartupLatency, schedulingThroughput]
`;

const SCHEDULER_THROUGHPUT = `
name: scheduler-throughput
description: 10,000 pods created as fast as 64 clients can, timed to their bindings; left in place (the nodes hold 550,000).
nodes: 5000
concurrency: 64
pod: {cpu: 100m, memory: 500Mi}
phases:
- {name: namespaces, action: createNamespaces, count: 1}
- {name: pods, action: createPods, count: 10000, wait: scheduled, timeout: 20m}
measurements: [schedulingThroughput, apiCallLatency]
`;

const CHURN = `
name: churn
description: Deployments and pods, then a minute of pod churn (create one, delete an older one), scaling up and down, and deletion.
nodes: 100
measurements: [apiCallLatency, podStartupLatency, schedulingThroughput]
phases:
- {name: namespaces, action: createNamespaces, count: 2}
- {name: deployments, action: createDeployments, count: 5, replicas: 10, qps: 10, wait: running, timeout: 5m}
- {name: pods, action: createPods, count: 100, qps: 50, wait: running, timeout: 5m}
- {name: churn, action: churnPods, duration: 60s, qps: 10, wait: running, timeout: 5m}
- {name: scale-up, action: scaleDeployments, replicas: 20, qps: 10, wait: running, timeout: 5m}
- {name: scale-down, action: scaleDeployments, replicas: 5, qps: 10, wait: running, timeout: 5m}
- {name: cleanup, action: deleteNamespaces, wait: deleted, timeout: 10m}
`;

export const BUILT_IN_SCENARIOS: Record<string, string> = { density: DENSITY, 'scheduler-throughput': SCHEDULER_THROUGHPUT, churn: CHURN };

export function builtInScenario(name: string): Scenario | undefined {
  const text = BUILT_IN_SCENARIOS[name];
  return text === undefined ? undefined : parseScenario(text);
}
