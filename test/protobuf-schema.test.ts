// The build step that fetches the protobuf schema: Go struct facts, module hashes checked the way
// go.sum checks them, imports followed, and a clear warning (not a failed build) when offline.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { strToU8, zipSync } from 'fflate';
import t from 'tap';
import { fetchSchema } from '../build-tools/protobuf/fetch.js';
import { formatGoDuration } from '../lib/api/protobuf/go-duration.js';
import type { GoFieldTable } from '../lib/api/protobuf/go-fields.js';
import { parseGoStructs } from '../build-tools/protobuf/go-structs.js';
import { moduleZipUrl, proxyBase } from '../build-tools/go-modules/go-proxy.js';
import { readModuleZip } from '../build-tools/go-modules/module-zip.js';
import { loadSchema } from '../lib/api/protobuf/schema.js';
import { DEFAULT_SCHEMA_DIR, MANIFEST_FILE } from '../lib/api/protobuf/schema-files.js';
import type { SchemaModule } from '../build-tools/protobuf/schema-source.js';
import { ProtoJsonConverter } from '../lib/api/protobuf/to-json.js';
import { DIST } from './helpers/paths.js';
import { freePort } from '../lib/process/ports.js';

const FAKE_API_PROTO = `syntax = "proto2";
package example.kube.api.v1;
import "example.com/kube/meta/generated.proto";
message Widget {
  optional example.kube.meta.Meta metadata = 1;
  optional int32 size = 2;
  optional int32 count = 3;
  optional string note = 4;
  optional Inner inner = 5;
  optional Inner extra = 6;
}
message Inner {
  optional string color = 1;
}
message Ignored {
  optional int32 x = 1;
}
`;

const FAKE_API_TYPES = `package v1

import meta "example.com/kube/meta"

// Widget has a pointer, a field without omitempty, and an embedded struct inlined into it.
type Widget struct {
	meta.Meta \`json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"\`
	// Size may be zero on purpose.
	Size *int32 \`json:"size,omitempty" protobuf:"varint,2,opt,name=size"\`
	Count int32 \`json:"count" protobuf:"varint,3,opt,name=count"\`
	Note  string \`json:"note,omitempty" protobuf:"bytes,4,opt,name=note"\`
	Inner \`json:",inline" protobuf:"bytes,5,opt,name=inner"\`
	Local string \`json:"local,omitempty"\`
}

type Inner struct {
	Color string \`json:"color,omitempty" protobuf:"bytes,1,opt,name=color"\`
}
`;

const FAKE_MODULE_FILES: Record<string, string> = {
  'go.mod': 'module example.com/kube\n',
  'api/v1/generated.proto': FAKE_API_PROTO,
  'api/v1/types.go': FAKE_API_TYPES,
  'api/v1/types_test.go': 'package v1\n\ntype Ignored struct {\n\tX int32 `json:"x" protobuf:"varint,1,opt,name=x"`\n}\n',
  'meta/generated.proto': 'syntax = "proto2";\npackage example.kube.meta;\nmessage Meta {\n  optional string name = 1;\n}\n',
  'meta/types.go': 'package meta\n\ntype Meta struct {\n\tName string `json:"name,omitempty" protobuf:"bytes,1,opt,name=name"`\n}\n',
  'README.md': 'not kept\n',
};

const FAKE_MODULE: SchemaModule = {
  path: 'example.com/kube',
  version: 'v0.0.1',
  // What `go mod download` reports for a zip of FAKE_MODULE_FILES.
  h1: 'h1:LV/KBzBkoQvQLIrep7j4+ecSlVrqMX6pWyckxe5LYTo=',
  packages: ['api/v1'],
};

function fakeModuleZip(): Uint8Array {
  const prefix = `${FAKE_MODULE.path}@${FAKE_MODULE.version}/`;
  return zipSync(Object.fromEntries(Object.entries(FAKE_MODULE_FILES).map(([name, text]) => [prefix + name, strToU8(text)])));
}

