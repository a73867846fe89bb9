// The real kubectl (1.27 and 1.33) against a real apiserver process: every command a user runs
// in a first session, with the output kubectl prints against Kubernetes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { startApiserver, type ApiserverProcess } from '../../lib/launch/apiserver-process.js';
import { kubectl, kubectlStream } from '../helpers/kubectl.js';
import { KUBECTL_VERSIONS } from '../helpers/paths.js';
import { rest } from '../helpers/rest.js';

const MANIFEST = `
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  labels: {app: web, tier: frontend}
data:
  greeting: hello
---
apiVersion: v1
kind: Secret
metadata:
  name: web-secret
  labels: {app: web}
type: Opaque
data:
  password: c2VjcmV0
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports:
        - containerPort: 80
      - name: sidecar
        image: busybox:1.36
        command: [sleep, infinity]
---
apiVersion: v1
kind: Service
metadata:
  name: web
  labels: {app: web}
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 80
`;

const INVALID_DEPLOYMENT = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: broken
spec:
  replicas: 1
  selector:
    matchLabels: {app: broken}
  template:
    metadata:
      labels: {app: broken}
    spec:
      containers:
      - name: app
`;

const UNKNOWN_FIELD = `
apiVersion: v1
kind: ConfigMap
metadata:
  name: typo
datta:
  a: b
