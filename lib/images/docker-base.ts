// A Docker base image made from this host, for machines that reach no registry: the root
// filesystem of the local node image (rudder.local/node:stable: Node.js with the libraries it
// links, and busybox) given to `docker import`. The Dockerfile takes it as BASE_IMAGE.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extract } from 'tar';
import { runCommand } from '../process/run.js';
import { localImageArchives, NODE_IMAGE } from './local-images.js';

export const DOCKER_BASE_IMAGE = 'rudder.local/base:node';

interface OciDescriptor {
  digest: string;
}

function blob(layout: string, digest: string): string {
  return join(layout, 'blobs', 'sha256', digest.replace(/^sha256:/, ''));
}

/** Imports the base image into the Docker engine `docker` reaches (DOCKER_HOST in `env`); returns its tag. */
export async function importDockerBase(cacheDir: string, tag = DOCKER_BASE_IMAGE): Promise<string> {
  const archive = (await localImageArchives(cacheDir)).find((image) => image.name === NODE_IMAGE);
  if (!archive) throw new Error(`no local archive of ${NODE_IMAGE}`);
  const layout = mkdtempSync(join(tmpdir(), 'rudder-docker-base-'));
  try {
    await extract({ file: archive.archive, cwd: layout });
    const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: OciDescriptor[] };
    const manifest = JSON.parse(readFileSync(blob(layout, index.manifests[0]!.digest), 'utf8')) as { layers: OciDescriptor[] };
    const changes = ['ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'CMD ["node"]'];
    await runCommand('docker', ['import', ...changes.flatMap((change) => ['--change', change]), blob(layout, manifest.layers[0]!.digest), tag], { timeoutMs: 300_000 });
    return tag;
  } finally {
    rmSync(layout, { recursive: true, force: true });
  }
}
