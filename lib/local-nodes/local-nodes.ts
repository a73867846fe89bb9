// Real local nodes, the way kind runs nodes in containers: per node a network namespace on a host
// bridge, its own containerd (CRI plugin, CNI over the node's podCIDR, cgroup parent) started in
// that namespace, and the local images imported. Everything made is recorded under the data dir
// first, so stop() — or cleanupLocalNodes() after a crash — removes all of it.
import { mkdirSync } from 'node:fs';
import { CriClient } from '../cri/client.js';
import { importImageArchive } from '../images/import.js';
import { localImageArchives, PAUSE_IMAGE } from '../images/local-images.js';
import { cleanupRecorded } from './cleanup.js';
import { startContainerd, writeNodeConfig } from './containerd-process.js';
import { createBridge, createNodeNamespace } from './network.js';
import { planLocalNodes, type LocalNodePlan, type LocalNodesOptions, type LocalNodesPlan } from './plan.js';
import { MadeRecord, recordPath } from './record.js';

export interface LocalNode extends LocalNodePlan {
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

export async function startLocalNodes(options: StartLocalNodesOptions): Promise<LocalNodes> {
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
    const nodes = await Promise.all(
      plan.nodes.map(async (node): Promise<LocalNode> => {
        const config = writeNodeConfig(node, PAUSE_IMAGE, record);
        const containerd = await startContainerd(node, config, record);
        for (const image of images) await importImageArchive(node.containerdSocket, image.archive);
        await checkImages(node, images.map((i) => i.name));
        options.log?.(`node ${node.name}: ${node.address}, podCIDR ${node.podCIDR}, containerd ${containerd.pid}`);
        return { ...node, containerdPid: containerd.pid, containerdLog: containerd.log };
      }),
    );
    return { plan, nodes, stop: () => cleanupRecorded(record) };
  } catch (error) {
    await cleanupRecorded(record).catch((cleanupError: unknown) => options.log?.(String(cleanupError)));
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
