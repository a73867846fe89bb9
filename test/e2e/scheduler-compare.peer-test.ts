// Rudder's scheduler and the real kube-scheduler v1.36.3 (built by ../shared/kube-peers) place the
// same pods on the same 20-node cluster: three zones (topology.kubernetes.io/zone), varied capacity,
// two nodes tainted NoSchedule (some pods tolerate it), two PreferNoSchedule, one cordoned; pods with
// zone spread, required pod anti-affinity, preferred pod affinity, preferred node affinity and
// varied requests. Each scheduler runs 5 times, each run on a fresh apiserver with the scheduler
// already running; the pods are created one at a time, each once the one before is bound (so both
// schedulers take them in the same order: kube-scheduler took the pods pending at its start neither
// in creation nor in name order). A run's result is its vector of pods per node (plus one entry for
// pods left unscheduled).
//
// Distance: the L1 distance between two runs' vectors (the number of pod placements by which the
// counts differ, summed over nodes), averaged over pairs. Rudder's distance to kube-scheduler is the
// mean over all 5 × 5 (Rudder run, kube-scheduler run) pairs; kube-scheduler's own spread is the mean
// over its 10 pairs of runs. Rudder must be no farther from kube-scheduler than kube-scheduler is
// from itself. Skipped without the peer binary. Not part of `npm test`: `npm run test:peers`.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { RestClient } from '../../lib/client/rest-client.js';
import { startApiserver } from '../../lib/launch/apiserver-process.js';
import { startScheduler } from '../../lib/launch/scheduler-process.js';
import { signalAndWait } from '../../lib/process/child.js';
import { boundNode, node, NODES, pod, PODS } from '../helpers/sched-api.js';

const PEERS = process.env.RUDDER_KUBE_PEERS_BIN ?? join(homedir(), '.cache', 'kube-peers', 'bin');
const KUBE_SCHEDULER = join(PEERS, 'kube-scheduler');
const RUNS = 5;
const ZONE = 'topology.kubernetes.io/zone';
const HOSTNAME = 'kubernetes.io/hostname';

/** 20 nodes over three zones with capacities from 4 to 16 CPUs. */
function cluster(): Node[] {
  const nodes: Node[] = [];
  const shapes = [
    { cpu: '4', memory: '8Gi' },
    { cpu: '8', memory: '16Gi' },
    { cpu: '16', memory: '32Gi' },
    { cpu: '8', memory: '32Gi' },
  ];
  for (let i = 0; i < 20; i++) {
    const name = `node-${String(i).padStart(2, '0')}`;
    const zone = ['a', 'b', 'c'][i % 3]!;
    const shape = shapes[i % shapes.length]!;
    const n = node(name, { ...shape, labels: { [ZONE]: `zone-${zone}`, ...(i < 2 ? { accelerator: 'gpu' } : {}) } });
    if (i < 2) n.spec = { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] };
    if (i === 2 || i === 3) n.spec = { taints: [{ key: 'maintenance', value: 'soon', effect: 'PreferNoSchedule' }] };
    if (i === 4) n.spec = { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] };
    nodes.push(n);
  }
  return nodes;
}

/** The pod set, in creation order. */
function workload(): Pod[] {
  const pods: Pod[] = [];
  for (let i = 0; i < 18; i++) {
    pods.push(pod(`web-${i}`, { cpu: '500m', memory: '512Mi', labels: { app: 'web' }, spec: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }] } }));
  }
  for (let i = 0; i < 6; i++) {
    pods.push(
      pod(`gpu-${i}`, {
        cpu: '2',
        memory: '4Gi',
        spec: {
          tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }],
          affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: [{ key: 'accelerator', operator: 'In', values: ['gpu'] }] } }] } },
        },
      }),
    );
  }
  for (let i = 0; i < 6; i++) {
    pods.push(pod(`db-${i}`, { cpu: '1', memory: '2Gi', labels: { app: 'db' }, spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: HOSTNAME, labelSelector: { matchLabels: { app: 'db' } } }] } } } }));
  }
  for (let i = 0; i < 10; i++) {
    pods.push(pod(`cache-${i}`, { cpu: '250m', memory: '256Mi', labels: { app: 'cache' }, spec: { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: { topologyKey: HOSTNAME, labelSelector: { matchLabels: { app: 'web' } } } }] } } } }));
  }
  const sizes = [['100m', '128Mi'], ['2', '1Gi'], ['500m', '4Gi'], ['1500m', '512Mi'], ['250m', '2Gi']] as const;
  for (let i = 0; i < 15; i++) {
    const [cpu, memory] = sizes[i % sizes.length]!;
    pods.push(pod(`batch-${i}`, { cpu, memory, labels: { app: 'batch' } }));
  }
  for (let i = 0; i < 5; i++) pods.push(pod(`besteffort-${i}`, { labels: { app: 'besteffort' } }));
  return pods;
}

