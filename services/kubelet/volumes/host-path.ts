// hostPath volumes (and hostPath/local PersistentVolumes): the node's own path, checked against
// the volume's type as Kubernetes does (pkg/volume/hostpath): DirectoryOrCreate and FileOrCreate
// make what is missing; Directory, File, Socket, CharDevice and BlockDevice require it.
import { closeSync, mkdirSync, openSync, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { VolumeError } from './volume-error.js';

function stat(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

const KIND_CHECKS: Record<string, [string, (s: Stats) => boolean]> = {
  Directory: ['a directory', (s) => s.isDirectory()],
  File: ['a file', (s) => s.isFile()],
  Socket: ['a socket file', (s) => s.isSocket()],
  CharDevice: ['a character device', (s) => s.isCharacterDevice()],
  BlockDevice: ['a block device', (s) => s.isBlockDevice()],
};

export function checkHostPath(path: string, type: string | undefined): void {
  if (!type) return;
  if (type === 'DirectoryOrCreate') {
    if (!stat(path)) mkdirSync(path, { recursive: true, mode: 0o755 });
  } else if (type === 'FileOrCreate') {
    if (!stat(path)) {
      mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
      closeSync(openSync(path, 'a', 0o644));
    }
  }
  const kind = KIND_CHECKS[type.replace(/OrCreate$/, '')];
  if (!kind) throw new VolumeError(`hostPath type ${type} is not supported`);
  const found = stat(path);
  if (!found) throw new VolumeError(`hostPath type check failed: ${path} does not exist`);
  if (!kind[1](found)) throw new VolumeError(`hostPath type check failed: ${path} is not ${kind[0]}`);
}
