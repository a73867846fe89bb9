// KubeSchedulerConfiguration: v1 defaults, multiPoint, "*" disable, pluginConfig args, errors naming fields.
import t from 'tap';
import { buildFrameworks, ConfigError, loadSchedulerConfiguration, parseSchedulerConfiguration } from '../lib/sched/config/index.js';
import type { HandleDeps } from '../lib/sched/framework/interfaces.js';
import { inTreePluginFactories } from '../lib/sched/plugins/in-tree.js';

const deps: HandleDeps = { binder: async () => {} };
const names = (list: readonly { name: string }[]) => list.map((e) => e.name);

t.test('defaults: one default-scheduler profile with kube-scheduler plugins and weights', async (t) => {
  const cfg = loadSchedulerConfiguration({});
  t.equal(cfg.podInitialBackoffSeconds, 1);
  t.equal(cfg.podMaxBackoffSeconds, 10);
  t.equal(cfg.percentageOfNodesToScore, 0);
  const fw = buildFrameworks(cfg, inTreePluginFactories(), deps).get('default-scheduler')!;
  t.same(names(fw.enabled.filter), ['NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity']);
  t.same(
    fw.enabled.score.map((e) => [e.name, e.weight]),
    [
      ['TaintToleration', 3],
      ['NodeAffinity', 2],
      ['NodeResourcesFit', 1],
      ['PodTopologySpread', 2],
      ['InterPodAffinity', 2],
      ['NodeResourcesBalancedAllocation', 1],
      ['ImageLocality', 1],
    ],
  );
  t.same(names(fw.enabled.queueSort), ['PrioritySort']);
  t.same(names(fw.enabled.preEnqueue), ['SchedulingGates']);
  t.same(names(fw.enabled.bind), ['DefaultBinder']);
  t.same(names(fw.enabled.postFilter), ['DefaultPreemption']);
});

t.test('YAML with two profiles, multiPoint, a "*" score disable and pluginConfig args', async (t) => {
  const cfg = parseSchedulerConfiguration(`
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
percentageOfNodesToScore: 30
profiles:
  - schedulerName: default-scheduler
  - schedulerName: bin-packer
    plugins:
      score:
        disabled:
          - name: "*"
        enabled:
          - name: NodeResourcesFit
            weight: 5
      multiPoint:
        disabled:
          - name: ImageLocality
    pluginConfig:
      - name: NodeResourcesFit
        args:
          scoringStrategy:
            type: MostAllocated
`);
  const fws = buildFrameworks(cfg, inTreePluginFactories(), deps);
  t.same([...fws.keys()], ['default-scheduler', 'bin-packer']);
  const packer = fws.get('bin-packer')!;
  t.same(
    packer.enabled.score.map((e) => [e.name, e.weight]),
    [['NodeResourcesFit', 5]],
  );
  t.equal(packer.percentageOfNodesToScore, 30);
  t.same(names(packer.enabled.filter), ['NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity']);
});

t.test('a plugin only at one extension point, and disabling one default at one point', async (t) => {
  const cfg = loadSchedulerConfiguration({
    profiles: [{ schedulerName: 'x', plugins: { filter: { disabled: [{ name: 'NodePorts' }] }, preScore: { disabled: [{ name: '*' }] } } }],
  });
  const fw = buildFrameworks(cfg, inTreePluginFactories(), deps).get('x')!;
  t.notOk(names(fw.enabled.filter).includes('NodePorts'));
  t.ok(names(fw.enabled.preFilter).includes('NodePorts'), 'still at preFilter');
  t.same(fw.enabled.preScore, []);
});

t.test('bad configurations fail with the field named', async (t) => {
  const fails = (raw: object, pattern: RegExp) => t.throws(() => buildFrameworks(loadSchedulerConfiguration(raw), inTreePluginFactories(), deps), pattern);
  fails({ percentageOfNodesToScore: 150 }, /percentageOfNodesToScore: Invalid value: 150/);
  fails({ profiles: [{ schedulerName: 'a' }, { schedulerName: 'a' }] }, /profiles\[1\]\.schedulerName: Duplicate value: "a"/);
  fails({ profiles: [{ schedulerName: 'a' }, {}] }, /profiles\[1\]\.schedulerName: Required value/);
  fails({ podInitialBackoffSeconds: 5, podMaxBackoffSeconds: 2 }, /podMaxBackoffSeconds/);
  fails({ apiVersion: 'kubescheduler.config.k8s.io/v1beta3' }, /apiVersion: Unsupported value/);
  fails({ profiles: [{ schedulerName: 'a', plugins: { filter: { enabled: [{ name: 'Nope' }] } } }] }, /profiles\[0\]\.plugins\.filter\.enabled\[0\].*plugin does not exist/);
  fails(
    { profiles: [{ schedulerName: 'a', pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'Bogus' } } }] }] },
    /profiles\[0\] \(a\): NodeResourcesFit: scoringStrategy.type: Unsupported value/,
  );
  t.throws(() => parseSchedulerConfiguration('profiles: [oops'), ConfigError);
});
