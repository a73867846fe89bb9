// Real kubectl binaries (1.27 and 1.33) against a server with only the discovery and OpenAPI
// plugins, plus a tiny configmaps endpoint that records what kubectl sends.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Fastify, { type FastifyInstance } from 'fastify';
import t from 'tap';
import { generateDocuments, writeDocuments } from '../build-tools/openapi/generate.js';
import { upstreamDefinitions } from '../build-tools/openapi/upstream-definitions.js';
import { discoveryRoutes } from '../services/apiserver/discovery.js';
import { openapiRoutes } from '../services/apiserver/openapi-routes.js';

const run = promisify(execFile);
const KUBECTL = { '1.27': '/usr/lib/google-cloud-sdk/bin/kubectl.1.27', '1.33': '/usr/lib/google-cloud-sdk/bin/kubectl.1.33' } as const;
type KubectlVersion = keyof typeof KUBECTL;

interface Seen {
  method: string;
  url: string;
  accept: string;
  contentType: string;
  body?: unknown;
}

const work = mkdtempSync(join(tmpdir(), 'rudder-discovery-'));
const openapiDir = join(work, 'openapi');
writeDocuments(openapiDir, generateDocuments((await upstreamDefinitions()).definitions));

const seen: Seen[] = [];
/** While true the server hides /openapi/v3, as an older apiserver would. */
let hideOpenApiV3 = false;
let app: FastifyInstance;
let kubeconfig: string;

const configMap = (name: string): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', uid: 'u-1', resourceVersion: '1', creationTimestamp: '2024-01-01T00:00:00Z' },
  data: { a: 'b' },
});

const deployment = (images: Record<string, string>): Record<string, unknown> => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: Object.entries(images).map(([name, image]) => ({ name, image })) } },
  },
});
const lastApplied = deployment({ web: 'nginx:1', sidecar: 'busybox' });
const appliedDeployment = {
  ...lastApplied,
  metadata: {
    name: 'web',
    namespace: 'default',
    uid: 'u-2',
    resourceVersion: '5',
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(lastApplied) },
  },
};

t.before(async () => {
  app = Fastify();
  app.addHook('onRequest', (request, reply, done) => {
    seen.push({
      method: request.method,
      url: request.url,
      accept: request.headers.accept ?? '',
      contentType: request.headers['content-type'] ?? '',
    });
    if (hideOpenApiV3 && request.url.startsWith('/openapi/v3')) {
      reply.code(404).send({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404, message: 'not served' });
      return;
    }
    done();
  });
  await app.register(discoveryRoutes, { serverAddress: '127.0.0.1:0' });
  await app.register(openapiRoutes, { dir: openapiDir });
  // kubectl 1.33's typed clients send built-in kinds as protobuf; this stand-in only records them.
  app.addContentTypeParser('application/vnd.kubernetes.protobuf', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.get('/api/v1/namespaces/:namespace/configmaps/:name', async (_request, reply) =>
    reply.code(404).send({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404, message: 'configmaps "x" not found', details: { name: 'x', kind: 'configmaps' } }),
  );
  app.post('/api/v1/namespaces/:namespace/configmaps', async (_request, reply) => reply.code(201).type('application/json').send(configMap('x')));
  // A deployment that was applied with two containers, for client-side apply to diff against.
  app.addContentTypeParser('application/strategic-merge-patch+json', { parseAs: 'string' }, (_request, body, done) => done(null, JSON.parse(body as string)));
  app.get('/apis/apps/v1/namespaces/:namespace/deployments/:name', async () => appliedDeployment);
  app.patch('/apis/apps/v1/namespaces/:namespace/deployments/:name', async (request) => {
    seen[seen.length - 1]!.body = request.body;
    return appliedDeployment;
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  kubeconfig = join(work, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: rudder, cluster: {server: "' + address + '"}}]',
      'users: [{name: nobody, user: {}}]',
      'contexts: [{name: rudder, context: {cluster: rudder, user: nobody, namespace: default}}]',
      'current-context: rudder',
      '',
    ].join('\n'),
  );
  writeFileSync(join(work, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n');
  writeFileSync(join(work, 'deployment.json'), JSON.stringify(deployment({ web: 'nginx:2' })));
});

t.teardown(async () => {
  await app.close();
  rmSync(work, { recursive: true, force: true });
});

let cacheDirs = 0;
/** Runs kubectl with a fresh discovery cache, so each call shows what it fetches. */
async function kubectl(version: KubectlVersion, args: string[]): Promise<{ stdout: string; stderr: string; requests: Seen[] }> {
  const cacheDir = join(work, `cache-${cacheDirs++}`);
  const first = seen.length;
  try {
    const { stdout, stderr } = await run(KUBECTL[version], ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: work },
      timeout: 60_000,
    });
    return { stdout, stderr, requests: seen.slice(first) };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`kubectl ${version} ${args.join(' ')} failed: ${failed.stderr ?? failed.message}`);
  }
}

