// The images every local node has without a registry: busybox (Debian's busybox-static), Node.js
// (this host's, with its shared libraries, and busybox beside it for sh, tar and wget) and the pod
// sandbox image (busybox's sleep as the sandbox's process). Built from host files into OCI
// archives kept in Rudder's cache, rebuilt when a file they are made of changes; tagged `stable`,
// not `latest`, so the default pull policy (IfNotPresent) never asks a registry for them.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeOciArchive, type ImageConfig } from './oci-archive.js';
import { Rootfs, sharedLibraries } from './rootfs.js';

export const BUSYBOX_IMAGE = 'rudder.local/busybox:stable';
export const NODE_IMAGE = 'rudder.local/node:stable';
/** The sandbox ("pause") image: /bin/sleep (busybox) sleeping forever as the sandbox's process. */
export const PAUSE_IMAGE = 'rudder.local/pause:stable';

/** Bumped when what the images hold changes, so cached archives are rebuilt. */
const LAYOUT_VERSION = 1;

const BUSYBOX_PATHS = ['/bin/busybox', '/usr/bin/busybox'];

export function hostBusybox(): string | undefined {
  return BUSYBOX_PATHS.find((path) => existsSync(path));
}

interface LocalImage {
  config: ImageConfig;
  /** Host files the image is made of: their sizes and times key the cached archive. */
  inputs(): string[];
  stage(rootfs: Rootfs): void;
}

function busybox(): string {
  const path = hostBusybox();
  if (!path) throw new Error(`busybox is not installed (looked for ${BUSYBOX_PATHS.join(', ')}); install Debian's busybox-static to build the local images`);
  return path;
}

/** Busybox, statically linked or with what it links. */
function stageBusybox(rootfs: Rootfs): void {
  rootfs.busybox(busybox());
  for (const library of sharedLibraries(busybox())) rootfs.copy(library, library);
}

const IMAGES: readonly LocalImage[] = [
  {
    config: { name: BUSYBOX_IMAGE, cmd: ['sh'] },
    inputs: () => [busybox(), ...sharedLibraries(busybox())],
    stage: (rootfs) => {
      rootfs.basics();
      stageBusybox(rootfs);
    },
  },
  {
    config: { name: NODE_IMAGE, cmd: ['node'] },
    inputs: () => [process.execPath, ...sharedLibraries(process.execPath), busybox()],
    stage: (rootfs) => {
      rootfs.basics();
      stageBusybox(rootfs);
      rootfs.dynamicProgram(process.execPath, '/usr/local/bin/node');
    },
  },
  {
    config: { name: PAUSE_IMAGE, entrypoint: ['/bin/sleep', 'infinity'] },
    inputs: () => [busybox(), ...sharedLibraries(busybox())],
    stage: (rootfs) => {
      rootfs.copy(busybox(), '/bin/busybox');
      for (const library of sharedLibraries(busybox())) rootfs.copy(library, library);
      rootfs.link('/bin/sleep', '/bin/busybox');
    },
  },
];

export const LOCAL_IMAGE_NAMES: readonly string[] = IMAGES.map((image) => image.config.name);

function cacheKey(image: LocalImage): string {
  const files = image.inputs().map((path) => {
    const stat = statSync(path);
    return [path, stat.size, stat.mtimeMs];
  });
  return createHash('sha256')
    .update(JSON.stringify({ version: LAYOUT_VERSION, config: image.config, files }))
    .digest('hex')
    .slice(0, 16);
}

export interface LocalImageArchive {
  name: string;
  archive: string;
  /** Whether this call built it (false: it was in the cache). */
  built: boolean;
}

/**
 * The archives of the local images under `<cacheDir>/images/`, building those missing. Safe to
 * call from several processes at once: each builds in its own scratch directory and renames.
 */
export async function localImageArchives(cacheDir: string): Promise<LocalImageArchive[]> {
  const dir = join(cacheDir, 'images');
  mkdirSync(dir, { recursive: true });
  const out: LocalImageArchive[] = [];
  for (const image of IMAGES) {
    const base = image.config.name.replace(/^rudder\.local\//, '').replace(':', '-');
    const archive = join(dir, `${base}-${cacheKey(image)}.oci.tar`);
    if (existsSync(archive)) {
      out.push({ name: image.config.name, archive, built: false });
      continue;
    }
    const work = join(dir, `.build-${base}-${process.pid}`);
    try {
      const rootfs = new Rootfs(join(work, 'rootfs'));
      image.stage(rootfs);
      await writeOciArchive(rootfs.dir, image.config, archive, join(work, 'oci'));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    // Archives of this image made from older host files are of no more use.
    for (const stale of readdirSync(dir)) {
      if (stale.startsWith(`${base}-`) && stale.endsWith('.oci.tar') && join(dir, stale) !== archive) rmSync(join(dir, stale), { force: true });
    }
    out.push({ name: image.config.name, archive, built: true });
  }
  return out;
}
