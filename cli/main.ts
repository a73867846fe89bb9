#!/usr/bin/env node
// The `rudder` command: local cluster lifecycle and tools.
import { Command, InvalidArgumentError, Option } from 'commander';
import { addApiserver, removeApiserver } from './commands/apiserver.js';
import { bench } from './commands/bench.js';
import { down } from './commands/down.js';
import { explain } from './commands/explain.js';
import { kubeconfig } from './commands/kubeconfig.js';
import { logs } from './commands/logs.js';
import { proxyRules } from './commands/proxy-rules.js';
import { sim } from './commands/sim.js';
import { restoreSnapshot, saveSnapshot } from './commands/snapshot.js';
import { status } from './commands/status.js';
import { up } from './commands/up.js';
import { DEFAULT_NODE_SUBNET } from '../lib/local-nodes/plan.js';

const DEFAULT_DATA_DIR = process.env.RUDDER_DATA_DIR ?? '.rudder';
/** Real nodes need root (namespaces, bridges, containerd): root gets two, as kind's multi-node clusters start. */
const DEFAULT_NODES = process.getuid?.() === 0 ? 2 : 0;

function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected an integer between ${min} and ${max}`);
    return n;
  };
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number above 0');
  return n;
}

async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('rudder').description('A Kubernetes-compatible control plane.').showHelpAfterError().exitOverride();

  program
    .command('up')
    .description('start a local cluster (apiserver and the other components) and write its kubeconfig')
    .option('--data-dir <dir>', 'where the cluster keeps its state', DEFAULT_DATA_DIR)
    .option('-d, --detach', 'run in the background and return once the cluster is ready', false)
    .option('--port <port>', 'apiserver HTTPS port', integer(1, 65535), 6443)
    .option('--bind-address <address>', 'address the apiserver listens on', '127.0.0.1')
    .option('--log-level <level>', 'log level of the components', 'info')
    .option('--ready-timeout <seconds>', 'how long to wait for the cluster to become ready', integer(1, 3600), 120)
    .option('--apiservers <n>', 'apiserver replicas: 1 keeps a local store; 3 or 5 replicate it with Raft (consecutive ports from --port)', integer(1, 9), 1)
    .option('--peer-port <port>', 'first port the replicas talk Raft on (default: --port + 1000)', integer(1, 65535))
    .addOption(new Option('--bus <bus>', 'watch bus of the components: http (the apiserver watch) or redis (Redis Streams)').choices(['http', 'redis']).default('http'))
    .option('--redis-url <url>', 'Redis for --bus redis (default: start a local redis-server)', '')
    .option('--scheduler-port <port>', "the scheduler's /readyz, /metrics and /debug/explain port (default 10259, or a free one)", integer(1, 65535))
    .option('--controller-manager-port <port>', "the controller-manager's /readyz and /metrics port (default 10257, or a free one)", integer(1, 65535))
    .option('--sim-nodes <n>', 'simulated nodes (KWOK-like, hosted by one kubelet process with the sim runtime)', integer(0, 100000), 0)
    .option('--kubelet-port <port>', "the kubelets' /readyz and /metrics port: the simulated nodes' kubelet's (default 10250, or a free one) and each real node's, in its namespace (default 10250)", integer(1, 65535))
    .option('--nodes <n>', 'real nodes: per node a network namespace on a host bridge running its containerd, kubelet and proxy (needs root, containerd, runc and the CNI plugins; without them, as many simulated nodes); default 2 as root, else 0', integer(0, 200), DEFAULT_NODES)
    .option('--node-subnet <cidr>', "the real nodes' network on the host bridge; the apiserver listens on its first address", DEFAULT_NODE_SUBNET)
    .option('--ignore-preflight-errors <checks>', 'preflight checks whose failure is only a warning: comma-separated names (e.g. Port-6443,FileExisting-runc), or all', '')
    .action(
      async (o: {
        dataDir: string;
        detach: boolean;
        port: number;
        bindAddress: string;
        logLevel: string;
        readyTimeout: number;
        apiservers: number;
        peerPort?: number;
        bus: 'http' | 'redis';
        redisUrl: string;
        schedulerPort?: number;
        controllerManagerPort?: number;
        simNodes: number;
        kubeletPort?: number;
        nodes: number;
        nodeSubnet: string;
        ignorePreflightErrors: string;
      }, command: Command) => {
        exitCode = await up({ ...o, readyTimeoutSeconds: o.readyTimeout, nodesAsked: command.getOptionValueSource('nodes') === 'cli' });
      },
    );

  const apiserver = program.command('apiserver').description('add or remove apiserver replicas of a running replicated cluster');
  apiserver
    .command('add')
    .description('start one more apiserver replica and add it to the cluster (it catches up from a snapshot)')
    .option('--data-dir <dir>', 'the cluster', DEFAULT_DATA_DIR)
    .action(async (o: { dataDir: string }) => {
      exitCode = await addApiserver(o);
    });
  apiserver
    .command('remove')
    .description('remove an apiserver replica from the cluster and stop it')
    .argument('<id>', 'the replica id (see rudder status)', integer(1, 1_000_000))
    .option('--data-dir <dir>', 'the cluster', DEFAULT_DATA_DIR)
    .action(async (id: number, o: { dataDir: string }) => {
      exitCode = await removeApiserver({ ...o, id });
    });

  const snapshot = program.command('snapshot').description("save a running cluster's store to a file, or make a new cluster data directory from one");
  snapshot
    .command('save')
    .description('save the store of the running cluster (every write acknowledged before the command started) to FILE')
    .argument('<file>', 'where to write the snapshot')
    .option('--data-dir <dir>', 'the running cluster', DEFAULT_DATA_DIR)
    .action(async (file: string, o: { dataDir: string }) => {
      exitCode = await saveSnapshot({ ...o, file });
    });
  snapshot
    .command('restore')
    .description('make the store of a new cluster data directory from FILE; then start it with rudder up')
    .argument('<file>', 'a snapshot from rudder snapshot save')
    .option('--data-dir <dir>', 'the new cluster data directory (must not hold a cluster)', DEFAULT_DATA_DIR)
    .action((file: string, o: { dataDir: string }) => {
      exitCode = restoreSnapshot({ ...o, file });
    });

  program
    .command('down')
    .description('stop the local cluster')
    .option('--data-dir <dir>', 'the cluster to stop', DEFAULT_DATA_DIR)
    .action(async (o: { dataDir: string }) => {
      exitCode = await down(o);
    });

  program
    .command('status')
    .description('show the components of the local cluster and their health')
    .option('--data-dir <dir>', 'the cluster to inspect', DEFAULT_DATA_DIR)
    .option('-o, --output <format>', 'table or json', 'table')
    .action(async (o: { dataDir: string; output: string }) => {
      exitCode = await status(o);
    });

  program
    .command('kubeconfig')
    .description("print the local cluster's kubeconfig")
    .option('--data-dir <dir>', 'the cluster', DEFAULT_DATA_DIR)
    .option('--path', 'print only its path', false)
    .option('--server <url>', "build one for this apiserver URL from the data directory's CA and admin token")
    .action((o: { dataDir: string; path: boolean; server?: string }) => {
      exitCode = kubeconfig(o);
    });

  program
    .command('logs')
    .description("print a component's log")
    .argument('<component>', 'apiserver, supervisor, ...')
    .option('--data-dir <dir>', 'the cluster', DEFAULT_DATA_DIR)
    .option('-f, --follow', 'keep printing new lines', false)
    .action(async (component: string, o: { dataDir: string; follow: boolean }) => {
      exitCode = await logs({ ...o, component });
    });

  program
    .command('explain')
    .description("show the scheduler's last attempt for a pod: each node's filter verdict and every plugin's score")
    .argument('<kind>', 'pod')
    .argument('<name>', 'the pod')
    .option('-n, --namespace <ns>', 'the pod\'s namespace', 'default')
    .option('-o, --output <format>', 'table or json', 'table')
    .option('--data-dir <dir>', 'the cluster', DEFAULT_DATA_DIR)
    .action(async (kind: string, name: string, o: { namespace: string; output: string; dataDir: string }) => {
      if (kind !== 'pod' && kind !== 'pods' && kind !== 'po') {
        process.stderr.write(`rudder: explain knows pods only, not "${kind}"\n`);
        exitCode = 2;
        return;
      }
      exitCode = await explain({ ...o, name });
    });

  program
    .command('proxy-rules')
    .description("print the iptables-restore input kube-proxy's iptables mode writes for the Services and EndpointSlices in a file")
    .requiredOption('--objects <file>', 'multi-document YAML (or JSON) with Services (with status) and EndpointSlices')
    .option('--node-name <name>', 'the node whose endpoints are local', '')
    .option('--cluster-cidr <cidr>', "the pods' CIDR: traffic from outside it is masqueraded (kube-proxy's ClusterCIDR local detection)")
    .option('--masquerade-bit <bit>', 'the packet mark bit that asks for SNAT', integer(0, 31), 14)
    .option('--node-ip <ip...>', "the node's addresses (the first of the family is the node IP)", [])
    .addOption(new Option('--ip-family <family>', 'the family of the ruleset (default: that of the first --node-ip, else IPv4)').choices(['IPv4', 'IPv6']))
    .option('--localhost-nodeports', 'NodePorts answer on 127.0.0.1 (IPv4)', false)
    .option('--nfacct', 'count packets with nfacct counters', false)
    .option('--random-fully', 'MASQUERADE with --random-fully', false)
    .option('--normalized', "print in kube-proxy's test normalisation (chains and service rules sorted)", false)
    .option('--reference', 'compile with the TypeScript reference compiler instead of the native one', false)
    .action((o: { objects: string; nodeName: string; clusterCidr?: string; masqueradeBit: number; nodeIp: string[]; ipFamily?: 'IPv4' | 'IPv6'; localhostNodeports: boolean; nfacct: boolean; randomFully: boolean; normalized: boolean; reference: boolean }) => {
      exitCode = proxyRules(o);
    });

  program
    .command('sim')
    .description('replay a workload against scheduler profiles in process, on virtual time, and compare the outcomes')
    .option('--workload <file>', 'the workload: node pools, timed pod arrivals and deletions (YAML or JSON)')
    .option('--trace <file>', 'pods from a trace, added to the workload (whose node pools are the cluster, and the scale of normalised requests)')
    .option('--trace-format <format>', 'the trace\'s format: alibaba-2018 (batch_task.csv or container_meta.csv), google-2019 (instance_events/collection_events JSON rows), csv or json (default: by the file\'s extension)')
    .option('--example', 'the bundled workload: 5,000 nodes and 100,000 pods from the synthetic generator', false)
    .option('--profiles <list>', 'comma-separated: default, least-allocated, most-allocated, balanced, or KubeSchedulerConfiguration files', 'default')
    .option('--seed <n>', 'seeds the generator and the scheduler\'s tie-breaking', integer(0, 2 ** 31 - 1), 1)
    .option('--out <dir>', 'write results.json, timings.json, CSV files and report.html here')
    .option('--plugin-module <path...>', 'ES modules with researcher plugins, as the scheduler loads them', [])
    .option('--no-native-kernel', 'run every plugin as TypeScript instead of through the Rust kernel')
    .option('--cluster', 'replay through a full cluster it starts (apiserver, controller-manager, the scheduler as a process, a kubelet of simulated nodes per node pool) instead of in process', false)
    .option('--time-scale <n>', 'with --cluster: virtual seconds per wall-clock second (1: real time)', positiveNumber, 1)
    .option('--compare <dirs...>', 'print two result directories (A B) side by side, metric by metric, with the difference')
    .action(async (o: { compare?: string[]; workload?: string; trace?: string; traceFormat?: string; example: boolean; profiles: string; seed: number; out?: string; pluginModule: string[]; nativeKernel: boolean; cluster: boolean; timeScale: number }) => {
      exitCode = await sim(o);
    });

  program
    .command('bench')
    .description("run a benchmark scenario (density, scheduler-throughput, churn, or a YAML file) and check Kubernetes' SLOs; exits 1 when one is missed")
    .argument('<scenario>', 'a built-in scenario name or a scenario YAML file')
    .option('--kubeconfig <file>', 'run against this running cluster (default: start one with simulated nodes)')
    .option('--nodes <n>', "simulated nodes of the cluster the bench starts (default: the scenario's)", integer(1, 100000))
    .option('--peer <name=path>', "also run the scenario with the real kube-scheduler: kube-scheduler=PATH")
    .option('--out <dir>', 'where to write results.json and report.html', 'bench-out')
    .action(async (scenario: string, o: { kubeconfig?: string; nodes?: number; peer?: string; out: string }) => {
      exitCode = await bench({ ...o, scenario });
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    const code = (error as { exitCode?: number }).exitCode;
    return typeof code === 'number' ? code : 1;
  }
  return exitCode;
}

process.exitCode = await main(process.argv.slice(2));