t.test('Go struct facts come from the json and protobuf tags', async (t) => {
  const structs = parseGoStructs(FAKE_API_TYPES);
  t.strictSame(Object.fromEntries(structs.get('Widget')!), {
    1: { json: 'metadata', omitempty: true },
    2: { json: 'size', omitempty: true, pointer: true },
    3: { json: 'count' },
    4: { json: 'note', omitempty: true },
    5: { json: '', inline: true },
  });
  t.strictSame(Object.fromEntries(parseGoStructs('type T struct {\n\tName string `protobuf:"bytes,1,opt,name=name"`\n\tSkip string `json:"-" protobuf:"bytes,2,opt,name=skip"`\n}\n').get('T')!), {
    1: { json: 'Name' },
  }, 'no json tag: the Go name; json:"-": not in JSON');
});

t.test('Go durations print as time.Duration.String does', async (t) => {
  // Pairs printed by Go 1.x's time.Duration(n).String().
  const cases: [bigint, string][] = [
    [0n, '0s'],
    [1n, '1ns'],
    [999n, '999ns'],
    [1000n, '1µs'],
    [1500n, '1.5µs'],
    [1_000_000n, '1ms'],
    [1_234_567n, '1.234567ms'],
    [999_999_999n, '999.999999ms'],
    [1_000_000_000n, '1s'],
    [1_500_000_000n, '1.5s'],
    [60_000_000_000n, '1m0s'],
    [90_000_000_000n, '1m30s'],
    [3_600_000_000_000n, '1h0m0s'],
    [3_723_004_005_006n, '1h2m3.004005006s'],
    [-1_500_000_000n, '-1.5s'],
    [9_223_372_036_854_775_807n, '2562047h47m16.854775807s'],
  ];
  for (const [nanoseconds, text] of cases) t.equal(formatGoDuration(nanoseconds), text, `${nanoseconds}ns`);
});

t.test('GOPROXY is honoured when its first entry is an https proxy', async (t) => {
  t.equal(proxyBase(undefined), 'https://proxy.golang.org');
  t.equal(proxyBase(''), 'https://proxy.golang.org');
  t.equal(proxyBase('https://goproxy.example.com/,direct'), 'https://goproxy.example.com');
  t.equal(proxyBase('https://a.example|https://b.example'), 'https://a.example');
  t.equal(proxyBase('direct'), 'https://proxy.golang.org');
  t.equal(proxyBase('off'), 'https://proxy.golang.org');
  t.equal(proxyBase('http://plain.example,https://later.example'), 'https://proxy.golang.org');
  t.equal(moduleZipUrl('https://p.example', { path: 'github.com/BurntSushi/toml', version: 'v1.0.0' }), 'https://p.example/github.com/!burnt!sushi/toml/@v/v1.0.0.zip');
});

t.test('a module zip hashes to the h1 that go mod download reports', async (t) => {
  const { files, h1 } = readModuleZip(fakeModuleZip(), FAKE_MODULE);
  t.equal(h1, FAKE_MODULE.h1);
  t.strictSame([...files.keys()].sort(), Object.keys(FAKE_MODULE_FILES).sort(), 'names are relative to the module root');
});

