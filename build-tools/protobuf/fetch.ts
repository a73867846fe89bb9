// Build step: fetches the Kubernetes protobuf schema (k8s.io/api and k8s.io/apimachinery, checked
// against their go.sum hashes and kept in the per-machine module cache, see module-cache.ts) and
// writes what decoding needs under dist/proto/: the generated.proto files of the listed packages
// and everything they import, and a table of Go struct facts read from the packages' Go sources.
// Run as a script it warns and exits 0 when the schema cannot be fetched: the apiserver then
// answers protobuf bodies with 415.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { GoFieldTable } from '../../lib/api/protobuf/go-fields.js';
import { decodableMessages, responseMessages } from '../../lib/api/protobuf/kinds.js';
import { loadProtoRoot } from '../../lib/api/protobuf/schema.js';
import { DEFAULT_SCHEMA_DIR, GO_FIELDS_FILE, MANIFEST_FILE, type SchemaManifest } from '../../lib/api/protobuf/schema-files.js';
import { CUSTOM_JSON_MESSAGES } from '../../lib/api/protobuf/to-json.js';
import { keptModuleFiles, type ModuleSourceOptions } from '../go-modules/module-cache.js';
import type { ModuleFiles } from '../go-modules/module-zip.js';
import { parseGoStructs, type GoStructFields } from './go-structs.js';
import { manifestModules, SCHEMA_MODULES, type SchemaModule } from './schema-source.js';

export interface FetchOptions extends Omit<ModuleSourceOptions, 'zip'> {
  outDir: string;
  modules?: readonly SchemaModule[];
  /** Already downloaded module zips by module path (skips the caches and the network). */
  zips?: ReadonlyMap<string, Uint8Array>;
}

export interface FetchResult {
  manifest: SchemaManifest;
  downloadedBytes: number;
  keptBytes: number;
  /** "message.field" entries reachable from decodable or encodable kinds that no Go struct describes. */
  undescribedFields: string[];
  /** Decodable or encodable messages (see kinds.ts) that none of the fetched packages define. */
  missingMessages: string[];
}

interface KeptPackage {
  importPath: string;
  protoPackage: string;
  goFields: GoStructFields;
}

const IMPORT = /^import\s+"([^"]+)";/gm;
const PACKAGE = /^package\s+([\w.]+);/m;

/** Kept .proto files by import path, following imports across the downloaded modules. */
function collectPackages(modules: readonly SchemaModule[], contents: ReadonlyMap<string, ModuleFiles>): { protos: Map<string, string>; packages: KeptPackage[] } {
  const locate = (importPath: string): { module: SchemaModule; file: string } | undefined => {
    const module = modules.find((m) => importPath.startsWith(`${m.path}/`));
    return module ? { module, file: importPath.slice(module.path.length + 1) } : undefined;
  };
  const protos = new Map<string, string>();
  const packages: KeptPackage[] = [];
  const queue = modules.flatMap((m) => m.packages.map((pkg) => `${m.path}/${pkg}/generated.proto`));
  while (queue.length > 0) {
    const importPath = queue.shift()!;
    if (protos.has(importPath)) continue;
    const where = locate(importPath);
    const bytes = where && contents.get(where.module.path)?.get(where.file);
    if (!where || !bytes) throw new Error(`${importPath} is not among the kept packages; list its package in build-tools/protobuf/schema-source.ts`);
    const text = Buffer.from(bytes).toString('utf8');
    protos.set(importPath, text);
    for (const match of text.matchAll(IMPORT)) queue.push(match[1]!);

    const dir = dirname(where.file);
    const goFields: GoStructFields = new Map();
    for (const [name, content] of contents.get(where.module.path)!) {
      if (dirname(name) === dir && name.endsWith('.go') && !name.endsWith('_test.go')) parseGoStructs(Buffer.from(content).toString('utf8'), goFields);
    }
    const protoPackage = PACKAGE.exec(text)?.[1];
    if (!protoPackage) throw new Error(`${importPath} declares no package`);
    packages.push({ importPath, protoPackage, goFields });
  }
  return { protos, packages };
}

/** The Go facts of every struct that is also a proto message. */
function buildGoFieldTable(root: protobuf.Root, packages: readonly KeptPackage[]): GoFieldTable {
  const table: GoFieldTable = {};
  for (const { protoPackage, goFields } of packages) {
    for (const [struct, fields] of goFields) {
      const fullName = `${protoPackage}.${struct}`;
      if (!(root.lookup(fullName) instanceof protobuf.Type) || fields.size === 0) continue;
      table[fullName] = Object.fromEntries([...fields].map(([number, facts]) => [String(number), facts]));
    }
  }
  return table;
}

