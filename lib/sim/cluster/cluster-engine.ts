// `rudder sim --cluster`: the cluster `rudder bench` starts (apiserver, controller-manager,
// simulated nodes' kubelets: here one per node pool) and, per profile, a scheduler process
// configured with the profile's first KubeSchedulerConfiguration profile (and the researcher
// plugin modules), replaced between profiles; the trace is replayed through it (see
// cluster-replay.ts). The workload's pool names become the nodes' names, as in process.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulatedCluster } from '../../bench/bench-cluster.js';
import { RestClient } from '../../client/rest-client.js';
import { startScheduler } from '../../launch/scheduler-process.js';
import { generatedNodePools } from '../generator.js';
import { profileFileName } from '../results.js';
import type { SimOutcome, SimulateOptions } from '../simulator.js';
import type { Workload } from '../workload.js';
import { replayOnCluster } from './cluster-replay.js';
import { poolKubelets } from './pool-kubelets.js';

export interface ClusterEngineOptions {
  workload: Workload;
  /** Virtual seconds per wall-clock second. */
  timeScale: number;
  pluginModules: readonly string[];
  nativeKernel: boolean;
  log: (line: string) => void;
}

export interface ClusterEngine {
  engine: (options: SimulateOptions) => Promise<SimOutcome>;
  stop(): Promise<void>;
}

export async function startClusterEngine(o: ClusterEngineOptions): Promise<ClusterEngine> {
  const pools = [...o.workload.nodePools, ...(o.workload.generate ? generatedNodePools(o.workload.generate) : [])];
  const kubelets = poolKubelets(pools);
  const cluster = await startSimulatedCluster(kubelets, o.log);
  const client = RestClient.fromKubeconfig(cluster.kubeconfig, { encoding: 'json', qps: 0, connections: 16 });
  const dir = mkdtempSync(join(tmpdir(), 'rudder-sim-cluster-'));
  return {
    async engine(options) {
      const { profile } = options;
      const document = { ...profile.document, profiles: (profile.document.profiles ?? []).slice(0, 1) };
      const config = join(dir, `${profileFileName(profile.name)}.json`);
      writeFileSync(config, JSON.stringify(document));
      o.log(`profile ${profile.name}: starting the scheduler`);
      await cluster.replaceScheduler(() =>
        startScheduler(cluster.apiserver, [
          '--leader-elect=false',
          '--config', config,
          ...(o.pluginModules.length > 0 ? ['--plugin-module', o.pluginModules.join(',')] : []),
          ...(o.nativeKernel ? [] : ['--native-kernel=false']),
        ], { readyTimeoutMs: 120_000 }),
      );
      const namespace = `sim-${profileFileName(profile.name).toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.slice(0, 63).replace(/-+$/, '');
      return replayOnCluster({
        trace: options.trace,
        profile,
        client,
        timeScale: o.timeScale,
        namespace,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
    },
    async stop() {
      await client.close();
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
