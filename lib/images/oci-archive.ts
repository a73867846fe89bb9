// Writes an OCI image archive (an image layout in a tar: oci-layout, index.json, blobs/sha256/*)
// from a root filesystem staged in a directory, as `ctr images import` reads it. One
// uncompressed layer; entries sorted and stamped with one mtime, so the same files give the same
// digests. The index names the image (io.containerd.image.name), so the import needs no flags.
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { create } from 'tar';

export interface ImageConfig {
  /** Full reference, e.g. rudder.local/busybox:stable. */
  name: string;
  entrypoint?: string[];
  cmd?: string[];
  env?: string[];
  workingDir?: string;
}

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

const EPOCH = new Date(0);

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every path under `dir`, relative and sorted, directories before what they hold. */
function sortedEntries(dir: string): string[] {
  const out: string[] = [];
  const walk = (sub: string): void => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = sub ? `${sub}/${entry.name}` : entry.name;
      out.push(path);
      if (entry.isDirectory()) walk(path);
    }
  };
  walk('');
  return out;
}

async function tarDirectory(dir: string, file: string): Promise<void> {
  await create({ file, cwd: dir, portable: true, mtime: EPOCH, noDirRecurse: true }, sortedEntries(dir));
}

function writeBlob(blobs: string, content: string, mediaType: string): Descriptor {
  const bytes = Buffer.from(content);
  const digest = createHash('sha256').update(bytes).digest('hex');
  writeFileSync(join(blobs, digest), bytes);
  return { mediaType, digest: `sha256:${digest}`, size: bytes.byteLength };
}

/**
 * Writes the archive of `rootfs` to `archive` (through a temporary file beside it, renamed into
 * place, so a reader never sees half of one). `work` is a scratch directory, removed afterwards.
 */
export async function writeOciArchive(rootfs: string, image: ImageConfig, archive: string, work: string): Promise<void> {
  rmSync(work, { recursive: true, force: true });
  const layout = join(work, 'layout');
  const blobs = join(layout, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  try {
    const layerTar = join(work, 'layer.tar');
    await tarDirectory(rootfs, layerTar);
    const layerDigest = await sha256File(layerTar);
    renameSync(layerTar, join(blobs, layerDigest));
    const layer: Descriptor = { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${layerDigest}`, size: statSync(join(blobs, layerDigest)).size };

    const config = writeBlob(
      blobs,
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: {
          Env: image.env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
          ...(image.entrypoint ? { Entrypoint: image.entrypoint } : {}),
          ...(image.cmd ? { Cmd: image.cmd } : {}),
          WorkingDir: image.workingDir ?? '/',
        },
        rootfs: { type: 'layers', diff_ids: [layer.digest] },
        history: [{ created: EPOCH.toISOString(), created_by: `rudder image ${image.name}` }],
      }),
      'application/vnd.oci.image.config.v1+json',
    );
    const manifest = writeBlob(
      blobs,
      JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers: [layer] }),
      'application/vnd.oci.image.manifest.v1+json',
    );
    const tag = image.name.slice(image.name.lastIndexOf(':') + 1);
    writeFileSync(
      join(layout, 'index.json'),
      JSON.stringify({
        schemaVersion: 2,
        manifests: [
          { ...manifest, platform: { architecture: 'amd64', os: 'linux' }, annotations: { 'io.containerd.image.name': image.name, 'org.opencontainers.image.ref.name': tag } },
        ],
      }),
    );
    writeFileSync(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));

    const partial = `${archive}.partial-${process.pid}`;
    await tarDirectory(layout, partial);
    renameSync(partial, archive);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