/** What the schema cannot explain: fields without Go facts (they fall back to omitempty) and absent kinds. */
function coverage(root: protobuf.Root, table: GoFieldTable): { undescribedFields: string[]; missingMessages: string[] } {
  const missing: string[] = [];
  const missingMessages: string[] = [];
  const seen = new Set<string>();
  const visit = (type: protobuf.Type): void => {
    const name = type.fullName.replace(/^\./, '');
    if (seen.has(name) || CUSTOM_JSON_MESSAGES.has(name)) return;
    seen.add(name);
    for (const field of type.fieldsArray) {
      if (table[name]?.[String(field.id)] === undefined) missing.push(`${name}.${field.name}`);
      if (field.resolvedType instanceof protobuf.Type) visit(field.resolvedType);
    }
  };
  for (const message of [...decodableMessages(), ...responseMessages()]) {
    const type = root.lookup(message);
    if (type instanceof protobuf.Type) visit(type);
    else missingMessages.push(message);
  }
  return { undescribedFields: missing, missingMessages };
}

export async function fetchSchema(options: FetchOptions): Promise<FetchResult> {
  const modules = options.modules ?? SCHEMA_MODULES;
  const contents = new Map<string, ModuleFiles>();
  let downloadedBytes = 0;
  for (const module of modules) {
    const zip = options.zips?.get(module.path);
    const kept = await keptModuleFiles(module, { dirs: module.packages }, { ...options, ...(zip ? { zip } : {}) });
    downloadedBytes += kept.downloadedBytes;
    contents.set(module.path, kept.files);
  }

  const { protos, packages } = collectPackages(modules, contents);
  const outDir = resolve(options.outDir);
  // Written beside the target and renamed into place, so a failure never leaves half a schema.
  const staging = `${outDir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    const written = writeSchema(staging, modules, protos, packages);
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(dirname(outDir), { recursive: true });
    renameSync(staging, outDir);
    return { ...written, downloadedBytes };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function writeSchema(dir: string, modules: readonly SchemaModule[], protos: ReadonlyMap<string, string>, packages: readonly KeptPackage[]): Omit<FetchResult, 'downloadedBytes'> {
  let keptBytes = 0;
  for (const [importPath, text] of protos) {
    mkdirSync(dirname(join(dir, importPath)), { recursive: true });
    writeFileSync(join(dir, importPath), text);
    keptBytes += Buffer.byteLength(text);
  }
  const root = loadProtoRoot(dir, [...protos.keys()]);
  const table = buildGoFieldTable(root, packages);
  const tableText = `${JSON.stringify(table)}\n`;
  writeFileSync(join(dir, GO_FIELDS_FILE), tableText);
  keptBytes += Buffer.byteLength(tableText);
  const { undescribedFields, missingMessages } = coverage(root, table);

  const manifest: SchemaManifest = {
    modules: manifestModules(modules),
    protoFiles: [...protos.keys()],
    goFieldsFile: GO_FIELDS_FILE,
  };
  writeFileSync(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, keptBytes, undescribedFields, missingMessages };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quiet = args.includes('--quiet');
  const outDir = args.find((arg) => !arg.startsWith('--')) ?? DEFAULT_SCHEMA_DIR;
  const say = (message: string): void => void process.stderr.write(`rudder: ${message}\n`);
  const progress = quiet ? () => undefined : say;
  try {
    const result = await fetchSchema({ outDir, log: progress, warn: (message) => say(`warning: ${message}`) });
    const kib = (bytes: number): string => `${Math.round(bytes / 1024)} KiB`;
    progress(`protobuf schema ready in ${outDir} (${result.manifest.protoFiles.length} .proto files, ${kib(result.keptBytes)} kept; ${kib(result.downloadedBytes)} downloaded)`);
    if (result.undescribedFields.length > 0) say(`warning: no Go field facts for ${result.undescribedFields.join(', ')}; their zero values are dropped`);
    if (result.missingMessages.length > 0) say(`warning: no protobuf schema for ${result.missingMessages.join(', ')}; add their packages to build-tools/protobuf/schema-source.ts`);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    say(`warning: the Kubernetes protobuf schema could not be fetched (${why}); the apiserver will refuse protobuf request bodies (kubectl 1.33 \`create\` sends them) with 415 until \`npm run build\` succeeds with access to the Go module proxy (set GOPROXY to an https proxy if needed)`);
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
