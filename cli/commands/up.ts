// rudder up: prepares the cluster's certificates and token, starts every component under a
// supervisor, writes <data-dir>/kubeconfig and says how to use it. In the foreground it stops the
// cluster on Ctrl-C; with --detach the supervisor runs in the background and this returns once
// every component is ready.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { writeKubeconfig } from '../../lib/client/kubeconfig.js';
import { freePort } from '../../lib/process/ports.js';
import { commandInstalled } from '../../lib/process/installed.js';
import { defaultServingHosts, ensurePki } from '../../lib/pki/certs.js';
import { ensureTokenFile } from '../../lib/pki/tokens.js';
import { readCa } from '../../lib/pki/x509.js';
import { CONTROLLER_MANAGER_IDENTITY, DNS_IDENTITY, kubeletIdentity, proxyIdentity, SCHEDULER_IDENTITY, SIM_KUBELET_IDENTITY, writeComponentKubeconfigs } from '../cluster/component-identities.js';
import { writeKubeDnsAddon } from '../cluster/kube-dns-addon.js';
import { rudderCacheDir } from '../../lib/host/cache-dir.js';
import { importLocalImages, prepareLocalNodes, type PreparedLocalNodes } from '../../lib/local-nodes/local-nodes.js';
import { DEFAULT_NODE_SUBNET } from '../../lib/local-nodes/plan.js';
import { localNodesUnavailable } from '../../lib/local-nodes/prerequisites.js';
import { apiserverUrl, CLUSTER_CIDR, clusterComponents, DEFAULT_CONTROLLER_MANAGER_PORT, DEFAULT_DNS_METRICS_PORT, DEFAULT_DNS_PORT, DEFAULT_KUBELET_PORT, DEFAULT_SCHEDULER_PORT, kubeconfigPath, pkiDir, tokenFile, type ClusterLayout } from '../cluster/components.js';
import { portFree } from '../cluster/port.js';
import { isAlive } from '../cluster/process.js';
import { formatOutcome, parseIgnored, sortFailures } from '../cluster/preflight.js';
import { readState, removeState } from '../cluster/state.js';
import { upPreflightFailures, type UpPreflightInput } from '../cluster/up-preflight.js';
import { Supervisor } from '../cluster/supervisor.js';

export interface UpOptions {
  dataDir: string;
  detach: boolean;
  port: number;
  bindAddress: string;
  logLevel: string;
  readyTimeoutSeconds: number;
  /** Apiserver replicas: 1 (a local store) or 3, 5, ... (a Raft cluster). */
  apiservers: number;
  /** First Raft peer port (default: port + 1000). */
  peerPort?: number;
  bus: 'http' | 'redis';
  /** Redis of the redis bus; '' starts a local redis-server. */
  redisUrl: string;
  /** The scheduler's health port (default 10259, or a free one when that is taken). */
  schedulerPort?: number;
  /** The controller-manager's health port (default 10257, or a free one when that is taken). */
  controllerManagerPort?: number;
  /** Simulated nodes, hosted by one kubelet process (0: none). */
  simNodes?: number;
  /** That kubelet's health port (default 10250, or a free one when that is taken); real nodes' kubelets use it in their namespaces. */
  kubeletPort?: number;
  /** Real nodes: network namespaces on a host bridge, each running containerd, a kubelet and a proxy (0: none). */
  nodes?: number;
  /** The node network on the host bridge (default 10.213.0.0/24); the apiserver listens on its first address. */
  nodeSubnet?: string;
  /** --nodes was given on the command line: a missing prerequisite is a preflight error, not a fall back to simulated nodes. */
  nodesAsked?: boolean;
  /** Preflight checks whose failure is only a warning: comma-separated names, or `all` (kubeadm's flag). */
  ignorePreflightErrors?: string;
}

const REDIS_MISSING =
  'the redis bus needs a Redis server, and redis-server is not installed. Install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis), or pass --redis-url redis://HOST:PORT, or use --bus http.';


/** How to run a rudder subcommand the way this one was run (through npm from a checkout, or installed). */
function command(args: string): string {
  return process.env.npm_lifecycle_event ? `npm run rudder -- ${args}` : `rudder ${args}`;
}

