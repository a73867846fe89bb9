// rudder-node: configuration and wiring only. Runs a node in a container, as kind's node image
// does: its containerd (with the local images), its kubelet on it, its pod network and its proxy;
// when one of them dies the container exits (its restart policy brings the node back).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clusterAccess } from '../../lib/client/cluster-access.js';
import { writeKubeconfig } from '../../lib/client/kubeconfig.js';
import { RestClient } from '../../lib/client/rest-client.js';
import { loadOptions } from '../../lib/config/options.js';
import { hostIPv4 } from '../../lib/host/ipv4.js';
import { kubeletNodeFlags } from '../../lib/local-nodes/containerd-config.js';
import { createLogger } from '../../lib/observe/logger.js';
import { signalAndWait } from '../../lib/process/child.js';
import { containerNodePlan, ownCgroup } from './node-plan.js';
import { removeAllPods, startNodeRuntime } from './node-runtime.js';
import { nodeOptions } from './options.js';
import { makeSysWritable } from './writable-sys.js';
import { setUpPodNetwork, syncRoutes, waitForPodCidr } from './pod-network.js';

const options = loadOptions('rudder-node', nodeOptions, { description: 'A Rudder node in a container: its containerd, kubelet, pod network and proxy.' });
const log = createLogger('node', options.logLevel);
const services = join(dirname(fileURLToPath(import.meta.url)), '..');

const access = clusterAccess({ kubeconfig: '', master: options.master, certDir: options.certDir, tokenAuthFile: options.tokenAuthFile });
const client = new RestClient({ ...access, userAgent: 'rudder-node' });
const node = containerNodePlan({ name: options.hostnameOverride || hostname(), address: options.nodeIp || hostIPv4('eth0'), rootDir: options.rootDir, runDir: options.runDir, cgroup: ownCgroup() });
const kubeconfig = join(options.rootDir, 'kubeconfig');
writeKubeconfig(kubeconfig, { name: 'rudder', server: access.server, caPem: access.caPem ?? readFileSync(join(options.certDir, 'ca.crt'), 'utf8'), ...(access.token ? { token: access.token } : {}) });

const stopping = new AbortController();
const children: ChildProcess[] = [];
let containerdPid = 0;

/** Stops the node once (a component's exit while it stops is part of the stop, not a new one). */
const stop = async (reason: string, code: number): Promise<void> => {
  if (stopping.signal.aborted) return;
  stopping.abort();
  log.info({ reason }, 'stopping the node');
  for (const child of [...children].reverse()) await signalAndWait(child, 'SIGTERM').catch(() => undefined);
  if (containerdPid > 0) {
    const removed = await removeAllPods(node).catch((error: unknown) => (log.warn({ err: error }, 'pods not removed'), 0));
    log.info({ pods: removed }, 'pod sandboxes removed');
    process.kill(containerdPid, 'SIGTERM');
  }
  process.exit(code);
};
process.once('SIGTERM', () => void stop('SIGTERM', 0));
process.once('SIGINT', () => void stop('SIGINT', 0));

/** Runs a component of the node; the node stops when it exits. */
const run = (name: string, args: string[]): void => {
  const child = spawn(process.execPath, [join(services, name, 'main.js'), ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
  child.once('exit', (code, signal) => void stop(`${name} exited (${signal ?? code})`, 1));
  children.push(child);
};

const remounted = await makeSysWritable();
if (remounted.length > 0) log.info({ remounted }, 'made /sys and the cgroup hierarchies writable');
const runtime = await startNodeRuntime(node, options.imageDir);
containerdPid = runtime.pid;
log.info({ node: node.name, address: node.address, containerd: runtime.pid, images: runtime.images, cgroupParent: node.cgroupParent }, 'containerd ready');

run('kubelet', [
  '--master', options.master, '--cert-dir', options.certDir, '--token-auth-file', options.tokenAuthFile,
  '--address', '0.0.0.0', '--port', String(options.kubeletPort),
  ...kubeletNodeFlags(node),
  '--cluster-cidr', options.clusterCidr, '--cluster-dns', options.clusterDns, '--cluster-domain', options.clusterDomain,
  '--log-level', options.logLevel,
]);

node.podCIDR = await waitForPodCidr(client, node.name, stopping.signal);
await setUpPodNetwork(node, options.clusterCidr);
log.info({ podCIDR: node.podCIDR }, 'pod network ready');

run('proxy', ['--kubeconfig', kubeconfig, '--hostname-override', node.name, '--cluster-cidr', options.clusterCidr, '--healthz-bind-address', `0.0.0.0:${options.proxyHealthzPort}`, '--log-level', options.logLevel]);

let known = '';
const timer = setInterval(() => {
  void syncRoutes(client, node.name).then(
    (routes) => {
      if (routes.join() !== known) log.info({ routes }, 'routes to the other nodes\' pods');
      known = routes.join();
    },
    (error: unknown) => log.warn({ err: error }, 'routes not synced'),
  );
}, options.routeSyncPeriod);
stopping.signal.addEventListener('abort', () => clearInterval(timer));
