// Local images as OCI archives: the layout `ctr images import` reads, named by the index, with
// digests that match their blobs, and the same bytes every time for the same files.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { extract, list } from 'tar';
import { rudderCacheDir } from '../lib/host/cache-dir.js';
import { writeOciArchive } from '../lib/images/oci-archive.js';
import { hostBusybox, localImageArchives } from '../lib/images/local-images.js';
import { Rootfs, sharedLibraries } from '../lib/images/rootfs.js';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

async function entries(file: string): Promise<string[]> {
  const names: string[] = [];
  await list({ file, onReadEntry: (entry) => names.push(entry.path) });
  return names;
}

t.test('an archive of a staged root filesystem', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-oci-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const rootfs = new Rootfs(join(dir, 'rootfs'));
  rootfs.basics();
  rootfs.write('/bin/hello', '#!/bin/sh\necho hello\n', 0o755);
  rootfs.link('/usr/bin/hi', '/bin/hello');

  const archive = join(dir, 'hello.tar');
  await writeOciArchive(rootfs.dir, { name: 'rudder.local/hello:stable', entrypoint: ['/bin/hello'] }, archive, join(dir, 'work'));
  t.same((await entries(archive)).filter((e) => !e.startsWith('blobs/sha256/') || e === 'blobs/sha256/'), ['blobs/', 'blobs/sha256/', 'index.json', 'oci-layout']);

  const out = join(dir, 'out');
  mkdirSync(out);
  await extract({ file: archive, cwd: out });
  const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'));
  t.equal(index.manifests[0].annotations['io.containerd.image.name'], 'rudder.local/hello:stable', 'the index names the image');
  t.equal(index.manifests[0].annotations['org.opencontainers.image.ref.name'], 'stable');
  const blob = (digest: string): Buffer => readFileSync(join(out, 'blobs', 'sha256', digest.replace('sha256:', '')));
  const manifestBytes = blob(index.manifests[0].digest);
  t.equal(`sha256:${sha256(manifestBytes)}`, index.manifests[0].digest, 'the manifest blob matches its digest');
  const manifest = JSON.parse(manifestBytes.toString());
  const layer = blob(manifest.layers[0].digest);
  t.equal(`sha256:${sha256(layer)}`, manifest.layers[0].digest, 'the layer matches its digest');
  t.equal(layer.length, manifest.layers[0].size);
  const config = JSON.parse(blob(manifest.config.digest).toString());
  t.same(config.rootfs.diff_ids, [manifest.layers[0].digest], 'an uncompressed layer is its own diff id');
  t.same(config.config.Entrypoint, ['/bin/hello']);
  t.equal(config.os, 'linux');

  const layerFile = join(dir, 'layer.tar');
  writeFileSync(layerFile, layer);
  t.same(await entries(layerFile), ['bin/', 'bin/hello', 'etc/', 'etc/group', 'etc/passwd', 'root/', 'tmp/', 'usr/', 'usr/bin/', 'usr/bin/hi'], 'sorted, directories first');

  const again = join(dir, 'again.tar');
  await writeOciArchive(rootfs.dir, { name: 'rudder.local/hello:stable', entrypoint: ['/bin/hello'] }, again, join(dir, 'work'));
  t.equal(sha256(readFileSync(again)), sha256(readFileSync(archive)), 'the same files give the same archive');
});

t.test('shared libraries of a program', async (t) => {
  const libraries = sharedLibraries(process.execPath);
  t.ok(libraries.some((path) => /\/libc\.so\.6$/.test(path)), 'node links libc');
  t.ok(libraries.some((path) => /ld-linux/.test(path)), 'and names its loader');
  const busybox = hostBusybox();
  if (busybox) t.same(sharedLibraries(busybox), [], 'a static busybox needs none');
});

t.test('the local images are built once and kept', { skip: hostBusybox() || process.env.RUDDER_CI ? undefined : 'busybox is not installed (busybox-static)' }, async (t) => {
  // the machine's cache, as the nodes use it: what is missing is built now, once
  const first = await localImageArchives(rudderCacheDir());
  t.same(first.map((i) => i.name), ['rudder.local/busybox:stable', 'rudder.local/node:stable', 'rudder.local/pause:stable']);
  const second = await localImageArchives(rudderCacheDir());
  t.same(second.map((i) => i.built), [false, false, false], 'a second call finds them in the cache');
  t.same(second.map((i) => i.archive), first.map((i) => i.archive));
  for (const image of second) t.match(image.archive, /\/images\/(busybox|node|pause)-stable-[0-9a-f]{16}\.oci\.tar$/);
  const pause = await entries(second[2]!.archive);
  t.ok(pause.includes('index.json') && pause.includes('oci-layout'), 'an OCI layout');
});