function usage(dataDir: string, kubeconfig: string): string {
  const shown = relative(process.cwd(), kubeconfig) || kubeconfig;
  return [
    '',
    `Rudder is running. Its kubeconfig is ${shown} (context "rudder").`,
    '',
    `  export KUBECONFIG=${kubeconfig}`,
    '  kubectl get namespaces',
    '',
    `Logs: ${join(dataDir, 'logs')}/    Stop: ${command(dataDir === resolve('.rudder') ? 'down' : `down --data-dir ${dataDir}`)}`,
    '',
  ].join('\n');
}

/** The ports `up` will listen on that the user chose or that have no fallback, each with the flag that chooses it. */
function listenPorts(options: UpOptions, peerPort: number): UpPreflightInput['ports'] {
  const ports = Array.from({ length: options.apiservers }, (_, i) => ({ port: options.port + i, flag: '--port' }));
  if (options.apiservers > 1) ports.push(...Array.from({ length: options.apiservers }, (_, i) => ({ port: peerPort + i, flag: '--peer-port' })));
  if (options.schedulerPort !== undefined) ports.push({ port: options.schedulerPort, flag: '--scheduler-port' });
  if (options.controllerManagerPort !== undefined) ports.push({ port: options.controllerManagerPort, flag: '--controller-manager-port' });
  // a real node's kubelet listens in its namespace; only the simulated nodes' kubelet listens on the host
  if (options.simNodes && options.kubeletPort !== undefined) ports.push({ port: options.kubeletPort, flag: '--kubelet-port' });
  return ports;
}

/** Runs the preflight checks and prints their failures; false when one is fatal. */
async function preflight(options: UpOptions, dataDir: string, peerPort: number, nodesAsked: boolean): Promise<boolean> {
  const failures = await upPreflightFailures({
    dataDir,
    bindAddress: options.bindAddress,
    ports: listenPorts(options, peerPort),
    nodes: options.nodes ?? 0,
    nodeSubnet: options.nodeSubnet ?? DEFAULT_NODE_SUBNET,
    nodesAsked,
  });
  const outcome = sortFailures(failures, parseIgnored(options.ignorePreflightErrors ?? ''));
  for (const line of formatOutcome(outcome)) process.stderr.write(`${line}\n`);
  return outcome.errors.length === 0;
}

/** Real nodes are named as kind names its workers, after the cluster. */
function nodeNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `rudder-node-${i + 1}`);
}

function tail(path: string, lines = 20): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function upDetached(options: UpOptions, dataDir: string): Promise<number> {
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  const log = join(dataDir, 'logs', 'supervisor.log');
  const fd = openSync(log, 'a');
  const cli = fileURLToPath(new URL('../main.js', import.meta.url));
  const child = spawn(
    process.execPath,
    [
      cli, 'up', '--data-dir', dataDir, '--port', String(options.port), '--bind-address', options.bindAddress, '--log-level', options.logLevel,
      '--ready-timeout', String(options.readyTimeoutSeconds), '--apiservers', String(options.apiservers),
      ...(options.peerPort !== undefined ? ['--peer-port', String(options.peerPort)] : []),
      '--bus', options.bus, ...(options.redisUrl ? ['--redis-url', options.redisUrl] : []),
      ...(options.schedulerPort !== undefined ? ['--scheduler-port', String(options.schedulerPort)] : []),
      ...(options.controllerManagerPort !== undefined ? ['--controller-manager-port', String(options.controllerManagerPort)] : []),
      ...(options.simNodes ? ['--sim-nodes', String(options.simNodes)] : []),
      ...(options.kubeletPort !== undefined ? ['--kubelet-port', String(options.kubeletPort)] : []),
      '--nodes', String(options.nodes ?? 0),
      ...(options.nodeSubnet ? ['--node-subnet', options.nodeSubnet] : []),
      ...(options.ignorePreflightErrors ? ['--ignore-preflight-errors', options.ignorePreflightErrors] : []),
    ],
    { detached: true, stdio: ['ignore', fd, fd], env: process.env },
  );
  closeSync(fd);
  child.unref();
  const deadline = Date.now() + (options.readyTimeoutSeconds + 15) * 1000;
  while (Date.now() < deadline) {
    const state = readState(dataDir);
    if (state && state.supervisorPid === child.pid && state.ready) {
      process.stdout.write(usage(dataDir, state.kubeconfig));
      return 0;
    }
    if (child.pid === undefined || !isAlive(child.pid)) {
      process.stderr.write(`rudder: the cluster did not start. Supervisor log (${log}):\n${tail(log)}\n`);
      return 1;
    }
    await sleep(100);
  }
  process.stderr.write(`rudder: the cluster was not ready after ${options.readyTimeoutSeconds}s; see ${log}\n`);
  return 1;
}

