#!/usr/bin/env node
// Brings a checkout to a runnable state, doing only the steps whose inputs changed:
// npm dependencies, the Rust addon (native/rudder.node), the TypeScript build (dist/), the
// Kubernetes protobuf schema (dist/proto/), the CRI schema (dist/cri/) and the OpenAPI documents
// (dist/openapi/). The last three come from the Kubernetes release's Go modules, downloaded once
// per machine (see build-tools/go-modules/module-cache.ts).
// Uses only Node built-ins so it runs before `npm install` has ever happened.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const force = process.argv.includes('--force');
const quiet = process.argv.includes('--quiet');

function say(message) {
  if (!quiet) process.stderr.write(`rudder: ${message}\n`);
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** Newest modification time of files under `dir` whose names pass `accept`. */
function newest(dir, accept) {
  let best = 0;
  if (!existsSync(dir)) return best;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'target' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) best = Math.max(best, newest(path, accept));
    else if (accept(entry.name)) best = Math.max(best, mtime(path));
  }
  return best;
}

function run(command, args, what) {
  say(what);
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'] });
  if (result.error) {
    process.stderr.write(`rudder: ${what} failed: ${result.error.message}\n`);
    process.exit(1);
  }
  if (result.status !== 0) {
    process.stderr.write(`rudder: ${what} failed (exit ${result.status ?? result.signal})\n`);
    process.exit(result.status ?? 1);
  }
}

function hasCommand(command) {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
}

// 1. npm dependencies (a symlinked node_modules belongs to another checkout: leave it alone)
const lockfile = join(root, 'package-lock.json');
const installed = join(root, 'node_modules', '.package-lock.json');
const linked = (() => {
  try {
    return lstatSync(join(root, 'node_modules')).isSymbolicLink();
  } catch {
    return false;
  }
})();
if (!linked && (force || !existsSync(installed) || mtime(lockfile) > mtime(installed))) {
  run('npm', existsSync(lockfile) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'], 'installing npm dependencies');
}

// 2. the Rust addon, and the TypeScript declarations napi-rs generates beside it (lib/native's types)
const addon = join(root, 'native', 'rudder.node');
const declarations = join(root, 'native', 'index.d.ts');
const rustInputs = Math.max(
  newest(join(root, 'crates'), (name) => name.endsWith('.rs') || name === 'Cargo.toml'),
  mtime(join(root, 'Cargo.toml')),
  mtime(join(root, 'Cargo.lock')),
);
if (force || !existsSync(addon) || !existsSync(declarations) || rustInputs > mtime(addon)) {
  if (!hasCommand('cargo')) {
    process.stderr.write('rudder: the Rust addon needs cargo to build; install Rust from https://rustup.rs and run this again.\n');
    process.exit(1);
  }
  run('npm', ['run', '--silent', 'build:native'], 'building the Rust addon (release)');
}

// 3. TypeScript
const tsInputs = Math.max(
  ...['lib', 'build-tools', 'services', 'cli', 'test', 'bench', 'scripts'].map((dir) => newest(join(root, dir), (name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))),
  mtime(join(root, 'tsconfig.json')),
  mtime(declarations),
);
const tsOutput = join(root, 'dist', '.tsbuildinfo');
if (force || !existsSync(tsOutput) || tsInputs > mtime(tsOutput)) {
  run(join(root, 'node_modules', '.bin', 'tsc'), ['-b'], 'compiling TypeScript');
}

// 4. the Kubernetes protobuf schema, fetched like a dependency; without it (offline) the
//    apiserver still runs and refuses protobuf request bodies with 415
const buildTools = join(root, 'dist', 'build-tools');
const schemaFetcher = join(buildTools, 'protobuf', 'fetch.js');
if (existsSync(schemaFetcher)) {
  const { schemaUpToDate } = await import(pathToFileURL(join(buildTools, 'protobuf', 'schema-source.js')).href);
  if (force || !schemaUpToDate()) run(process.execPath, [schemaFetcher, ...(quiet ? ['--quiet'] : [])], 'fetching the Kubernetes protobuf schema');
}

// 5. the CRI v1 schema (k8s.io/cri-api), fetched the same way; without it kubelets run
//    simulated nodes only
const criFetcher = join(buildTools, 'cri', 'fetch.js');
if (existsSync(criFetcher)) {
  const { criSchemaUpToDate } = await import(pathToFileURL(criFetcher).href);
  if (force || !criSchemaUpToDate()) run(process.execPath, [criFetcher, ...(quiet ? ['--quiet'] : [])], 'fetching the CRI schema');
}

// 6. OpenAPI documents from Kubernetes' own definitions (the release's swagger.json, kept in the
//    per-machine cache) and the resource table; without them the apiserver cannot decode bodies,
//    so a failure here fails the build
const openapiOutput = join(root, 'dist', 'openapi', 'definitions.json');
const generator = join(buildTools, 'openapi', 'generate.js');
const openapiInputs = Math.max(
  newest(buildTools, (name) => name.endsWith('.js')),
  newest(join(root, 'dist', 'lib', 'api', 'openapi'), (name) => name.endsWith('.js')),
  mtime(join(root, 'dist', 'lib', 'api', 'resources.js')),
  mtime(join(root, 'build-tools', 'openapi', 'openapiv2.proto')),
);
if (existsSync(generator) && (force || mtime(openapiOutput) < openapiInputs)) {
  run(process.execPath, [generator, join(root, 'dist', 'openapi'), ...(quiet ? ['--quiet'] : [])], 'generating OpenAPI documents');
}
