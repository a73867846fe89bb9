// What `rudder up` checks before it starts or makes anything: the data dir is not held by a
// running cluster (or by processes an earlier run left) and can be written; the ports it will
// listen on are free where it will listen (the nodes' bridge address, with real nodes); and, when
// real nodes were asked for (--nodes N), root, the tools and the kernel features they need.
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { networkInterfaces } from 'node:os';
import { tcpPortTaken } from '../../lib/host/tcp-listeners.js';
import { nthAddress, parsePrefix } from '../../lib/local-nodes/ipv4.js';
import { missingLocalNodePrerequisites } from '../../lib/local-nodes/prerequisites.js';
import { MadeRecord, recordPath } from '../../lib/local-nodes/record.js';
import { portFree } from './port.js';
import type { PreflightFailure } from './preflight.js';
import { isAlive } from './process.js';
import { readState } from './state.js';

export interface UpPreflightInput {
  dataDir: string;
  /** Where the apiserver and the control plane's ports will listen, without real nodes. */
  bindAddress: string;
  /** Ports `up` will listen on, each with the flag that chooses it. */
  ports: { port: number; flag: string }[];
  /** Real nodes to make (0: none): the apiserver will listen on the first address of nodeSubnet. */
  nodes: number;
  nodeSubnet: string;
  /** They were asked for on the command line, so their prerequisites are checked (a default falls back to simulated nodes instead). */
  nodesAsked: boolean;
}

/** The command line of a process, or undefined when it cannot be read (gone, or not Linux). */
function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
}

function dataDirAvailable(dataDir: string): PreflightFailure[] {
  const state = readState(dataDir);
  if (!state) return [];
  const down = `rudder down --data-dir ${dataDir}`;
  if (isAlive(state.supervisorPid)) {
    return [{ check: 'DataDirAvailable', message: `${dataDir} holds a running cluster (supervisor pid ${state.supervisorPid}): use it (export KUBECONFIG=${state.kubeconfig}), stop it with \`${down}\`, or choose another --data-dir.` }];
  }
  // a supervisor that was killed may leave its components running; a reused pid does not name the data dir
  const left = state.components.filter((c) => isAlive(c.pid) && (commandLine(c.pid)?.includes(dataDir) ?? true));
  if (left.length === 0) return [];
  return [{ check: 'DataDirAvailable', message: `processes of an earlier run from ${dataDir} still run (${left.map((c) => `${c.name} pid ${c.pid}`).join(', ')}): stop them with \`${down}\`.` }];
}

function dataDirWritable(dataDir: string): PreflightFailure[] {
  let dir = dataDir;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  const problem = ((): string | undefined => {
    if (dir === dataDir && !statSync(dir).isDirectory()) return `${dataDir} is not a directory`;
    try {
      accessSync(dir, constants.W_OK);
      return undefined;
    } catch {
      return `${dir} is not writable by this user`;
    }
  })();
  return problem ? [{ check: 'DataDirWritable', message: `${problem}: choose another --data-dir, or fix its permissions.` }] : [];
}

async function portsAvailable(address: string, ports: UpPreflightInput['ports']): Promise<PreflightFailure[]> {
  const failures: PreflightFailure[] = [];
  for (const { port, flag } of ports) {
    // a trial bind cannot ask about the nodes' bridge address before the bridge exists: the listeners' table can
    const taken = tcpPortTaken(address, port) ?? !(await portFree(address, port));
    if (taken) failures.push({ check: `Port-${port}`, message: `port ${port} on ${address} is already in use (another cluster?): stop what listens there, or choose another port with ${flag}.` });
  }
  return failures;
}

/** The node network's host address is free, or held by the bridge this data dir's crashed run left (which `up` removes first). */
function nodeSubnetAvailable(dataDir: string, nodeSubnet: string, hostAddress: string): PreflightFailure[] {
  const ownBridges = new Set(new MadeRecord(recordPath(dataDir)).read().flatMap((made) => (made.kind === 'bridge' ? [made.name] : [])));
  const holder = Object.entries(networkInterfaces()).find(([name, addresses]) => !ownBridges.has(name) && (addresses ?? []).some((a) => a.address === hostAddress))?.[0];
  if (!holder) return [];
  return [{ check: 'NodeSubnetAvailable', message: `the node network ${nodeSubnet} is in use: ${holder} has ${hostAddress} (another cluster with nodes?): choose another with --node-subnet, or run it with --nodes 0.` }];
}

function nodePrerequisites(nodes: number): PreflightFailure[] {
  if (nodes === 0) return [];
  return missingLocalNodePrerequisites().map((m) => ({ check: m.check, message: `real nodes (--nodes ${nodes}) need ${m.what}: ${m.fix}.` }));
}

/** The host's address on the real nodes' bridge (the first of the node subnet); undefined without real nodes. */
function nodeHostAddress(input: UpPreflightInput): string | PreflightFailure | undefined {
  if (input.nodes === 0) return undefined;
  try {
    return nthAddress(parsePrefix(input.nodeSubnet), 1);
  } catch (error) {
    return { check: 'NodeSubnet', message: `--node-subnet ${input.nodeSubnet}: ${(error as Error).message}: give an IPv4 CIDR such as 10.213.0.0/24.` };
  }
}

export async function upPreflightFailures(input: UpPreflightInput): Promise<PreflightFailure[]> {
  const hostAddress = nodeHostAddress(input);
  if (typeof hostAddress === 'object') return [hostAddress];
  // with real nodes the apiserver listens on their bridge, unless on every address
  const address = hostAddress !== undefined && input.bindAddress !== '0.0.0.0' ? hostAddress : input.bindAddress;
  return [
    ...dataDirAvailable(input.dataDir),
    ...dataDirWritable(input.dataDir),
    ...(await portsAvailable(address, input.ports)),
    ...(hostAddress !== undefined ? nodeSubnetAvailable(input.dataDir, input.nodeSubnet, hostAddress) : []),
    ...(input.nodesAsked ? nodePrerequisites(input.nodes) : []),
  ];
}