export async function up(given: UpOptions): Promise<number> {
  let options = given;
  const dataDir = resolve(options.dataDir);
  const unavailable = options.nodes && !options.nodesAsked ? localNodesUnavailable() : undefined;
  if (unavailable) {
    // what a user without root or containerd still gets: the same number of simulated nodes
    process.stderr.write(`rudder: starting ${options.nodes} simulated nodes instead of real ones: ${unavailable}.\n`);
    options = { ...options, nodes: 0, simNodes: options.simNodes || options.nodes };
  }
  const peerPort = options.peerPort ?? options.port + 1000;
  if (!(await preflight(options, dataDir, peerPort, Boolean(options.nodesAsked && options.nodes)))) return 1;
  const localRedis = options.bus === 'redis' && !options.redisUrl;
  if (localRedis && !commandInstalled('redis-server')) {
    process.stderr.write(`rudder: ${REDIS_MISSING}\n`);
    return 1;
  }
  if (options.detach) return upDetached(options, dataDir);

  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const report = (message: string): void => void process.stderr.write(`rudder: ${message}\n`);
  let nodes: PreparedLocalNodes | undefined;
  if (options.nodes) {
    try {
      nodes = await prepareLocalNodes({ dataDir, cacheDir: rudderCacheDir(), names: nodeNames(options.nodes), podSubnet: CLUSTER_CIDR, ...(options.nodeSubnet ? { nodeSubnet: options.nodeSubnet } : {}), log: report });
    } catch (error) {
      process.stderr.write(`rudder: the nodes could not be made: ${(error as Error).message}\n`);
      return 1;
    }
    // the nodes reach the apiserver (and the components' health ports) at the host's address on their bridge
    if (options.bindAddress === '127.0.0.1') options = { ...options, bindAddress: nodes.plan.hostAddress };
    if (options.bindAddress !== nodes.plan.hostAddress && options.bindAddress !== '0.0.0.0') {
      process.stderr.write(`rudder: with --nodes the apiserver must listen where the nodes reach it: leave --bind-address out (the nodes' bridge, ${nodes.plan.hostAddress}) or use 0.0.0.0.\n`);
      await nodes.stop();
      return 1;
    }
  }
  const layout: ClusterLayout = {
    dataDir,
    bindAddress: options.bindAddress,
    apiserverPort: options.port,
    logLevel: options.logLevel,
    apiservers: options.apiservers,
    peerPort,
    bus: options.bus,
  };
  if (options.redisUrl) layout.redisUrl = options.redisUrl;
  layout.schedulerPort = options.schedulerPort ?? ((await portFree(options.bindAddress, DEFAULT_SCHEDULER_PORT)) ? DEFAULT_SCHEDULER_PORT : await freePort());
  layout.controllerManagerPort = options.controllerManagerPort ?? ((await portFree(options.bindAddress, DEFAULT_CONTROLLER_MANAGER_PORT)) ? DEFAULT_CONTROLLER_MANAGER_PORT : await freePort());
  if (options.simNodes) {
    layout.simNodes = options.simNodes;
    layout.kubeletPort = options.kubeletPort ?? ((await portFree(options.bindAddress, DEFAULT_KUBELET_PORT)) ? DEFAULT_KUBELET_PORT : await freePort());
  }
  if (nodes) {
    layout.nodes = nodes.nodes.map((node) => ({ name: node.name, netns: node.netns, address: node.address, podCIDR: node.podCIDR, dir: node.dir, containerdSocket: node.containerdSocket, containerdConfig: node.containerdConfig, podLogDir: node.podLogDir, cgroupParent: node.cgroupParent }));
    layout.podSubnet = CLUSTER_CIDR;
    layout.nodeHostAddress = nodes.plan.hostAddress;
    layout.kubeletPort ??= options.kubeletPort ?? DEFAULT_KUBELET_PORT;
  }
  // With real nodes the DNS answers on port 53 of their bridge address (this cluster's own); without
  // them no pod can reach it, and free ports keep clusters side by side from racing for 53 and 9153.
  layout.dnsPort = nodes && (await portFree(nodes.plan.hostAddress, DEFAULT_DNS_PORT)) ? DEFAULT_DNS_PORT : await freePort();
  layout.dnsMetricsPort = nodes && (await portFree(options.bindAddress, DEFAULT_DNS_METRICS_PORT)) ? DEFAULT_DNS_METRICS_PORT : await freePort();
  if (localRedis) {
    layout.localRedisPort = await freePort();
    mkdirSync(join(dataDir, 'redis'), { recursive: true });
  }
  const hosts = [...defaultServingHosts()];
  if (options.bindAddress !== '0.0.0.0') hosts.push(options.bindAddress);
  // processes in the nodes reach the apiserver at the bridge address; each node's kubelet serves its port with the cluster certificate too
  if (nodes) hosts.push(nodes.plan.hostAddress, ...nodes.nodes.map((node) => node.address));
  const pki = await ensurePki(pkiDir(dataDir), hosts);
  const token = ensureTokenFile(tokenFile(dataDir));
  const caPem = readFileSync(pki.caCert, 'utf8');
  const kubeconfig = kubeconfigPath(dataDir);
  writeKubeconfig(kubeconfig, { name: 'rudder', server: apiserverUrl(layout), caPem, token });
  // Every component runs as its own user (component-identities.ts).
  const identities = [
    SCHEDULER_IDENTITY,
    CONTROLLER_MANAGER_IDENTITY,
    DNS_IDENTITY,
    ...(layout.simNodes ? [SIM_KUBELET_IDENTITY] : []),
    ...(nodes?.nodes ?? []).flatMap((node) => [kubeletIdentity(node.name), proxyIdentity(node.name)]),
  ];
  await writeComponentKubeconfigs(dataDir, apiserverUrl(layout), caPem, await readCa(pki.caCert, pki.caKey), identities);

  const imports = new Map<string, Promise<Error | void>>();
  const supervisor = new Supervisor({
    dataDir,
    kubeconfig,
    caPem,
    readyTimeoutMs: options.readyTimeoutSeconds * 1000,
    report,
    layout: (({ dataDir: _dir, ...rest }) => rest)(layout),
    // A node's images load while the control plane starts; the cluster is ready once they are in.
    onReady: async (spec) => {
      // the addons the installer writes once the apiserver answers (the DNS cannot write its Service)
      if (spec.name === 'apiserver' || spec.replica?.id === 1) await writeKubeDnsAddon(kubeconfig, layout);
      for (const node of nodes?.nodes ?? []) {
        if (spec.name === `containerd-${node.name}`) imports.set(node.name, importLocalImages(node, nodes!.images).catch((error: unknown) => error as Error));
        if (spec.name === `kubelet-${node.name}`) {
          const failed = await imports.get(node.name);
          if (failed) throw new Error(`node ${node.name}: the local images did not load: ${failed.message}`);
        }
      }
    },
  });
  const removeNodes = async (): Promise<void> => {
    await nodes?.stop().catch((error: unknown) => report((error as Error).message));
  };
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    report(`${signal}: stopping the cluster`);
    await supervisor.stop();
    await removeNodes();
    removeState(dataDir);
    report('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('interrupt'));
  process.on('SIGTERM', () => void stop('terminate'));

  const components = clusterComponents(layout);
  report(`starting ${components.map((c) => c.name).join(', ')} (data in ${dataDir})`);
  if (!(await supervisor.start(components))) {
    await removeNodes();
    removeState(dataDir);
    const log = join(dataDir, 'logs', `${components.find((c) => c.name.startsWith('apiserver'))?.name ?? 'apiserver'}.log`);
    process.stderr.write(`rudder: the cluster did not start. Last lines of ${log}:\n${tail(log)}\n`);
    return 1;
  }
  process.stdout.write(usage(dataDir, kubeconfig));
  process.stdout.write('Press Ctrl-C to stop.\n');
  await new Promise<never>(() => undefined);
  return 0;
}
