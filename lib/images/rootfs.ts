// Stages an image's root filesystem in a directory from files of this host: busybox with its
// applets as symlinks, a dynamically linked program with the shared libraries `ldd` lists, and a
// minimal /etc. What the images hold is read from the host, never downloaded.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

export class Rootfs {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private target(path: string): string {
    return join(this.dir, path.replace(/^\/+/, ''));
  }

  /** Copies the host file `source` (symlinks followed) to `path` in the image, keeping its mode. */
  copy(source: string, path: string): void {
    const target = this.target(path);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(realpathSync(source), target);
    chmodSync(target, statSync(source).mode & 0o7777);
  }

  write(path: string, content: string, mode = 0o644): void {
    const target = this.target(path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content, { mode });
  }

  /** A relative symlink at `path` to `to` (both absolute in the image). */
  link(path: string, to: string): void {
    const target = this.target(path);
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(relative(dirname(path), to) || '.', target);
  }

  directory(path: string, mode = 0o755): void {
    mkdirSync(this.target(path), { recursive: true, mode });
    chmodSync(this.target(path), mode);
  }

  /** /etc/passwd and /etc/group with root and nobody, and /tmp. */
  basics(): void {
    this.write('/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
    this.write('/etc/group', 'root:x:0:\nnogroup:x:65534:\n');
    this.directory('/tmp', 0o1777);
    this.directory('/root', 0o700);
  }

  /** The static busybox at /bin/busybox and every applet it lists, as symlinks to it. */
  busybox(source: string): void {
    this.copy(source, '/bin/busybox');
    const applets = execFileSync(source, ['--list-full'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const applet of applets) {
      if (applet === 'bin/busybox') continue;
      this.link(`/${applet}`, '/bin/busybox');
    }
  }

  /** `program` at `path` with each shared library ldd names, at the path ldd names it by. */
  dynamicProgram(program: string, path: string): void {
    this.copy(program, path);
    for (const library of sharedLibraries(program)) this.copy(library, library);
  }
}

/** The absolute paths of the shared libraries (and the loader) `ldd` lists for `program`; none when it is static. */
export function sharedLibraries(program: string): string[] {
  const result = spawnSync('ldd', [program], { encoding: 'utf8' });
  if (result.error) throw new Error(`ldd ${program}: ${result.error.message}`);
  if (result.status !== 0) {
    if (/not a dynamic executable/.test(result.stderr + result.stdout)) return [];
    throw new Error(`ldd ${program} failed: ${result.stderr.trim()}`);
  }
  const out = result.stdout;
  const paths = new Set<string>();
  for (const line of out.split('\n')) {
    const resolved = /=>\s+(\/\S+)/.exec(line)?.[1] ?? /^\s*(\/\S+)\s+\(/.exec(line)?.[1];
    if (resolved) paths.add(resolved);
  }
  return [...paths].sort();
}
