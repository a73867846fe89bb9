// The cluster a bench starts when it is given no kubeconfig: the same processes `rudder up
// --sim-nodes N` supervises (apiserver, controller-manager, scheduler, and one kubelet hosting N
// simulated nodes), each on a free loopback port in a temporary data directory, stopped and
// removed at the end. The scheduler can be swapped for a peer between runs.
import { startApiserver, type ApiserverProcess } from '../launch/apiserver-process.js';
import type { ComponentProcess } from '../launch/component-process.js';
import { startControllerManager } from '../launch/controller-manager-process.js';
import { startKubelet } from '../launch/kubelet-process.js';
import { startScheduler } from '../launch/scheduler-process.js';

export interface BenchCluster {
  apiserver: ApiserverProcess;
  kubeconfig: string;
  /** Stops the current scheduler (if any) and starts the one `start` returns. */
  replaceScheduler(start: (() => Promise<ComponentProcess>) | undefined): Promise<void>;
  stop(): Promise<void>;
}

/** The simulated nodes' kubelet needs a larger pod network above 256 nodes (one /24 each). */
const clusterCidr = (nodes: number): string[] => (nodes <= 256 ? [] : ['--cluster-cidr', '100.64.0.0/10']);

export function startBenchCluster(nodes: number, log: (line: string) => void): Promise<BenchCluster> {
  return startSimulatedCluster([{ nodes, args: ['--sim-nodes', String(nodes), ...clusterCidr(nodes)] }], log);
}

/** One kubelet hosting simulated nodes: how many, and its flags. */
export interface SimulatedKubelet {
  nodes: number;
  args: string[];
}

/** The same cluster with a kubelet per entry (node pools of different sizes, labels, taints). */
export async function startSimulatedCluster(kubelets: readonly SimulatedKubelet[], log: (line: string) => void): Promise<BenchCluster> {
  const started: ComponentProcess[] = [];
  const apiserver = await startApiserver({ readyTimeoutMs: 120_000 });
  let scheduler: ComponentProcess | undefined;
  const stop = async (): Promise<void> => {
    await scheduler?.stop();
    for (const p of started.reverse()) await p.stop();
    await apiserver.stop();
  };
  try {
    log('starting the controller-manager');
    started.push(await startControllerManager(apiserver, ['--leader-elect=false'], { readyTimeoutMs: 120_000 }));
    for (const kubelet of kubelets) {
      log(`starting a kubelet with ${kubelet.nodes} simulated nodes`);
      started.push(await startKubelet(apiserver, kubelet.args, { readyTimeoutMs: 600_000 }));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    apiserver,
    kubeconfig: apiserver.kubeconfig,
    async replaceScheduler(start) {
      await scheduler?.stop();
      scheduler = undefined;
      if (start) scheduler = await start();
    },
    stop,
  };
}

export const rudderScheduler = (apiserver: ApiserverProcess) => (): Promise<ComponentProcess> => startScheduler(apiserver, ['--leader-elect=false'], { readyTimeoutMs: 120_000 });