`;

let server: ApiserverProcess;
let dir: string;

t.before(async () => {
  server = await startApiserver();
  dir = mkdtempSync(join(tmpdir(), 'rudder-kubectl-'));
  writeFileSync(join(dir, 'manifest.yaml'), MANIFEST);
  writeFileSync(join(dir, 'invalid.yaml'), INVALID_DEPLOYMENT);
  writeFileSync(join(dir, 'unknown-field.yaml'), UNKNOWN_FIELD);
});

t.teardown(async () => {
  await server.stop();
});

for (const version of KUBECTL_VERSIONS) {
  const ns = `e2e-${version.replace('.', '')}`;
  const run = (...args: string[]) => kubectl(version, server.kubeconfig, args);
  const inNs = (...args: string[]) => kubectl(version, server.kubeconfig, ['-n', ns, ...args]);

  t.test(`kubectl ${version}: a first session`, async (t) => {
    // 1. version and discovery
    const v = await run('version', '-o', 'json');
    t.equal(v.code, 0, v.stderr);
    const versions = JSON.parse(v.stdout) as { serverVersion: { major: string; minor: string; gitVersion: string } };
    t.match(versions.serverVersion.gitVersion, /^v1\.36\./, 'the server reports Kubernetes 1.36');

    // the health endpoints kube-apiserver serves, as kubectl reads them raw
    for (const path of ['/healthz', '/livez', '/readyz', '/healthz/ping', '/readyz/ping']) {
      const health = await run('get', '--raw', path);
      t.equal(health.stdout.trim(), 'ok', `${path}: ${health.stderr}`);
    }

    const resources = await run('api-resources');
    t.equal(resources.code, 0, resources.stderr);
    t.match(resources.stdout, /^pods\s+po\s+v1\s+true\s+Pod$/m);
    t.match(resources.stdout, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    t.match(resources.stdout, /^endpointslices\s+discovery\.k8s\.io\/v1\s+true\s+EndpointSlice$/m);
    t.match(resources.stdout, /^leases\s+coordination\.k8s\.io\/v1\s+true\s+Lease$/m);

    // 2. a namespace, then a multi-document manifest applied twice
    const created = await run('create', 'namespace', ns);
    t.equal(created.stdout.trim(), `namespace/${ns} created`, created.stderr);

    const first = await inNs('apply', '-f', join(dir, 'manifest.yaml'));
    t.equal(first.code, 0, first.stderr);
    t.same(first.stdout.trim().split('\n'), ['configmap/web-config created', 'secret/web-secret created', 'deployment.apps/web created', 'service/web created']);
    const second = await inNs('apply', '-f', join(dir, 'manifest.yaml'));
    t.equal(second.code, 0, second.stderr);
    t.same(second.stdout.trim().split('\n'), ['configmap/web-config unchanged', 'secret/web-secret unchanged', 'deployment.apps/web unchanged', 'service/web unchanged']);

    // 3. get as a table, wide, yaml, json and jsonpath
    const table = await inNs('get', 'deployments');
    t.equal(table.code, 0, table.stderr);
    const [header, row] = table.stdout.trim().split('\n');
    t.match(header, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
    t.match(row, /^web\s+0\/2\s+0\s+0\s+\d+s$/);

    const wide = await inNs('get', 'deployment', 'web', '-o', 'wide');
    t.match(wide.stdout, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/m);
    t.match(wide.stdout, /web,sidecar\s+nginx:1\.25,busybox:1\.36\s+app=web/);

    const services = await inNs('get', 'services');
    t.match(services.stdout, /^web\s+ClusterIP\s+10\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP\s+\d+s$/m);

    const yaml = await inNs('get', 'deployment', 'web', '-o', 'yaml');
    t.match(yaml.stdout, /^kind: Deployment$/m);
    t.match(yaml.stdout, /^ {6}maxSurge: 25%$/m, 'defaults are visible');
    t.match(yaml.stdout, /^ {2}uid: [0-9a-f-]{36}$/m);

    const json = await inNs('get', 'configmap', 'web-config', '-o', 'json');
    const cm = JSON.parse(json.stdout) as { data: Record<string, string>; metadata: { resourceVersion: string; annotations: Record<string, string> } };
    t.equal(cm.data.greeting, 'hello');
    t.match(cm.metadata.resourceVersion, /^\d+$/);
    t.ok(cm.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'], 'apply recorded its configuration');

    const path = await inNs('get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas} {.spec.template.spec.containers[*].name}');
    t.equal(path.stdout, '2 web sidecar');

    // 4. selectors: equality, set-based and field selectors
    for (const [name, labels] of [
      ['alpha', 'tier=frontend,color=red'],
      ['beta', 'tier=backend,color=blue'],
      ['gamma', 'tier=cache'],
      ['delta', 'color=red'],
    ] as const) {
      const made = await inNs('create', 'configmap', name, '--from-literal=k=v');
      t.equal(made.code, 0, made.stderr);
      const labelled = await inNs('label', 'configmap', name, ...labels.split(','));
      t.equal(labelled.stdout.trim(), `configmap/${name} labeled`, labelled.stderr);
    }
    const names = async (...args: string[]) => (await inNs('get', 'configmaps', '-o', 'name', ...args)).stdout.trim().split('\n').filter(Boolean).sort();
    t.same(await names('-l', 'color=red'), ['configmap/alpha', 'configmap/delta']);
    t.same(await names('-l', 'color!=red'), ['configmap/beta', 'configmap/gamma', 'configmap/web-config']);
    t.same(await names('-l', 'tier in (frontend,backend)'), ['configmap/alpha', 'configmap/beta', 'configmap/web-config']);
    t.same(await names('-l', 'tier notin (frontend,backend),tier'), ['configmap/gamma']);
    t.same(await names('-l', '!tier'), ['configmap/delta']);
    t.same(await names('--field-selector', 'metadata.name=beta'), ['configmap/beta']);
    t.same(await names('--field-selector', 'metadata.name!=beta,metadata.namespace=' + ns), ['configmap/alpha', 'configmap/delta', 'configmap/gamma', 'configmap/web-config']);
    const badField = await inNs('get', 'configmaps', '--field-selector', 'spec.nodeName=x');
    t.not(badField.code, 0);
    t.match(badField.stderr, /"spec\.nodeName" is not a known field selector: only "metadata\.name", "metadata\.namespace"/);

    // 5. paging: --chunk-size makes kubectl follow continue tokens
    const paged = await inNs('get', 'configmaps', '--chunk-size', '2', '-v=6');
    t.equal(paged.code, 0, paged.stderr);
    t.equal(paged.stdout.trim().split('\n').length, 1 + 5, 'the header and all five configmaps');
    // 1.27 logs "GET https://...", 1.33 logs verb="GET" url="https://..."
    const pageRequests = paged.stderr.split('\n').filter((line) => /GET\W+(url=")?https:\/\/\S+\/configmaps\?\S*limit=2/.test(line));
    t.ok(pageRequests.length >= 3, `kubectl fetched ${pageRequests.length} pages`);
    t.ok(pageRequests.some((line) => line.includes('continue=')), 'later pages use the continue token');

    // 6. label and annotate
    const annotated = await inNs('annotate', 'configmap', 'alpha', 'owner=team-a');
    // kubectl 1.27 prints "annotate", later versions "annotated"
    t.match(annotated.stdout.trim(), /^configmap\/alpha annotated?$/, annotated.stderr);
    const owner = await inNs('get', 'configmap', 'alpha', '-o', 'jsonpath={.metadata.annotations.owner}');
    t.equal(owner.stdout, 'team-a');

    // 7. patch with each patch type
    const strategic = await inNs('patch', 'deployment', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.26"}]}}}}');
    t.equal(strategic.stdout.trim(), 'deployment.apps/web patched', strategic.stderr);
    const images = await inNs('get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[*].image}');
    t.equal(images.stdout, 'nginx:1.26 busybox:1.36', 'the strategic merge kept the other container');
    const merge = await inNs('patch', 'configmap', 'web-config', '--type', 'merge', '-p', '{"data":{"farewell":"bye"}}');
    t.equal(merge.stdout.trim(), 'configmap/web-config patched', merge.stderr);
    const jsonPatch = await inNs('patch', 'configmap', 'web-config', '--type', 'json', '-p', '[{"op":"replace","path":"/data/greeting","value":"hi"}]');
    t.equal(jsonPatch.stdout.trim(), 'configmap/web-config patched', jsonPatch.stderr);
    const data = await inNs('get', 'configmap', 'web-config', '-o', 'jsonpath={.data.greeting} {.data.farewell}');
    t.equal(data.stdout, 'hi bye');
    const generation = await inNs('get', 'deployment', 'web', '-o', 'jsonpath={.metadata.generation}');
    t.equal(generation.stdout, '2', 'a spec change bumped the generation');

    // 8. scale
    const scaled = await inNs('scale', 'deployment', 'web', '--replicas=5');
    t.equal(scaled.stdout.trim(), 'deployment.apps/web scaled', scaled.stderr);
    const replicas = await inNs('get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}');
    t.equal(replicas.stdout, '5');

    // 9. replace with a stale object is a conflict
    const stale = await inNs('get', 'configmap', 'beta', '-o', 'json');
    const staleFile = join(dir, `stale-${version}.json`);
    writeFileSync(staleFile, stale.stdout);
    await inNs('label', 'configmap', 'beta', 'fresh=yes');
    const replaced = await inNs('replace', '-f', staleFile);
    t.not(replaced.code, 0);
    t.match(replaced.stderr, /Operation cannot be fulfilled on configmaps "beta": the object has been modified; please apply your changes to the latest version and try again/);

    // 10. get -w sees an object another client creates
    const watcher = kubectlStream(version, server.kubeconfig, ['-n', ns, 'get', 'configmaps', '-w']);
    t.ok(await watcher.waitFor('web-config'), 'the watch printed the current objects');
    const other = await rest(server, 'POST', `/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: 'from-elsewhere' }, data: { a: 'b' } });
    t.equal(other.status, 201, other.text);
    t.ok(await watcher.waitFor('from-elsewhere'), `the watch printed the new object:\n${watcher.output()}`);
    watcher.stop();

    // 11. delete, then get says NotFound
    const deleted = await inNs('delete', 'configmap', 'alpha');
    t.equal(deleted.stdout.trim(), 'configmap "alpha" deleted', deleted.stderr);
    const gone = await inNs('get', 'configmap', 'alpha');
    t.equal(gone.code, 1);
    t.equal(gone.stderr.trim(), 'Error from server (NotFound): configmaps "alpha" not found');

    // 12. explain
    const explain = await run('explain', 'pod.spec.containers');
    t.equal(explain.code, 0, explain.stderr);
    t.match(explain.stdout, /KIND:\s+Pod/);
    t.match(explain.stdout, /FIELD:\s+containers/);
    t.match(explain.stdout, /image\s+<string>/);
    t.match(explain.stdout, /A single application container/);

    // 13. invalid manifests are refused with the field named
    const invalid = await inNs('apply', '-f', join(dir, 'invalid.yaml'));
    t.not(invalid.code, 0);
    t.match(invalid.stderr, /The Deployment "broken" is invalid: spec\.template\.spec\.containers\[0\]\.image: Required value/);
    const unknown = await inNs('apply', '-f', join(dir, 'unknown-field.yaml'));
    t.not(unknown.code, 0);
    t.match(unknown.stderr, /unknown field "datta"/);
    const nothing = await inNs('get', 'deployment', 'broken');
    t.equal(nothing.code, 1, 'nothing was written for the invalid manifest');
  });
}