for (const version of Object.keys(KUBECTL) as KubectlVersion[]) {
  t.test(`kubectl ${version}`, async (t) => {
    t.test('version reports the server as Kubernetes 1.36', async (t) => {
      const { stdout, stderr } = await kubectl(version, ['version', '-o', 'json']);
      const serverVersion = (JSON.parse(stdout) as { serverVersion: Record<string, string> }).serverVersion;
      t.equal(serverVersion.gitVersion, 'v1.36.3+rudder');
      t.equal(serverVersion.major, '1');
      t.equal(serverVersion.minor, '36');
      // kubectl parses the +rudder build metadata away: its skew warning (stderr only) names the minor versions.
      t.match(stderr, new RegExp(`version difference between client \\(${version.replace('.', '\\.')}\\) and server \\(1\\.36\\) exceeds the supported minor version skew`));
    });

    t.test('api-resources lists the table, after asking for aggregated discovery first', async (t) => {
      const { stdout, requests } = await kubectl(version, ['api-resources']);
      const rows = stdout.trim().split('\n').slice(1).map((line) => line.trim().split(/\s+/));
      const row = (name: string): string[] | undefined => rows.find((r) => r[0] === name);
      t.same(row('pods'), ['pods', 'po', 'v1', 'true', 'Pod']);
      t.same(row('deployments'), ['deployments', 'deploy', 'apps/v1', 'true', 'Deployment']);
      t.same(row('nodes'), ['nodes', 'no', 'v1', 'false', 'Node']);
      t.same(row('endpointslices'), ['endpointslices', 'discovery.k8s.io/v1', 'true', 'EndpointSlice']);
      t.same(row('leases'), ['leases', 'coordination.k8s.io/v1', 'true', 'Lease']);
      t.notOk(row('pods/status'), 'subresources are not listed as resources');
      const apis = requests.find((r) => r.url.startsWith('/apis?'));
      t.match(apis?.accept, /as=APIGroupDiscoveryList/, 'kubectl asked for aggregated discovery');
      t.ok(requests.some((r) => r.url.startsWith('/apis/apps/v1?')), 'and fell back to the legacy group documents');
    });

    t.test('explain pod.spec.containers shows the Container fields with descriptions', async (t) => {
      const { stdout, requests } = await kubectl(version, ['explain', 'pod.spec.containers']);
      t.match(stdout, /KIND:\s+Pod/);
      t.match(stdout, /FIELD: containers <\[\]Container>/);
      t.match(stdout, /List of containers belonging to the pod/);
      t.match(stdout, /\n {2}image\t<string>\n/);
      t.match(stdout, /\n {2}name\t<string> -required-\n/);
      t.match(stdout, /\n {2}ports\t<\[\]ContainerPort>\n/);
      t.match(stdout, /Container image name/);
      t.ok(requests.some((r) => r.url.startsWith('/openapi/v3/api/v1?hash=')), 'rendered from the v3 document');
    });

    t.test('explain deployment.spec.replicas and an int-or-string field', async (t) => {
      const replicas = await kubectl(version, ['explain', 'deployment.spec.replicas']);
      t.match(replicas.stdout, /GROUP:\s+apps/);
      t.match(replicas.stdout, /FIELD: replicas <integer>/);
      t.match(replicas.stdout, /Number of desired pods/);
      const targetPort = await kubectl(version, ['explain', 'service.spec.ports.targetPort']);
      t.match(targetPort.stdout, /FIELD: targetPort <IntOrString>/);
    });

    t.test('create --dry-run=server sends fieldValidation=Strict (kubectl trusts the server to validate)', async (t) => {
      const { stdout, requests } = await kubectl(version, ['create', 'configmap', 'x', '--from-literal=a=b', '--dry-run=server']);
      t.match(stdout, /configmap\/x created \(server dry run\)/);
      const post = requests.find((r) => r.method === 'POST');
      t.match(post?.url, /[?&]fieldValidation=Strict(&|$)/);
      t.match(post?.url, /[?&]dryRun=All(&|$)/);
      // 1.27 posts JSON; 1.33's typed client posts protobuf.
      t.equal(post?.contentType, version === '1.27' ? 'application/json' : 'application/vnd.kubernetes.protobuf');
    });

    t.test('apply with the default --validate=strict sends fieldValidation=Strict', async (t) => {
      const { stdout, requests } = await kubectl(version, ['apply', '-f', join(work, 'cm.yaml')]);
      t.match(stdout, /configmap\/x created/);
      const post = requests.find((r) => r.method === 'POST');
      t.match(post?.url, /[?&]fieldValidation=Strict(&|$)/);
      t.equal(post?.contentType, 'application/json');
      t.ok(requests.some((r) => r.url.startsWith('/openapi/v3/api/v1?hash=')), 'verified through the v3 document');
      t.equal(requests.some((r) => r.url.startsWith('/openapi/v2')), version === '1.27', '1.27 also loads v2; 1.33 does not');
    });

    t.test('apply on an existing object merges containers by name, from the published patch metadata', async (t) => {
      const { stdout, requests } = await kubectl(version, ['apply', '-f', join(work, 'deployment.json')]);
      t.match(stdout, /deployment.apps\/web configured/);
      const patch = requests.find((r) => r.method === 'PATCH');
      t.equal(patch?.contentType, 'application/strategic-merge-patch+json');
      t.match(patch?.url, /[?&]fieldValidation=Strict(&|$)/);
      const podSpec = (patch?.body as { spec: { template: { spec: Record<string, unknown> } } }).spec.template.spec;
      t.same(podSpec['$setElementOrder/containers'], [{ name: 'web' }]);
      t.same(podSpec.containers, [
        { image: 'nginx:2', name: 'web' },
        { $patch: 'delete', name: 'sidecar' },
      ]);
    });

    t.test('with /openapi/v3 hidden, apply verifies fieldValidation through the v2 protobuf', async (t) => {
      hideOpenApiV3 = true;
      t.teardown(() => {
        hideOpenApiV3 = false;
      });
      const { requests } = await kubectl(version, ['apply', '-f', join(work, 'cm.yaml')]);
      const v2 = requests.find((r) => r.url.startsWith('/openapi/v2'));
      t.equal(v2?.accept, 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf');
      t.match(requests.find((r) => r.method === 'POST')?.url, /[?&]fieldValidation=Strict(&|$)/);
    });
  });
}

t.test('kubectl 1.27 explains from the v2 protobuf when asked to', async (t) => {
  const { stdout, requests } = await kubectl('1.27', ['explain', 'pod.spec.containers', '--output=plaintext-openapiv2']);
  t.match(stdout, /RESOURCE: containers <\[\]Object>/);
  t.match(stdout, /List of containers belonging to the pod/);
  t.match(stdout, /\n {3}name\t<string> -required-\n/);
  t.ok(requests.some((r) => r.url.startsWith('/openapi/v2') && r.accept.includes('protobuf')));
});

t.test('documents are served as Kubernetes serves them', async (t) => {
  const pb = await app.inject({ url: '/openapi/v2', headers: { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' } });
  t.equal(pb.statusCode, 200);
  t.equal(pb.headers['content-type'], 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
  const json = await app.inject({ url: '/openapi/v2', headers: { accept: 'application/json' } });
  t.equal(json.headers['content-type'], 'application/json');
  const etag = createHash('sha512').update(json.rawPayload).digest('hex').toUpperCase();
  t.equal(json.headers.etag, `"${etag}"`);
  t.equal((await app.inject({ url: '/openapi/v2', headers: { accept: 'application/json', 'if-none-match': `"${etag}"` } })).statusCode, 304);
  t.equal((await app.inject({ url: '/openapi/v2', headers: { accept: 'text/html' } })).statusCode, 406);
  const gzipped = await app.inject({ url: '/openapi/v2', headers: { accept: 'application/json', 'accept-encoding': 'gzip' } });
  t.equal(gzipped.headers['content-encoding'], 'gzip');

  const index = (await app.inject({ url: '/openapi/v3' })).json() as { paths: Record<string, { serverRelativeURL: string }> };
  const url = index.paths['apis/apps/v1']!.serverRelativeURL;
  t.match(url, /^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
  const current = await app.inject({ url });
  t.equal(current.statusCode, 200);
  t.equal(current.headers['cache-control'], 'public, immutable');
  t.ok(current.headers.expires, 'expires a year from now');
  t.equal(createHash('sha512').update(current.rawPayload).digest('hex').toUpperCase(), url.split('hash=')[1]);
  const stale = await app.inject({ url: '/openapi/v3/apis/apps/v1?hash=ABC' });
  t.equal(stale.statusCode, 301);
  t.equal(stale.headers.location, url);
  const unhashed = await app.inject({ url: '/openapi/v3/api/v1' });
  t.equal(unhashed.statusCode, 200);
  t.notOk(unhashed.headers['cache-control'], 'only hashed URLs are cacheable');
  t.equal((await app.inject({ url: '/openapi/v3/apis/internal.apiserver.k8s.io/v1alpha1' })).statusCode, 404);
});

t.test('discovery documents list subresources with their kinds and verbs', async (t) => {
  const core = (await app.inject({ url: '/api/v1' })).json() as { groupVersion: string; resources: Record<string, unknown>[] };
  t.equal(core.groupVersion, 'v1');
  const byName = (list: Record<string, unknown>[], name: string): Record<string, unknown> | undefined => list.find((r) => r.name === name);
  t.match(byName(core.resources, 'pods'), { singularName: 'pod', namespaced: true, kind: 'Pod', shortNames: ['po'], categories: ['all'] });
  t.same(byName(core.resources, 'pods/status'), { name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] });
  t.same(byName(core.resources, 'pods/binding'), { name: 'pods/binding', singularName: '', namespaced: true, kind: 'Binding', verbs: ['create'] });
  const apps = (await app.inject({ url: '/apis/apps/v1' })).json() as { resources: Record<string, unknown>[] };
  t.same(byName(apps.resources, 'deployments/scale'), {
    name: 'deployments/scale',
    singularName: '',
    namespaced: true,
    kind: 'Scale',
    verbs: ['get', 'patch', 'update'],
    group: 'autoscaling',
    version: 'v1',
  });
  const group = (await app.inject({ url: '/apis/discovery.k8s.io' })).json() as Record<string, unknown>;
  t.same(group.preferredVersion, { groupVersion: 'discovery.k8s.io/v1', version: 'v1' });
  const aggregated = await app.inject({ url: '/apis', headers: { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' } });
  t.equal(aggregated.headers['content-type'], 'application/json', 'plain JSON tells client-go to use legacy discovery');
  t.equal((await app.inject({ url: '/apis/internal.apiserver.k8s.io' })).statusCode, 404);
  t.equal((await app.inject({ url: '/apis/apps/v2' })).statusCode, 404);
});