type Scheduler = 'rudder' | 'kube-scheduler';

/** One run on a fresh apiserver: pods per node (in node order), then the pods left unscheduled. */
async function placeOnce(which: Scheduler, nodes: Node[], pods: Pod[]): Promise<number[]> {
  const apiserver = await startApiserver();
  const client = RestClient.fromKubeconfig(apiserver.kubeconfig);
  const stops: Array<() => Promise<void>> = [];
  try {
    for (const n of nodes) await client.create(NODES, n);
    if (which === 'rudder') {
      const scheduler = await startScheduler(apiserver, ['--leader-elect=false']);
      stops.push(() => scheduler.stop());
    } else {
      const child = spawn(KUBE_SCHEDULER, ['--kubeconfig', apiserver.kubeconfig, '--leader-elect=false', '--secure-port=0', '-v=1'], { stdio: 'ignore' });
      stops.push(() => signalAndWait(child, 'SIGTERM'));
    }
    // one pod at a time, each bound before the next is created: both schedulers see the same
    // order and every earlier placement
    const placed = new Map<string, number>();
    let unscheduled = 0;
    for (const p of pods) {
      await client.create(PODS, p);
      const at = await boundNode(client, p.metadata!.name!, 30_000, 20);
      if (at === undefined) unscheduled++;
      else placed.set(at, (placed.get(at) ?? 0) + 1);
    }
    return [...nodes.map((n) => placed.get(n.metadata!.name!) ?? 0), unscheduled];
  } finally {
    for (const stop of stops) await stop();
    client.close();
    await apiserver.stop();
  }
}

function l1(a: number[], b: number[]): number {
  return a.reduce((sum, x, i) => sum + Math.abs(x - b[i]!), 0);
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

t.test('Rudder places pods as close to kube-scheduler 1.36 as kube-scheduler is to itself', { skip: !existsSync(KUBE_SCHEDULER) && `no ${KUBE_SCHEDULER} (build ../shared/kube-peers)` }, async (t) => {
  const nodes = cluster();
  const pods = workload();
  const runs: Record<Scheduler, number[][]> = { rudder: [], 'kube-scheduler': [] };
  for (let i = 0; i < RUNS; i++) {
    for (const which of ['kube-scheduler', 'rudder'] as const) {
      const counts = await placeOnce(which, nodes, pods);
      runs[which].push(counts);
      t.comment(`${which} run ${i + 1}: ${counts.slice(0, -1).join(' ')} | unscheduled ${counts.at(-1)}`);
    }
  }
  const kube = runs['kube-scheduler'];
  const kubeToKube: number[] = [];
  for (let i = 0; i < kube.length; i++) for (let j = i + 1; j < kube.length; j++) kubeToKube.push(l1(kube[i]!, kube[j]!));
  const rudderToKube = runs.rudder.flatMap((r) => kube.map((k) => l1(r, k)));
  const rudderToRudder: number[] = [];
  for (let i = 0; i < RUNS; i++) for (let j = i + 1; j < RUNS; j++) rudderToRudder.push(l1(runs.rudder[i]!, runs.rudder[j]!));
  t.comment(`mean L1: Rudder to kube-scheduler ${mean(rudderToKube).toFixed(2)}, kube-scheduler to itself ${mean(kubeToKube).toFixed(2)}, Rudder to itself ${mean(rudderToRudder).toFixed(2)}`);
  for (const which of ['rudder', 'kube-scheduler'] as const) t.same(runs[which].map((r) => r.at(-1)), runs[which].map(() => 0), `${which} placed every pod`);
  t.ok(mean(rudderToKube) <= mean(kubeToKube), `Rudder's mean L1 distance to kube-scheduler (${mean(rudderToKube).toFixed(2)}) is no larger than kube-scheduler's to itself (${mean(kubeToKube).toFixed(2)})`);
});
