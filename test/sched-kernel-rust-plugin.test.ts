// A Rust plugin enabled through KubeSchedulerConfiguration: NodeLabelScore (crates/sched's
// example extension) is named in a profile with its args like any plugin, the framework runs
// it through the native accelerator, and it decides where a pod goes.
import t from 'tap';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { SchedulerCache } from '../lib/sched/cache.js';
import { buildFrameworks, loadSchedulerConfiguration } from '../lib/sched/config/index.js';
import { CycleState } from '../lib/sched/framework/cycle-state.js';
import type { HandleDeps } from '../lib/sched/framework/interfaces.js';
import { seededRandom } from '../lib/sched/framework/random.js';
import { Code } from '../lib/sched/framework/status.js';
import { NativeAccelerator } from '../lib/sched/kernel/index.js';
import { podInfoFromPod } from '../lib/sched/pod-info.js';
import { inTreePluginFactories } from '../lib/sched/plugins/in-tree.js';

function node(name: string, tier?: string): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(tier ? { tier } : {}) } },
    status: { allocatable: { cpu: '8', memory: '16Gi', pods: '110' } },
  };
}

function pod(name: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}` },
    spec: { containers: [{ name: 'app', image: 'app:1', resources: { requests: { cpu: '1', memory: '1Gi' } } }] },
  };
}

const deps = (): HandleDeps => ({ binder: async () => {}, random: seededRandom(3) });

/** The default plugins plus NodeLabelScore (weight 5) reading the label `tier`. */
function config(reverse = false): ReturnType<typeof loadSchedulerConfiguration> {
  return loadSchedulerConfiguration({
    profiles: [
      {
        schedulerName: 'tiered',
        plugins: { score: { enabled: [{ name: 'NodeLabelScore', weight: 5 }] } },
        pluginConfig: [{ name: 'NodeLabelScore', args: { label: 'tier', reverse } }],
      },
    ],
  } as Parameters<typeof loadSchedulerConfiguration>[0]);
}

function cluster(): SchedulerCache {
  const cache = new SchedulerCache();
  for (const [name, tier] of [['bronze', '1'], ['gold', '3'], ['plain', undefined], ['silver', '2']] as const) cache.addNode(node(name, tier));
  return cache;
}

t.test('a Rust score plugin enabled by name in a profile places the pod', async (t) => {
  // 1. A cluster of identical nodes but for their tier label, mirrored into the kernel.
  const cache = cluster();
  const accelerator = NativeAccelerator.create(cache);
  t.teardown(() => accelerator.close());
  t.ok(accelerator.supports('NodeLabelScore', { label: 'tier' }), 'the kernel lists its Rust plugins');
  // 2. The profile enables NodeLabelScore through the registry entries the kernel provides.
  const registry = inTreePluginFactories().merge(accelerator.extensionPluginFactories());
  const framework = buildFrameworks(config(), registry, deps(), { accelerator }).get('tiered')!;
  // 3. The highest tier wins; the plugin's weighted, normalised scores explain why.
  const result = framework.findNodes(podInfoFromPod(pod('p')), cache.snapshot(), new CycleState(), { wantPluginScores: true });
  t.equal(result.feasible[0]!.name, 'gold');
  const labelScores = Object.fromEntries(result.feasible.map((n) => [n.name, n.pluginScores?.find((s) => s.name === 'NodeLabelScore')?.score]));
  // 100 * tier / 3 (integer division), times the weight 5; no label scores 0.
  t.same(labelScores, { gold: 500, silver: 330, bronze: 165, plain: 0 });
  // 4. Without it the same nodes tie on every default plugin.
  const plain = buildFrameworks(loadSchedulerConfiguration({}), inTreePluginFactories(), deps(), { accelerator }).get('default-scheduler')!;
  const untiered = plain.findNodes(podInfoFromPod(pod('q')), cache.snapshot(), new CycleState(), { wantPluginScores: true });
  t.equal(new Set(untiered.feasible.map((n) => n.score)).size, 1, 'all four nodes score the same without the plugin');
});

t.test('its args come from pluginConfig', async (t) => {
  const cache = cluster();
  const accelerator = NativeAccelerator.create(cache);
  t.teardown(() => accelerator.close());
  const registry = inTreePluginFactories().merge(accelerator.extensionPluginFactories());
  const framework = buildFrameworks(config(true), registry, deps(), { accelerator }).get('tiered')!;
  const result = framework.findNodes(podInfoFromPod(pod('p')), cache.snapshot());
  t.equal(result.feasible[0]!.name, 'bronze', 'reverse: the lowest tier wins');
  const bad = loadSchedulerConfiguration({
    profiles: [{ schedulerName: 'bad', plugins: { score: { enabled: [{ name: 'NodeLabelScore' }] } }, pluginConfig: [{ name: 'NodeLabelScore', args: {} }] }],
  } as Parameters<typeof loadSchedulerConfiguration>[0]);
  const broken = buildFrameworks(bad, registry, deps(), { accelerator }).get('bad')!;
  const refused = broken.findNodes(podInfoFromPod(pod('p')), cache.snapshot());
  t.equal(refused.status.code, Code.Error, 'bad args are refused by the plugin');
  t.match(refused.status.message(), /NodeLabelScore: args\.label must name a node label/);
});

t.test('without the kernel accelerator a Rust plugin reports that it cannot run', async (t) => {
  const cache = cluster();
  const accelerator = NativeAccelerator.create(cache);
  t.teardown(() => accelerator.close());
  const registry = inTreePluginFactories().merge(accelerator.extensionPluginFactories());
  const framework = buildFrameworks(config(), registry, deps()).get('tiered')!;
  const result = framework.findNodes(podInfoFromPod(pod('p')), cache.snapshot());
  t.equal(result.status.code, Code.Error);
  t.match(result.status.message(), /runs only in the native scheduling kernel/);
});
