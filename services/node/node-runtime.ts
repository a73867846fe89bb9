// The node container's containerd: configured as a local node's (lib/local-nodes), started here,
// given the local images from the image directory, and at the end emptied of every pod sandbox
// (so their mounts and cgroups go) before it stops.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CriClient } from '../../lib/cri/client.js';
import { importImageArchive } from '../../lib/images/import.js';
import { PAUSE_IMAGE } from '../../lib/images/local-images.js';
import { cniConfDir, containerdConfig, containerdRoot } from '../../lib/local-nodes/containerd-config.js';
import { startContainerd } from '../../lib/local-nodes/containerd-process.js';
import type { LocalNodePlan } from '../../lib/local-nodes/plan.js';
import { MadeRecord, recordPath } from '../../lib/local-nodes/record.js';

export interface NodeRuntime {
  pid: number;
  log: string;
  /** Names of the images imported. */
  images: string[];
}

/** Writes containerd's configuration (the CNI network comes once the pod CIDR is known), starts it and imports the archives. */
export async function startNodeRuntime(node: LocalNodePlan, imageDir: string): Promise<NodeRuntime> {
  for (const dir of [containerdRoot(node), node.stateDir, cniConfDir(node), node.podLogDir]) mkdirSync(dir, { recursive: true });
  const config = join(node.dir, 'containerd.toml');
  writeFileSync(config, containerdConfig(node, PAUSE_IMAGE));
  const containerd = await startContainerd(node, config, new MadeRecord(recordPath(node.dir)));
  const archives = existsSync(imageDir) ? readdirSync(imageDir).filter((name) => name.endsWith('.oci.tar')).sort() : [];
  for (const archive of archives) await importImageArchive(node.containerdSocket, join(imageDir, archive));
  const client = new CriClient(node.containerdSocket);
  try {
    const images = (await client.listImages()).flatMap((image) => image.repoTags ?? []);
    return { pid: containerd.pid, log: containerd.log, images };
  } finally {
    client.close();
  }
}

/** Stops and removes every pod sandbox (their containers, mounts, network and cgroups go with them). */
export async function removeAllPods(node: LocalNodePlan): Promise<number> {
  const client = new CriClient(node.containerdSocket, { requestTimeoutMs: 10_000 });
  try {
    const sandboxes = await client.listPodSandbox();
    for (const sandbox of sandboxes) {
      await client.stopPodSandbox(sandbox.id).catch(() => undefined);
      await client.removePodSandbox(sandbox.id).catch(() => undefined);
    }
    return sandboxes.length;
  } finally {
    client.close();
  }
}

