// npm run bench -- <name>: runs one benchmark (or all with no name); each writes
// bench/results/<name>.json.
import { benchApiserver } from './apiserver.js';
import { benchApply } from './apply.js';
import { benchApiserverProtocols } from './apiserver-protocols.js';
import { benchCri } from './cri.js';
import { benchDns } from './dns.js';
import { benchKubelet } from './kubelet.js';
import { benchControllers } from './controllers.js';
import { benchProxy } from './proxy.js';
import { benchScheduler } from './scheduler.js';
import { benchSchedulerKernel } from './scheduler-kernel.js';
import { benchSchedulerPeer } from './scheduler-peer.js';
import { benchSim } from './sim.js';
import { benchStore } from './store.js';
import { benchUp } from './up.js';
import { benchWatch } from './watch.js';

const BENCHMARKS: Record<string, () => Promise<void>> = {
  apiserver: benchApiserver,
  apply: benchApply,
  'apiserver-protocols': benchApiserverProtocols,
  cri: benchCri,
  dns: benchDns,
  kubelet: benchKubelet,
  controllers: benchControllers,
  proxy: benchProxy,
  scheduler: benchScheduler,
  'scheduler-kernel': benchSchedulerKernel,
  'scheduler-peer': benchSchedulerPeer,
  sim: benchSim,
  store: benchStore,
  up: benchUp,
  watch: benchWatch,
};

const names = process.argv.slice(2);
for (const name of names) {
  if (!BENCHMARKS[name]) {
    process.stderr.write(`unknown benchmark "${name}"; known: ${Object.keys(BENCHMARKS).join(', ')}\n`);
    process.exit(2);
  }
}
for (const name of names.length > 0 ? names : Object.keys(BENCHMARKS)) await BENCHMARKS[name]!();
