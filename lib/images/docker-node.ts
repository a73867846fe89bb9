// The node image for compose's node services, made from this host where no registry is reachable:
// the Rudder image with the node tools (see node-tools.ts) and the local images' archives
// (rudder.local/node:stable, busybox, pause) in /opt/rudder/images, which the node agent imports
// into its containerd at start.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../process/run.js';
import { localImageArchives } from './local-images.js';
import { stageNodeTools } from './node-tools.js';
import { Rootfs } from './rootfs.js';

export const DOCKER_NODE_IMAGE = 'rudder-node:latest';
/** Where the node image keeps the local images' archives. */
export const NODE_IMAGE_ARCHIVES = '/opt/rudder/images';

/** Builds the node image on `from` (the Rudder image) in the engine `docker` reaches; returns its tag. */
export async function buildDockerNode(cacheDir: string, from = 'rudder:latest', tag = DOCKER_NODE_IMAGE): Promise<string> {
  const context = mkdtempSync(join(tmpdir(), 'rudder-docker-node-'));
  try {
    const rootfs = new Rootfs(join(context, 'rootfs'));
    stageNodeTools(rootfs);
    const archives = join(rootfs.dir, NODE_IMAGE_ARCHIVES.slice(1));
    mkdirSync(archives, { recursive: true });
    for (const image of await localImageArchives(cacheDir)) copyFileSync(image.archive, join(archives, `${image.name.replace(/^rudder\.local\//, '').replace(':', '-')}.oci.tar`));
    writeFileSync(join(context, 'Dockerfile'), `FROM ${from}\nCOPY rootfs/ /\n`);
    await runCommand('docker', ['build', '-q', '-t', tag, context], { timeoutMs: 400_000 });
    return tag;
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}
