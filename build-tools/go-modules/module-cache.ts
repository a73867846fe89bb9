// The files a build keeps from a Go module, fetched once per machine. The module zip (from Go's
// module cache when `go` already downloaded it, else from the module proxy) is checked against its
// go.sum hash; the selected files are kept under <cache>/go-modules/<path>@<version>/ with their
// SHA-256, and later builds read them from there. The k8s.io/kubernetes zip is 20 MB for the one
// 4 MB file the build needs, so only the selection is kept, never the zip.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { goModCacheDir, goModCacheZip, rudderCacheDir } from './cache-dirs.js';
import { downloadModuleZip, proxyBase } from './go-proxy.js';
import { moduleId, type GoModule, type ModuleSelection } from './go-module.js';
import { readModuleZip, type ModuleFiles } from './module-zip.js';

export interface ModuleSourceOptions {
  /** Rudder's cache (default: rudderCacheDir()). */
  cacheDir?: string;
  /** Go's module cache to take zips from (default: goModCacheDir()); null never looks there. */
  goModCache?: string | null;
  /** Defaults to $GOPROXY. */
  goproxy?: string;
  /** The module zip, already in hand (skips the cache lookups and the network). */
  zip?: Uint8Array;
  /** Progress. */
  log?: (message: string) => void;
  /** Problems that do not stop the build. */
  warn?: (message: string) => void;
}

export interface KeptModule {
  /** The selected files, by name relative to the module root. */
  files: ModuleFiles;
  /** Bytes fetched from the proxy for this call (0 when a cache answered). */
  downloadedBytes: number;
}

/** What a cache entry holds, written after its files: its presence means the entry is complete. */
interface CacheIndex {
  module: string;
  h1: string;
  files: string[];
  dirs: string[];
  sha256: Record<string, string>;
}

const INDEX_FILE = '.rudder-kept.json';
const GENERATED_GO = /(^|\/)(generated\.pb\.go|zz_generated\.[^/]*\.go|[^/]*_generated\.go)$/;

function isSelected(name: string, selection: ModuleSelection): boolean {
  if (selection.files?.includes(name)) return true;
  const dir = dirname(name);
  if (!selection.dirs?.includes(dir === '.' ? '' : dir)) return false;
  return !name.endsWith('_test.go') && !GENERATED_GO.test(name);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function entryDir(cacheDir: string, module: GoModule): string {
  return join(cacheDir, 'go-modules', moduleId(module));
}

function union(a: readonly string[] = [], b: readonly string[] = []): string[] {
  return [...new Set([...a, ...b])].sort();
}

function readIndex(dir: string, module: GoModule): CacheIndex | undefined {
  try {
    const index = JSON.parse(readFileSync(join(dir, INDEX_FILE), 'utf8')) as CacheIndex;
    return index.module === moduleId(module) && index.h1 === module.h1 ? index : undefined;
  } catch {
    return undefined;
  }
}

/** The selection from a complete cache entry, or undefined when the entry lacks any of it or a file changed. */
function readCached(dir: string, index: CacheIndex, selection: ModuleSelection): ModuleFiles | undefined {
  const covered = (selection.files ?? []).every((f) => index.files.includes(f)) && (selection.dirs ?? []).every((d) => index.dirs.includes(d));
  if (!covered) return undefined;
  const files: ModuleFiles = new Map();
  try {
    for (const [name, digest] of Object.entries(index.sha256)) {
      if (!isSelected(name, selection)) continue;
      const content = new Uint8Array(readFileSync(join(dir, name)));
      if (sha256(content) !== digest) return undefined;
      files.set(name, content);
    }
  } catch {
    return undefined;
  }
  return files;
}

/** Replaces the entry with `files`; written beside it and renamed, so a reader never sees half of one. */
function writeCached(dir: string, module: GoModule, selection: Required<ModuleSelection>, files: ModuleFiles): void {
  const staging = `${dir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    const index: CacheIndex = { module: moduleId(module), h1: module.h1, files: [...selection.files], dirs: [...selection.dirs], sha256: {} };
    for (const [name, content] of files) {
      mkdirSync(dirname(join(staging, name)), { recursive: true });
      writeFileSync(join(staging, name), content);
      index.sha256[name] = sha256(content);
    }
    writeFileSync(join(staging, INDEX_FILE), `${JSON.stringify(index, null, 1)}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function moduleZip(module: GoModule, options: ModuleSourceOptions): Promise<{ zip: Uint8Array; downloaded: boolean }> {
  if (options.zip) return { zip: options.zip, downloaded: false };
  const goModCache = options.goModCache === undefined ? goModCacheDir() : options.goModCache;
  const local = goModCache === null ? undefined : goModCacheZip(module, goModCache);
  if (local) {
    options.log?.(`reading ${moduleId(module)} from Go's module cache (${local})`);
    return { zip: new Uint8Array(readFileSync(local)), downloaded: false };
  }
  const base = proxyBase(options.goproxy);
  options.log?.(`downloading ${moduleId(module)} from ${base}`);
  return { zip: await downloadModuleZip(base, module), downloaded: true };
}

/**
 * The selected files of `module`, from the cache when it holds them, else from the module zip
 * (refused unless it hashes to module.h1), which then refreshes the cache. A failure to write the
 * cache is reported through `warn` and otherwise ignored: the files are still returned.
 */
export async function keptModuleFiles(module: GoModule, selection: ModuleSelection, options: ModuleSourceOptions = {}): Promise<KeptModule> {
  const dir = entryDir(options.cacheDir ?? rudderCacheDir(), module);
  const index = readIndex(dir, module);
  if (index && !options.zip) {
    const cached = readCached(dir, index, selection);
    if (cached) return { files: cached, downloadedBytes: 0 };
  }

  const { zip, downloaded } = await moduleZip(module, options);
  const { files: all, h1 } = readModuleZip(zip, module);
  if (h1 !== module.h1) throw new Error(`${moduleId(module)} hashes to ${h1}, not the expected ${module.h1}; refusing it`);
  for (const file of selection.files ?? []) {
    if (!all.has(file)) throw new Error(`${moduleId(module)} has no file ${file}`);
  }
  // What other builds asked of this version stays kept, so two checkouts do not evict each other.
  const kept: Required<ModuleSelection> = { files: union(index?.files, selection.files), dirs: union(index?.dirs, selection.dirs) };
  const toKeep: ModuleFiles = new Map([...all].filter(([name]) => isSelected(name, kept)));
  try {
    writeCached(dir, module, kept, toKeep);
  } catch (error) {
    options.warn?.(`could not keep ${moduleId(module)} in ${dir} (${error instanceof Error ? error.message : String(error)}); the next build fetches it again`);
  }
  const files: ModuleFiles = new Map([...toKeep].filter(([name]) => isSelected(name, selection)));
  return { files, downloadedBytes: downloaded ? zip.byteLength : 0 };
}
