// One Kubernetes release everywhere: the schemas the build fetches, the version /version reports,
// and the Go serializers the protobuf goldens come from.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { API_MODULE, APIMACHINERY_MODULE, CRI_API_MODULE, KUBERNETES_MODULE } from '../build-tools/kubernetes-release.js';
import { SCHEMA_MODULES } from '../build-tools/protobuf/schema-source.js';
import { KUBERNETES_VERSION } from '../lib/api/openapi/kubernetes-version.js';
import { ROOT } from './helpers/paths.js';

const release = KUBERNETES_VERSION.gitVersion.split('+')[0]!;

t.test('/version reports the release the schemas come from', async (t) => {
  t.equal(KUBERNETES_MODULE.version, release);
  t.equal(release, `v${KUBERNETES_VERSION.major}.${KUBERNETES_VERSION.minor}.3`);
  t.equal(KUBERNETES_VERSION.emulationMinor, KUBERNETES_VERSION.minor);
  t.equal(Number(KUBERNETES_VERSION.minCompatibilityMinor), Number(KUBERNETES_VERSION.minor) - 1);
});

t.test('the staging modules are the same release, published as v0.<minor>.<patch>', async (t) => {
  const staging = release.replace(/^v1\./, 'v0.');
  t.equal(API_MODULE.version, staging);
  t.equal(APIMACHINERY_MODULE.version, staging);
  t.equal(CRI_API_MODULE.version, staging, 'the kubelet speaks the CRI of the same release');
  t.same(
    SCHEMA_MODULES.map((m) => `${m.path}@${m.version}`),
    [`k8s.io/api@${staging}`, `k8s.io/apimachinery@${staging}`],
  );
  const goMod = readFileSync(join(ROOT, 'tools', 'protobuf-golden', 'go.mod'), 'utf8');
  t.match(goMod, new RegExp(`\\bk8s\\.io/api ${staging.replaceAll('.', '\\.')}\\b`), 'the golden generator serializes with the same k8s.io/api');
  t.match(goMod, new RegExp(`\\bk8s\\.io/apimachinery ${staging.replaceAll('.', '\\.')}\\b`));
  const goSum = readFileSync(join(ROOT, 'tools', 'protobuf-golden', 'go.sum'), 'utf8');
  t.ok(goSum.includes(`k8s.io/api ${staging} ${API_MODULE.h1}`), 'and its go.sum has the hash the build checks');
  t.ok(goSum.includes(`k8s.io/apimachinery ${staging} ${APIMACHINERY_MODULE.h1}`));
});
