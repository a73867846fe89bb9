// The real kubectl prints the tables: a minimal server with just enough discovery for pods,
// services and deployments answers `kubectl get` with buildTable.
import t from 'tap';
import Fastify, { type FastifyInstance } from 'fastify';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { apiVersionOf, findResource, type ResourceInfo } from '../lib/api/resources.js';
import type { KubeObject } from '../lib/api/object.js';
import { negotiate } from '../lib/api/negotiate.js';
import { buildTable, parseIncludeObject } from '../lib/api/tables/index.js';

const acceptsTable = (accept: string | undefined): boolean => negotiate(accept, true).kind === 'table';

const run = promisify(execFile);
const KUBECTL = '/usr/lib/google-cloud-sdk/bin';

const NOW = new Date('2024-05-01T12:00:00Z');
const MINUTE = 60_000;
function ago(ms: number): string {
  return new Date(NOW.getTime() - ms).toISOString().replace('.000Z', 'Z');
}

const pods = findResource('', 'v1', 'pods')!;
const services = findResource('', 'v1', 'services')!;
const deployments = findResource('apps', 'v1', 'deployments')!;

const objects = new Map<ResourceInfo, KubeObject[]>([
  [
    pods,
    [
      {
        metadata: { name: 'web-1', namespace: 'default', labels: { app: 'web', tier: 'front' }, creationTimestamp: ago(2 * 24 * 60 * MINUTE + 3 * 60 * MINUTE) },
        spec: { nodeName: 'node-1', containers: [{ name: 'app' }, { name: 'proxy' }] },
        status: {
          phase: 'Running',
          podIP: '10.244.1.7',
          containerStatuses: [
            { name: 'app', ready: true, restartCount: 0, state: { running: {} } },
            {
              name: 'proxy',
              ready: false,
              restartCount: 3,
              state: { running: {} },
              lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(5 * MINUTE) } },
            },
          ],
        },
      },
      {
        metadata: { name: 'migrate', namespace: 'default', creationTimestamp: ago(40_000) },
        spec: { initContainers: [{ name: 'schema' }], containers: [{ name: 'app' }] },
        status: {
          phase: 'Pending',
          initContainerStatuses: [{ name: 'schema', ready: false, restartCount: 0, state: { running: {} } }],
          containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
        },
      },
      {
        metadata: { name: 'old', namespace: 'default', labels: { app: 'old' }, creationTimestamp: ago(200_000), deletionTimestamp: ago(1000) },
        spec: { nodeName: 'node-2', containers: [{ name: 'app' }], readinessGates: [{ conditionType: 'example.com/ready' }] },
        status: {
          phase: 'Running',
          podIPs: [{ ip: '10.244.2.9' }],
          conditions: [{ type: 'example.com/ready', status: 'True' }],
          containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }],
        },
      },
    ],
  ],
  [
    services,
    [
      {
        metadata: { name: 'web', namespace: 'default', creationTimestamp: ago(10 * MINUTE) },
        spec: { type: 'NodePort', clusterIP: '10.96.12.7', selector: { app: 'web' }, ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] },
      },
      {
        metadata: { name: 'shop', namespace: 'default', creationTimestamp: ago(10 * MINUTE) },
        spec: { type: 'LoadBalancer', clusterIP: '10.96.3.3', ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }] },
        status: { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } },
      },
    ],
  ],
  [
    deployments,
    [
      {
        metadata: { name: 'web', namespace: 'default', creationTimestamp: ago(6 * 60 * MINUTE + 10 * MINUTE) },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'web' } },
          template: { spec: { containers: [{ name: 'app', image: 'nginx:1.26' }, { name: 'proxy', image: 'envoy:1.29' }] } },
        },
        status: { replicas: 4, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2 },
      },
    ],
  ],
]);

function resourceEntry(info: ResourceInfo) {
  return {
    name: info.resource,
    singularName: info.singular,
    namespaced: info.namespaced,
    kind: info.kind,
    verbs: ['get', 'list', 'watch'],
    shortNames: info.shortNames,
    categories: info.categories,
  };
}

async function startServer(): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify();
  app.get('/api', async () => ({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] }));
  app.get('/apis', async () => ({
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [{ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } }],
  }));
  app.get('/api/v1', async () => ({ kind: 'APIResourceList', groupVersion: 'v1', resources: [resourceEntry(pods), resourceEntry(services)] }));
  app.get('/apis/apps/v1', async () => ({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'apps/v1', resources: [resourceEntry(deployments)] }));

  for (const [info, items] of objects) {
    const prefix = info.group === '' ? '/api/v1' : `/apis/${info.group}/v1`;
    app.get<{ Querystring: Record<string, string> }>(`${prefix}/namespaces/:namespace/${info.resource}`, async (request, reply) => {
      const listMeta = { resourceVersion: '100' };
      if (request.query.watch === 'true' || request.query.watch === '1') {
        // Two changes, then the stream ends. Only the first event carries the columns.
        reply.hijack();
        reply.raw.writeHead(200, { 'content-type': 'application/json' });
        const includeObject = parseIncludeObject(request.query.includeObject);
        const changed = items.slice(0, 2).map((item, i) => ({ ...item, metadata: { ...item.metadata, resourceVersion: String(101 + i) } }));
        changed.forEach((item, i) => {
          const object = acceptsTable(request.headers.accept)
            ? buildTable(info, [item], { now: NOW, includeObject, listMeta: { resourceVersion: String(101 + i) }, omitColumns: i > 0 })
            : item;
          reply.raw.write(`${JSON.stringify({ type: 'MODIFIED', object })}\n`);
        });
        reply.raw.end();
        return reply;
      }
      if (acceptsTable(request.headers.accept)) {
        return buildTable(info, items, { now: NOW, includeObject: parseIncludeObject(request.query.includeObject), listMeta });
      }
      reply.header('content-type', 'application/json');
      return { apiVersion: apiVersionOf(info), kind: info.listKind, metadata: listMeta, items };
    });
  }
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}