t.test('fetching keeps the protos, their imports and the Go facts; a wrong hash is refused', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-proto-fetch-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const outDir = join(dir, 'proto');
  const zips = new Map([[FAKE_MODULE.path, fakeModuleZip()]]);
  const caches = { cacheDir: join(dir, 'cache'), goModCache: null };

  await t.rejects(fetchSchema({ outDir, modules: [{ ...FAKE_MODULE, h1: 'h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' }], zips, ...caches }), /hashes to h1:.*not the expected/);
  t.notOk(existsSync(join(outDir, MANIFEST_FILE)), 'nothing is written for a refused module');

  await t.rejects(fetchSchema({ outDir, modules: [{ ...FAKE_MODULE, packages: ['api/v1'] }], zips, ...caches, cacheDir: join(dir, 'narrow-cache') }), /example\.com\/kube\/meta\/generated\.proto is not among the kept packages/, 'an import outside the listed packages is named');

  const result = await fetchSchema({ outDir, modules: [{ ...FAKE_MODULE, packages: ['api/v1', 'meta'] }], zips, ...caches });
  t.strictSame(result.manifest.protoFiles, ['example.com/kube/api/v1/generated.proto', 'example.com/kube/meta/generated.proto'], 'the import is followed');
  t.equal(readFileSync(join(outDir, 'example.com/kube/meta/generated.proto'), 'utf8'), FAKE_MODULE_FILES['meta/generated.proto']);
  t.notOk(existsSync(join(outDir, 'example.com/kube/README.md')), 'only .proto files are kept');
  t.ok(result.missingMessages.includes('k8s.io.api.core.v1.Pod'), 'kinds the fetched packages lack are reported');

  const schema = loadSchema(outDir);
  const table: GoFieldTable = schema.goFields;
  t.strictSame(Object.keys(table).sort(), ['example.kube.api.v1.Inner', 'example.kube.api.v1.Widget', 'example.kube.meta.Meta'], 'test files are not read');

  // The derived rule at work: a pointer zero stays, an omitempty zero goes, a plain zero stays.
  const widget = schema.root.lookupType('example.kube.api.v1.Widget');
  const message = widget.decode(widget.encode(widget.fromObject({ metadata: { name: 'w' }, size: 0, count: 0, note: '', inner: { color: 'red' }, extra: {} })).finish());
  t.strictSame(new ProtoJsonConverter(table).message(widget, message), { metadata: { name: 'w' }, size: 0, count: 0, color: 'red', extra: {} });
});

t.test('without the proxy the fetch script warns once and exits 0', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-proto-offline-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const { stderr } = await promisify(execFile)(process.execPath, [join(DIST, 'build-tools', 'protobuf', 'fetch.js'), join(dir, 'proto'), '--quiet'], {
    // Empty caches, so nothing but the (unreachable) proxy could answer.
    env: { ...process.env, GOPROXY: `https://127.0.0.1:${port}`, RUDDER_CACHE_DIR: join(dir, 'cache'), GOMODCACHE: join(dir, 'gomodcache') },
    timeout: 30_000,
  });
  t.equal(stderr.trim().split('\n').length, 1, 'one line');
  t.match(stderr, /warning: the Kubernetes protobuf schema could not be fetched/);
  t.match(stderr, /415/);
  t.notOk(existsSync(join(dir, 'proto', MANIFEST_FILE)));
});

t.test('the built schema is Kubernetes 1.36 and covers the GA groups of the kinds still to come', async (t) => {
  const schema = loadSchema(DEFAULT_SCHEMA_DIR);
  const manifest = JSON.parse(readFileSync(join(DEFAULT_SCHEMA_DIR, MANIFEST_FILE), 'utf8')) as { modules: { path: string; version: string }[] };
  t.strictSame(
    manifest.modules.map((m) => `${m.path}@${m.version}`),
    ['k8s.io/api@v0.36.3', 'k8s.io/apimachinery@v0.36.3'],
  );
  const messages = [
    'k8s.io.api.batch.v1.CronJob',
    'k8s.io.api.policy.v1.Eviction',
    'k8s.io.api.rbac.v1.ClusterRoleBinding',
    'k8s.io.api.networking.v1.ServiceCIDR',
    'k8s.io.api.storage.v1.VolumeAttributesClass',
    'k8s.io.api.scheduling.v1.PriorityClass',
    'k8s.io.api.autoscaling.v2.HorizontalPodAutoscaler',
    'k8s.io.api.certificates.v1.CertificateSigningRequest',
    'k8s.io.api.events.v1.Event',
    'k8s.io.api.node.v1.RuntimeClass',
    'k8s.io.api.admissionregistration.v1.ValidatingAdmissionPolicy',
    'k8s.io.api.resource.v1.ResourceClaim',
    'k8s.io.api.authorization.v1.SubjectAccessReview',
  ];
  for (const message of messages) {
    t.ok(schema.root.lookup(message), message);
    t.ok(schema.goFields[message], `${message} has Go field facts`);
  }
});
