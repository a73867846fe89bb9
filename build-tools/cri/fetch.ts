// Build step: keeps the CRI v1 proto of k8s.io/cri-api (checked against its go.sum hash, through
// the per-machine module cache) under dist/cri/, where the kubelet's CRI client loads it. Run as a
// script it warns and exits 0 when the proto cannot be fetched: only the real-container runtime
// needs it, and it says so when it starts.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CRI_MANIFEST_FILE, CRI_PROTO_PATH, DEFAULT_CRI_SCHEMA_DIR, type CriSchemaManifest } from '../../lib/cri/schema-files.js';
import { keptModuleFiles, type ModuleSourceOptions } from '../go-modules/module-cache.js';
import { CRI_API_MODULE, CRI_PROTO_FILE } from '../kubernetes-release.js';

export function criManifest(): CriSchemaManifest {
  return { module: { path: CRI_API_MODULE.path, version: CRI_API_MODULE.version, h1: CRI_API_MODULE.h1 }, proto: CRI_PROTO_PATH };
}

/** Whether `dir` holds the proto of the pinned cri-api version. */
export function criSchemaUpToDate(dir: string = DEFAULT_CRI_SCHEMA_DIR): boolean {
  try {
    return JSON.stringify(JSON.parse(readFileSync(join(dir, CRI_MANIFEST_FILE), 'utf8'))) === JSON.stringify(criManifest());
  } catch {
    return false;
  }
}

/** Writes the proto and its manifest into `outDir`, replacing what was there in one rename. */
export async function fetchCriSchema(outDir: string, options: Omit<ModuleSourceOptions, 'zip'> & { zip?: Uint8Array } = {}): Promise<{ downloadedBytes: number }> {
  const kept = await keptModuleFiles(CRI_API_MODULE, { files: [CRI_PROTO_FILE] }, options);
  const proto = kept.files.get(CRI_PROTO_FILE)!;
  const target = resolve(outDir);
  const staging = `${target}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    mkdirSync(dirname(join(staging, CRI_PROTO_PATH)), { recursive: true });
    writeFileSync(join(staging, CRI_PROTO_PATH), proto);
    writeFileSync(join(staging, CRI_MANIFEST_FILE), `${JSON.stringify(criManifest(), null, 2)}\n`);
    rmSync(target, { recursive: true, force: true });
    mkdirSync(dirname(target), { recursive: true });
    renameSync(staging, target);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return { downloadedBytes: kept.downloadedBytes };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quiet = args.includes('--quiet');
  const outDir = args.find((arg) => !arg.startsWith('--')) ?? DEFAULT_CRI_SCHEMA_DIR;
  const say = (message: string): void => void process.stderr.write(`rudder: ${message}\n`);
  try {
    const { downloadedBytes } = await fetchCriSchema(outDir, { log: quiet ? undefined : say, warn: (message) => say(`warning: ${message}`) });
    if (!quiet) say(`CRI schema ready in ${outDir} (${CRI_API_MODULE.path}@${CRI_API_MODULE.version}; ${Math.round(downloadedBytes / 1024)} KiB downloaded)`);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    say(`warning: the CRI schema could not be fetched (${why}); kubelets can run simulated nodes only until \`npm run build\` succeeds with access to the Go module proxy (set GOPROXY to an https proxy if needed)`);
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