t.test('kubectl prints the server tables the way it prints Kubernetes tables', async (t) => {
  const { app, url } = await startServer();
  const home = await mkdtemp(join(tmpdir(), 'rudder-tables-'));
  t.teardown(async () => {
    await app.close();
    await rm(home, { recursive: true, force: true });
  });
  const kubeconfig = join(home, 'kubeconfig');
  await writeFile(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: test, cluster: {server: "${url}"}}]`,
      'users: [{name: test, user: {}}]',
      'contexts: [{name: test, context: {cluster: test, user: test, namespace: default}}]',
      'current-context: test',
    ].join('\n'),
  );
  const kubectl = async (version: string, ...args: string[]): Promise<string> => {
    const { stdout } = await run(join(KUBECTL, `kubectl.${version}`), ['--kubeconfig', kubeconfig, ...args], {
      env: { ...process.env, HOME: home, KUBECONFIG: kubeconfig },
      timeout: 30_000,
    });
    return stdout;
  };

  for (const version of ['1.33', '1.27']) {
    t.test(`kubectl ${version}`, async (t) => {
      t.equal(
        await kubectl(version, 'get', 'pods'),
        [
          'NAME      READY   STATUS        RESTARTS     AGE',
          'web-1     1/2     Running       3 (5m ago)   2d3h',
          'migrate   0/1     Init:0/1      0            40s',
          'old       1/1     Terminating   0            3m20s',
          '',
        ].join('\n'),
      );
      t.equal(
        await kubectl(version, 'get', 'pods', '-o', 'wide'),
        [
          'NAME      READY   STATUS        RESTARTS     AGE     IP           NODE     NOMINATED NODE   READINESS GATES',
          'web-1     1/2     Running       3 (5m ago)   2d3h    10.244.1.7   node-1   <none>           <none>',
          'migrate   0/1     Init:0/1      0            40s     <none>       <none>   <none>           <none>',
          'old       1/1     Terminating   0            3m20s   10.244.2.9   node-2   <none>           1/1',
          '',
        ].join('\n'),
      );
      t.equal(
        await kubectl(version, 'get', 'pods', '--show-labels'),
        [
          'NAME      READY   STATUS        RESTARTS     AGE     LABELS',
          'web-1     1/2     Running       3 (5m ago)   2d3h    app=web,tier=front',
          'migrate   0/1     Init:0/1      0            40s     <none>',
          'old       1/1     Terminating   0            3m20s   app=old',
          '',
        ].join('\n'),
      );
      // --sort-by asks for includeObject=Object: kubectl sorts by a spec field read from each row.
      t.equal(
        await kubectl(version, 'get', 'pods', '--sort-by=.spec.nodeName', '-L', 'app'),
        [
          'NAME      READY   STATUS        RESTARTS     AGE     APP',
          'migrate   0/1     Init:0/1      0            40s     ',
          'web-1     1/2     Running       3 (5m ago)   2d3h    web',
          'old       1/1     Terminating   0            3m20s   old',
          '',
        ].join('\n'),
      );
      t.equal(
        await kubectl(version, 'get', 'services', '-o', 'wide'),
        [
          'NAME   TYPE           CLUSTER-IP   EXTERNAL-IP    PORT(S)         AGE   SELECTOR',
          'web    NodePort       10.96.12.7   <none>         80:30080/TCP    10m   app=web',
          'shop   LoadBalancer   10.96.3.3    203.0.113.10   443:31443/TCP   10m   <none>',
          '',
        ].join('\n'),
      );
      t.equal(
        await kubectl(version, 'get', 'deployments', '-o', 'wide'),
        [
          'NAME   READY   UP-TO-DATE   AVAILABLE   AGE     CONTAINERS   IMAGES                  SELECTOR',
          'web    2/3     1            2           6h10m   app,proxy    nginx:1.26,envoy:1.29   app=web',
          '',
        ].join('\n'),
      );
      // -w lists, then prints each watch event's row under the same header, including the
      // events that come without column definitions.
      t.equal(
        await kubectl(version, 'get', 'pods', '-w'),
        [
          'NAME      READY   STATUS        RESTARTS     AGE',
          'web-1     1/2     Running       3 (5m ago)   2d3h',
          'migrate   0/1     Init:0/1      0            40s',
          'old       1/1     Terminating   0            3m20s',
          'web-1     1/2     Running       3 (5m ago)   2d3h',
          'migrate   0/1     Init:0/1      0            40s',
          '',
        ].join('\n'),
      );
    });
  }
});
