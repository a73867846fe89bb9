// Real local nodes, the way kind runs nodes in containers: per node a network namespace on a host
// bridge, its own containerd (CRI plugin, CNI over the node's podCIDR, cgroup parent) started in
// that namespace, and the local images imported. Everything made is recorded under the data dir
// first, so stop() — or cleanupLocalNodes() after a crash — removes all of it.
import { mkdirSync } from 'node:fs';
import { CriClient } from '../cri/client.js';
import { importImageArchive } from '../images/import.js';
import { localImageArchives, PAUSE_IMAGE, type LocalImageArchive } from '../images/local-images.js';
import { cleanupRecorded } from './cleanup.js';
import { recordContainerd, startContainerd, writeNodeConfig } from './containerd-process.js';
import { createBridge, createNodeNamespace } from './network.js';
import { planLocalNodes, type LocalNodePlan, type LocalNodesOptions, type LocalNodesPlan } from './plan.js';
import { MadeRecord, recordPath } from './record.js';

export interface LocalNode extends PreparedNode {
  containerdPid: number;
  containerdLog: string;
}

export interface LocalNodes {
  plan: LocalNodesPlan;
  nodes: LocalNode[];
  /** Removes everything that was made (processes, containers, mounts, cgroups, namespaces, links). */
  stop(): Promise<void>;
}

export interface StartLocalNodesOptions extends LocalNodesOptions {
  /** Where the local images are built and kept (Rudder's cache). */
  cacheDir: string;
  log?: (message: string) => void;
}

/** Removes what an earlier run under `dataDir` made and did not remove (after a crash). */
export function cleanupLocalNodes(dataDir: string): Promise<void> {
  return cleanupRecorded(new MadeRecord(recordPath(dataDir)));
}

/** A node whose network, directories and containerd configuration exist; its containerd is not started yet. */
export interface PreparedNode extends LocalNodePlan {
  /** containerd's configuration file. */
  containerdConfig: string;
}

export interface PreparedLocalNodes {
  plan: LocalNodesPlan;
  nodes: PreparedNode[];
  /** The local images' archives, to import into each node's containerd once it runs. */
  images: LocalImageArchive[];
  /** Removes everything that was made, whoever started the containerds. */
  stop(): Promise<void>;
}

/**
 * Makes the node network (bridge, namespaces, veths, routes), each node's directories and
 * containerd configuration, and builds the local images; a supervisor then runs each containerd
 * (containerdCommand) and imports the images (importLocalImages). Everything is recorded first.
 */
export async function prepareLocalNodes(options: StartLocalNodesOptions): Promise<PreparedLocalNodes> {
  const record = new MadeRecord(recordPath(options.dataDir));
  if (record.read().length > 0) {
    options.log?.('removing what an earlier run of local nodes left');
    await cleanupRecorded(record);
  }
  const plan = planLocalNodes(options);
  const images = await localImageArchives(options.cacheDir);
  try {
    record.add({ kind: 'dir', path: plan.stateRoot });
    mkdirSync(plan.stateRoot, { recursive: true });
    record.add({ kind: 'cgroup', path: plan.cgroupRoot });
    await createBridge(plan, record);
    for (const node of plan.nodes) await createNodeNamespace(plan, node, record);
    const nodes = plan.nodes.map((node): PreparedNode => {
      const containerdConfig = writeNodeConfig(node, PAUSE_IMAGE, record);
      recordContainerd(node, record);
      return { ...node, containerdConfig };
    });
    return { plan, nodes, images, stop: () => cleanupRecorded(record) };
  } catch (error) {
    await cleanupRecorded(record).catch((cleanupError: unknown) => options.log?.(String(cleanupError)));
    throw error;
  }
}

/** Imports the local images into a running node's containerd and checks its CRI plugin sees them. */
export async function importLocalImages(node: LocalNodePlan, images: readonly LocalImageArchive[]): Promise<void> {
  for (const image of images) await importImageArchive(node.containerdSocket, image.archive);
  await checkImages(node, images.map((i) => i.name));
}

/** Prepares the nodes and starts each containerd itself (not under a supervisor), as tests do. */
export async function startLocalNodes(options: StartLocalNodesOptions): Promise<LocalNodes> {
  const prepared = await prepareLocalNodes(options);
  const record = new MadeRecord(recordPath(options.dataDir));
  try {
    const nodes = await Promise.all(
      prepared.nodes.map(async (node): Promise<LocalNode> => {
        const containerd = await startContainerd(node, node.containerdConfig, record);
        await importLocalImages(node, prepared.images);
        options.log?.(`node ${node.name}: ${node.address}, podCIDR ${node.podCIDR}, containerd ${containerd.pid}`);
        return { ...node, containerdPid: containerd.pid, containerdLog: containerd.log };
      }),
    );
    return { plan: prepared.plan, nodes, stop: prepared.stop };
  } catch (error) {
    await prepared.stop().catch((cleanupError: unknown) => options.log?.(String(cleanupError)));
    throw error;
  }
}

/** The CRI plugin must see the imported images, or the first pod would try a registry. */
async function checkImages(node: LocalNodePlan, names: readonly string[]): Promise<void> {
  const client = new CriClient(node.containerdSocket);
  try {
    for (const name of names) {
      if (!(await client.imageStatus({ image: name }))) throw new Error(`node ${node.name}: containerd's CRI plugin does not list ${name} after its import`);
    }
  } finally {
    client.close();
  }
}
