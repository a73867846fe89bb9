// Benchmark scenarios as data: the built-ins parse, a bad scenario is refused with every problem
// named by its field, and the SLO checks hold latencies to ceilings and throughput to a floor.
import t from 'tap';
import { BUILT_IN_SCENARIOS, builtInScenario } from '../lib/bench/builtins.js';
import { KUBERNETES_SLOS, parseScenario, ScenarioError } from '../lib/bench/scenario.js';
import { bindingsPerSecond, checkSlos } from '../lib/bench/slis.js';

t.test('the built-in scenarios parse, with the issue\'s names', async (t) => {
  t.same(Object.keys(BUILT_IN_SCENARIOS).sort(), ['churn', 'density', 'scheduler-throughput']);
  const density = builtInScenario('density')!;
  t.equal(density.phases[1]!.podsPerNode, 30, 'density: 30 pods per node');
  t.same(density.slo, KUBERNETES_SLOS, "Kubernetes' SLOs unless the scenario sets its own");
  const throughput = builtInScenario('scheduler-throughput')!;
  t.equal(throughput.nodes, 5000);
  t.same(throughput.measurements, ['schedulingThroughput', 'apiCallLatency']);
  t.ok(builtInScenario('churn')!.phases.some((p) => p.action === 'churnPods' && p.durationMs === 60_000));
  t.equal(builtInScenario('nope'), undefined);
});

t.test('a scenario sets its own thresholds and defaults the rest', async (t) => {
  const s = parseScenario(`
name: mine
phases:
- {name: ns, action: createNamespaces}
- {name: p, action: createPods, count: 3, qps: 5, wait: running, timeout: 30s, backlog: true}
slo: {podStartupP99: 2s, schedulingThroughput: 10}
`);
  t.equal(s.nodes, 100);
  t.equal(s.slo.podStartupP99Ms, 2000);
  t.equal(s.slo.schedulingThroughputMin, 10);
  t.equal(s.slo.mutatingP99Ms, 1000);
  t.match(s.phases[1], { action: 'createPods', count: 3, qps: 5, wait: 'running', timeoutMs: 30_000, backlog: true });
  t.equal(s.phases[0]!.backlog, false);
});

t.test('a bad scenario names every problem by its field', async (t) => {
  const error = t.throws(() =>
    parseScenario(`
name: Bad_Name
nodez: 3
phases:
- {name: p, action: createPods, wait: forever}
- {name: p, action: explode}
- {name: c, action: churnPods, backlog: true}
slo: {podStartupP99: soon}
`),
  ) as ScenarioError;
  t.ok(error instanceof ScenarioError);
  const problems = error.problems.join('\n');
  for (const field of ['nodez: unknown field', 'name: Invalid value', 'phases[0].wait: Unsupported value', 'phases[1].action: Unsupported value', 'phases[1].name: Duplicate value', 'phases[2].duration: Required value', 'phases[2].backlog: only createDeployments and createPods', 'slo.podStartupP99', 'phases[0].action: the first phase must be createNamespaces']) {
    t.match(problems, field);
  }
  t.throws(() => parseScenario('phases: ['), ScenarioError, 'unparseable YAML');
});

t.test('SLO checks: latency ceilings per verb and scope, a throughput floor', async (t) => {
  const group = (verb: 'POST' | 'GET' | 'LIST', scope: 'resource' | 'namespace' | 'cluster', p99Ms: number) => ({ verb, resource: 'pods', scope, errors: 0, count: 10, p50Ms: 1, p90Ms: 1, p99Ms, maxMs: p99Ms, meanMs: 1 });
  const checks = checkSlos(
    {
      apiCallLatency: [group('POST', 'namespace', 1200), group('GET', 'resource', 900), group('LIST', 'namespace', 4000), group('LIST', 'cluster', 29_000)],
      podStartupLatency: { count: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, maxMs: 0, meanMs: 0 },
      schedulingThroughput: { podsPerSecond: 9, phase: 'p', scheduled: 9, perSecond: { p50: 9, p90: 9, p99: 9, max: 9 } },
    },
    { ...KUBERNETES_SLOS, schedulingThroughputMin: 10 },
  );
  t.same(
    checks.map((c) => [c.threshold, c.met]),
    [
      [1000, false],
      [1000, true],
      [5000, true],
      [30_000, true],
      [5000, false],
      [10, false],
    ],
    'mutating 1 s, get 1 s, namespaced list 5 s, cluster list 30 s; no pod started is a miss; 9 pods/s is below a floor of 10',
  );
});

t.test('bindings are counted per whole second of the run', async (t) => {
  t.same(bindingsPerSecond([10, 900, 1500, 3999]), [2, 1, 0, 1]);
  t.same(bindingsPerSecond([]), []);
});
