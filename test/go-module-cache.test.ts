// The per-machine cache of the files a build keeps from Go modules: filled once from a zip that
// hashes to its go.sum h1, read back without the network, widened (never narrowed) when a build
// asks for more, refetched when a kept file changed, and fed from Go's own module cache.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import t from 'tap';
import { goModCacheDir, goModCacheZip, rudderCacheDir } from '../build-tools/go-modules/cache-dirs.js';
import type { GoModule } from '../build-tools/go-modules/go-module.js';
import { keptModuleFiles } from '../build-tools/go-modules/module-cache.js';
import { readModuleZip } from '../build-tools/go-modules/module-zip.js';
import { freePort } from '../lib/process/ports.js';

const FILES: Record<string, string> = {
  'go.mod': 'module example.com/big\n',
  'api/openapi-spec/swagger.json': '{"swagger":"2.0"}\n',
  'api/v1/generated.proto': 'syntax = "proto2";\n',
  'api/v1/types.go': 'package v1\n',
  'api/v1/types_test.go': 'package v1\n',
  'api/v1/generated.pb.go': 'package v1\n',
  'api/v1/zz_generated.deepcopy.go': 'package v1\n',
  'api/v1/types_swagger_doc_generated.go': 'package v1\n',
  'api/v1/nested/other.go': 'package nested\n',
  'cmd/huge.go': 'package main\n',
};

function zipOf(module: Pick<GoModule, 'path' | 'version'>): Uint8Array {
  const prefix = `${module.path}@${module.version}/`;
  return zipSync(Object.fromEntries(Object.entries(FILES).map(([name, text]) => [prefix + name, strToU8(text)])));
}

const base = { path: 'example.com/big', version: 'v1.2.3' };
const ZIP = zipOf(base);
const MODULE: GoModule = { ...base, h1: readModuleZip(ZIP, base).h1 };

async function unreachableProxy(): Promise<string> {
  return `https://127.0.0.1:${await freePort()}`;
}

const text = (files: Map<string, Uint8Array>): Record<string, string> => Object.fromEntries([...files].map(([name, bytes]) => [name, Buffer.from(bytes).toString('utf8')]));

t.test('a kept selection is read back without the network', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-modcache-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const options = { cacheDir: dir, goModCache: null, goproxy: await unreachableProxy() };

  const first = await keptModuleFiles(MODULE, { files: ['api/openapi-spec/swagger.json'], dirs: ['api/v1'] }, { ...options, zip: ZIP });
  t.strictSame(
    Object.keys(text(first.files)).sort(),
    ['api/openapi-spec/swagger.json', 'api/v1/generated.proto', 'api/v1/types.go'],
    'single files, and a directory without its tests, generated Go or subdirectories',
  );

  const again = await keptModuleFiles(MODULE, { files: ['api/openapi-spec/swagger.json'] }, options);
  t.strictSame(text(again.files), { 'api/openapi-spec/swagger.json': FILES['api/openapi-spec/swagger.json'] }, 'only what was asked for');
  t.equal(again.downloadedBytes, 0);

  await t.rejects(keptModuleFiles(MODULE, { dirs: ['cmd'] }, options), /could not be reached/, 'more than the cache holds needs the module again');
  await keptModuleFiles(MODULE, { dirs: ['cmd'] }, { ...options, zip: ZIP });
  const widened = await keptModuleFiles(MODULE, { files: ['api/openapi-spec/swagger.json'], dirs: ['api/v1', 'cmd'] }, options);
  t.equal(widened.files.size, 4, 'a later, different selection adds to what is kept');
});

t.test('a changed file or another hash means fetching again; a wrong zip is refused', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-modcache-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const options = { cacheDir: dir, goModCache: null, goproxy: await unreachableProxy() };
  await keptModuleFiles(MODULE, { files: ['go.mod'] }, { ...options, zip: ZIP });

  writeFileSync(join(dir, 'go-modules', 'example.com', 'big@v1.2.3', 'go.mod'), 'module tampered\n');
  await t.rejects(keptModuleFiles(MODULE, { files: ['go.mod'] }, options), /could not be reached/);
  await t.rejects(keptModuleFiles({ ...MODULE, h1: 'h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' }, { files: ['go.mod'] }, options), /could not be reached/, 'an entry of another hash is not used');
  await t.rejects(keptModuleFiles({ ...MODULE, h1: 'h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' }, { files: ['go.mod'] }, { ...options, zip: ZIP }), /hashes to h1:.*not the expected/);
  await t.rejects(keptModuleFiles(MODULE, { files: ['missing.txt'] }, { ...options, zip: ZIP }), /has no file missing\.txt/);
});

t.test("a zip in Go's module cache spares the download", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-modcache-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const goModCache = join(dir, 'gomod');
  const zipPath = join(goModCache, 'cache', 'download', 'example.com', 'big', '@v', 'v1.2.3.zip');
  t.equal(goModCacheZip(MODULE, goModCache), undefined);
  mkdirSync(join(zipPath, '..'), { recursive: true });
  writeFileSync(zipPath, ZIP);
  t.equal(goModCacheZip(MODULE, goModCache), zipPath);
  const kept = await keptModuleFiles(MODULE, { files: ['go.mod'] }, { cacheDir: join(dir, 'rudder'), goModCache, goproxy: await unreachableProxy() });
  t.equal(Buffer.from(kept.files.get('go.mod')!).toString('utf8'), FILES['go.mod']);
  t.equal(kept.downloadedBytes, 0);
  t.equal(readFileSync(join(dir, 'rudder', 'go-modules', 'example.com', 'big@v1.2.3', 'go.mod'), 'utf8'), FILES['go.mod'], 'and fills the cache');
});

t.test('cache directories follow the environment as Go and XDG do', async (t) => {
  t.equal(rudderCacheDir({ RUDDER_CACHE_DIR: '/c/r', XDG_CACHE_HOME: '/x' }), '/c/r');
  t.equal(rudderCacheDir({ XDG_CACHE_HOME: '/x' }), '/x/rudder');
  t.match(rudderCacheDir({}), /\/\.cache\/rudder$/);
  t.equal(goModCacheDir({ GOMODCACHE: '/m', GOPATH: '/g' }), '/m');
  t.equal(goModCacheDir({ GOPATH: '/g1:/g2' }), '/g1/pkg/mod');
  t.match(goModCacheDir({}), /\/go\/pkg\/mod$/);
});
