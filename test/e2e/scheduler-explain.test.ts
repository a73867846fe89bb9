// `rudder explain pod` on a cluster from `rudder up --detach`: for any recently scheduled pod
// the scheduler's last attempt, node by node — the filter verdict, each score plugin's score
// (the numbers kube-scheduler's formulas give) and the final score; for a pod that asked with
// the scheduler.rudder.dev/explain annotation, the same from the pod itself, even after the
// scheduler forgot it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import t from 'tap';
import { RestClient } from '../../lib/client/rest-client.js';
import { freePort } from '../../lib/process/ports.js';
import type { Explanation } from '../../services/scheduler/explanations.js';
import { boundNode, node, NODES, pod, podEvents, PODS } from '../helpers/sched-api.js';
import { rudder } from '../helpers/rudder-cli.js';

t.test('rudder explain pod shows each node\'s verdict and every plugin\'s score', async (t) => {
  // 1. a cluster with three nodes: big, small and a tainted one
  const dataDir = mkdtempSync(join(tmpdir(), 'rudder-explain-'));
  t.teardown(() => {
    rudder(['down', '--data-dir', dataDir]);
    rmSync(dataDir, { recursive: true, force: true });
  });
  const up = rudder(['up', '--nodes', '0', '--detach', '--data-dir', dataDir, '--port', String(await freePort()), '--scheduler-port', String(await freePort()), '--controller-manager-port', String(await freePort())]);
  t.equal(up.code, 0, up.stderr);
  const client = RestClient.fromKubeconfig(join(dataDir, 'kubeconfig'));
  t.teardown(() => client.close());
  await client.create(NODES, node('big', { cpu: '8', memory: '16Gi' }));
  await client.create(NODES, node('small', { cpu: '2', memory: '4Gi' }));
  await client.create(NODES, node('tainted', { cpu: '8', memory: '16Gi', taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }));
  const explain = (name: string, ...args: string[]): { code: number; stdout: string; stderr: string } => rudder(['explain', 'pod', name, '--data-dir', dataDir, ...args]);

  // 2. a pod without the annotation: the scheduler keeps its attempt, plugin scores included
  await client.create(PODS, pod('plain', { cpu: '1', memory: '1Gi' }));
  t.equal(await boundNode(client, 'plain'), 'big');
  const json = explain('plain', '-o', 'json');
  t.equal(json.code, 0, json.stderr);
  const explanation = JSON.parse(json.stdout) as Explanation;
  t.match(explanation, { pod: 'default/plain', profile: 'default-scheduler', result: 'Scheduled', selectedNode: 'big', evaluatedNodes: 3, feasibleNodes: 2 });
  const byNode = new Map(explanation.nodes.map((n) => [n.node, n]));
  // LeastAllocated: ((8000-1000)*100/8000 + (16-1)*100/16) / 2 = (87 + 93) / 2 = 90 on big,
  // (50 + 75) / 2 = 62 on small; BalancedAllocation (the change in balance, Kubernetes 1.36):
  // (1 - |0.125-0.0625|/2) * 100 = 96 with the pod, 100 without: 50 + (50 + 96 - 100) / 2 = 73,
  // and (1 - |0.5-0.25|/2) * 100 = 87: 50 + (50 + 87 - 100) / 2 = 68; TaintToleration 100 x
  // weight 3 on both; ImageLocality 0.
  // NodeAffinity, PodTopologySpread and InterPodAffinity skip a pod without preferences.
  t.same(byNode.get('big')?.scores, { NodeResourcesFit: 90, NodeResourcesBalancedAllocation: 73, TaintToleration: 300, ImageLocality: 0 });
  t.match(byNode.get('big'), { verdict: 'Feasible', finalScore: 463 });
  t.match(byNode.get('small'), { verdict: 'Feasible', scores: { NodeResourcesFit: 62, NodeResourcesBalancedAllocation: 68, TaintToleration: 300 }, finalScore: 430 });
  t.match(byNode.get('tainted'), { verdict: 'UnschedulableAndUnresolvable', plugin: 'TaintToleration', reasons: ['node(s) had untolerated taint(s)'] });

  // 3. the same as a table: one column per score plugin, the selected node marked
  const table = explain('plain');
  t.equal(table.code, 0, table.stderr);
  t.match(table.stdout, /^Pod default\/plain \(profile default-scheduler\) at \S+: scheduled to big$/m);
  t.match(table.stdout, /^3 node\(s\) evaluated, 2 feasible$/m);
  t.match(table.stdout, /^NODE\s+FILTER\s+IMAGELOCALITY\s+NODERESOURCESBALANCEDALLOCATION\s+NODERESOURCESFIT\s+TAINTTOLERATION\s+SCORE$/m);
  t.match(table.stdout, /^big \(selected\)\s+passed\s+0\s+73\s+90\s+300\s+463$/m);
  t.match(table.stdout, /^tainted\s+TaintToleration: node\(s\) had untolerated taint\(s\)\s+-\s+-\s+-\s+-\s+-$/m);

  // 4. an unschedulable pod: the fit error and why each node said no
  await client.create(PODS, pod('huge', { cpu: '16' }));
  await podEvents(client, 'huge', 'FailedScheduling');
  const huge = explain('huge');
  t.equal(huge.code, 0, huge.stderr);
  t.match(huge.stdout, /: Unschedulable: 0\/3 nodes are available: 1 node\(s\) had untolerated taint\(s\), 2 Insufficient cpu\. preemption: /);
  t.match(huge.stdout, /^small\s+NodeResourcesFit: Insufficient cpu/m);

  // 5. a pod that asks with the annotation gets its explanation written on itself
  await client.create(PODS, pod('asked', { cpu: '1', memory: '1Gi', annotations: { 'scheduler.rudder.dev/explain': 'true' } }));
  t.ok(await boundNode(client, 'asked'));
  const annotated = await waitFor(async () => (await client.get<Pod>(PODS, { namespace: 'default', name: 'asked' })).metadata?.annotations?.['scheduler.rudder.dev/explanation']);
  t.match(JSON.parse(annotated ?? '{}'), { pod: 'default/asked', result: 'Scheduled', nodes: [{ verdict: 'Feasible', scores: { NodeResourcesFit: Number } }] });

  // 6. a new scheduler process knows nothing of earlier attempts, but the annotation stays
  const status = JSON.parse(rudder(['status', '--data-dir', dataDir, '-o', 'json']).stdout) as { components: { name: string; pid: number }[] };
  process.kill(status.components.find((c) => c.name === 'scheduler')!.pid, 'SIGKILL');
  await waitFor(async () => {
    const restarted = JSON.parse(rudder(['status', '--data-dir', dataDir, '-o', 'json']).stdout) as { components: { name: string; healthy: boolean; restarts: number }[] };
    return restarted.components.find((c) => c.name === 'scheduler' && c.healthy && c.restarts > 0);
  }, 30_000);
  const forgotten = explain('plain');
  t.equal(forgotten.code, 1);
  t.match(forgotten.stderr, 'the scheduler has no recent attempt for pod default/plain');
  const remembered = explain('asked');
  t.equal(remembered.code, 0, remembered.stderr);
  t.match(remembered.stdout, /^Pod default\/asked \(profile default-scheduler\) at \S+: scheduled to \S+$/m);

  // 7. an unknown pod is an error naming it
  const missing = explain('nobody');
  t.equal(missing.code, 1);
  t.match(missing.stderr, 'pods "nobody" not found');
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined || Date.now() >= deadline) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}
