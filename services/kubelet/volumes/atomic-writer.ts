// Kubernetes' AtomicWriter (pkg/volume/util/atomic_writer.go): a volume's files are written into a
// fresh hidden directory `..<timestamp>`, `..data` is swapped to point at it with a rename (atomic),
// and every visible top-level name is a symlink through `..data`, so a reader sees either the old
// or the new set of files, never a mix. The previous directory is removed after the swap.
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** One file of a volume: its bytes and permission bits. */
export interface ProjectedFile {
  data: Buffer;
  mode: number;
}

/** Relative path (no `..`, not absolute) → file. */
export type Payload = Map<string, ProjectedFile>;

const DATA_LINK = '..data';
const TMP_LINK = '..data_tmp';

function currentDir(target: string): string | undefined {
  try {
    return readlinkSync(join(target, DATA_LINK));
  } catch {
    return undefined;
  }
}

/** Whether the files under `..data` are exactly the payload (bytes and modes). */
function unchanged(target: string, payload: Payload): boolean {
  const current = currentDir(target);
  if (!current) return false;
  const base = join(target, current);
  const seen = new Set<string>();
  const walk = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(join(dir, entry.name), rel);
      else seen.add(rel);
    }
  };
  try {
    walk(base, '');
  } catch {
    return false;
  }
  if (seen.size !== payload.size) return false;
  for (const [path, file] of payload) {
    if (!seen.has(path)) return false;
    const full = join(base, path);
    if ((statSync(full).mode & 0o7777) !== file.mode || !readFileSync(full).equals(file.data)) return false;
  }
  return true;
}

export function validPayloadPath(path: string): boolean {
  return path !== '' && !path.startsWith('/') && !path.split('/').some((part) => part === '..' || part === '' || part.startsWith('..'));
}

/**
 * Makes `target` hold exactly `payload`; returns whether anything changed. `target` must exist
 * (the volume's directory, a tmpfs for secrets).
 */
export function writeAtomically(target: string, payload: Payload): boolean {
  for (const path of payload.keys()) if (!validPayloadPath(path)) throw new Error(`invalid file path ${JSON.stringify(path)} in volume`);
  if (unchanged(target, payload)) return false;
  const previous = currentDir(target);
  const stamp = new Date().toISOString().replace(/[-:]/g, '_').replace(/Z$/, '');
  const fresh = mkdtempSync(join(target, `..${stamp}.`));
  chmodSync(fresh, 0o755);
  for (const [path, file] of payload) {
    const full = join(fresh, path);
    mkdirSync(dirname(full), { recursive: true, mode: 0o755 });
    writeFileSync(full, file.data);
    chmodSync(full, file.mode);
  }
  const freshName = fresh.slice(target.length + 1);
  rmSync(join(target, TMP_LINK), { force: true });
  symlinkSync(freshName, join(target, TMP_LINK));
  renameSync(join(target, TMP_LINK), join(target, DATA_LINK));

  // the visible names: one symlink per top-level entry of the payload, through ..data
  const visible = new Set([...payload.keys()].map((path) => path.split('/')[0]!));
  for (const name of visible) {
    const link = join(target, name);
    let exists = false;
    try {
      exists = lstatSync(link).isSymbolicLink();
    } catch {
      // not yet there
    }
    if (!exists) symlinkSync(join(DATA_LINK, name), link);
  }
  for (const name of readdirSync(target)) {
    if (name.startsWith('..') || visible.has(name)) continue;
    rmSync(join(target, name), { force: true, recursive: true });
  }
  if (previous && previous !== freshName) rmSync(join(target, previous), { recursive: true, force: true });
  return true;
}
