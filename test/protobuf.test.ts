// kubectl 1.33 sends typed `create` bodies as Kubernetes protobuf. A small server records the
// bodies the real kubectl sends; each must decode to the object kubectl itself prints for the same
// command with `--dry-run=client -o json`. Bad bodies are refused with a Status.
import Fastify, { type FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { createProtobufDecoder, decodeProtobufObject, PROTOBUF_MEDIA_TYPE, protobufAvailable } from '../lib/api/protobuf/decode.js';
import { loadSchema } from '../lib/api/protobuf/schema.js';
import { DEFAULT_SCHEMA_DIR } from '../lib/api/protobuf/schema-files.js';
import type { KubeObject } from '../lib/api/object.js';
import { isStatusError, type StatusError } from '../lib/api/status.js';
import { kubectl } from './helpers/kubectl.js';

interface Captured {
  path: string;
  contentType: string;
  body: Buffer;
}

const resource = (name: string, kind: string, namespaced: boolean) => ({ name, singularName: kind.toLowerCase(), namespaced, kind, verbs: ['create', 'get', 'list'] });

/** Records every POST body and answers with the decoded object, as the apiserver would. */
async function startCaptureServer(captured: Captured[]): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify();
  app.addContentTypeParser(PROTOBUF_MEDIA_TYPE, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.get('/api', async () => ({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] }));
  app.get('/apis', async () => ({
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [{ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } }],
  }));
  app.get('/api/v1', async () => ({
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [
      resource('namespaces', 'Namespace', false),
      resource('nodes', 'Node', false),
      resource('pods', 'Pod', true),
      resource('services', 'Service', true),
      resource('configmaps', 'ConfigMap', true),
      resource('secrets', 'Secret', true),
      resource('serviceaccounts', 'ServiceAccount', true),
    ],
  }));
  app.get('/apis/apps/v1', async () => ({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'apps/v1', resources: [resource('deployments', 'Deployment', true)] }));
  app.get('/api/v1/nodes/:name', async (request) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: (request.params as { name: string }).name, labels: { 'kubernetes.io/hostname': (request.params as { name: string }).name } },
  }));
  app.post('/*', async (request, reply) => {
    const body = request.body as Buffer;
    const contentType = String(request.headers['content-type'] ?? '');
    captured.push({ path: request.url.split('?')[0]!, contentType, body });
    try {
      const object = contentType.startsWith(PROTOBUF_MEDIA_TYPE) ? decodeProtobufObject(body) : (JSON.parse(body.toString('utf8')) as KubeObject);
      reply.code(201).header('content-type', 'application/json');
      return object;
    } catch (error) {
      if (!isStatusError(error)) throw error;
      reply.code(error.code).header('content-type', 'application/json');
      return error.status;
    }
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}

/** Go's JSON writes a zero creationTimestamp as null; the decoder leaves it out (the same to an apiserver). */
function withoutNullTimestamps(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNullTimestamps);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, item]) => !(key === 'creationTimestamp' && item === null))
      .map(([key, item]) => [key, withoutNullTimestamps(item)]),
  );
}

/** The object a recorded body carries; JSON bodies get the same null-timestamp treatment as kubectl's output. */
function decodeBody(captured: Captured): KubeObject {
  if (captured.contentType.startsWith(PROTOBUF_MEDIA_TYPE)) return decodeProtobufObject(captured.body);
  return withoutNullTimestamps(JSON.parse(captured.body.toString('utf8'))) as KubeObject;
}

t.test('kubectl 1.33 create bodies decode to the objects kubectl prints', async (t) => {
  if (!protobufAvailable()) {
    t.fail(`the protobuf schema is not built in ${DEFAULT_SCHEMA_DIR}: run \`npm run build\` with access to the Go module proxy`);
    return;
  }
  const captured: Captured[] = [];
  const { app, url } = await startCaptureServer(captured);
  const home = mkdtempSync(join(tmpdir(), 'rudder-protobuf-'));
  t.teardown(async () => {
    await app.close();
    rmSync(home, { recursive: true, force: true });
  });
  const kubeconfig = join(home, 'kubeconfig');
  writeFileSync(
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
  const settings = join(home, 'settings.ini');
  writeFileSync(settings, 'mode=fast\nempty=\n');
  const blob = join(home, 'blob.bin');
  writeFileSync(blob, Buffer.from([0, 1, 2, 0xfe, 0xff]));

  const commands: { name: string; args: string[]; protobuf: boolean }[] = [
    { name: 'namespace', args: ['create', 'namespace', 'team-a'], protobuf: true },
    { name: 'configmap', args: ['create', 'configmap', 'settings', '--from-literal=a=b', `--from-file=${settings}`, '--from-literal=blank='], protobuf: true },
    { name: 'secret', args: ['create', 'secret', 'generic', 'creds', '--from-literal=user=admin', `--from-file=${blob}`, '--type=Opaque'], protobuf: true },
    { name: 'deployment with replicas 0', args: ['create', 'deployment', 'web', '--image=nginx', '--replicas=0', '--port=8080'], protobuf: true },
    { name: 'clusterip service', args: ['create', 'service', 'clusterip', 'web', '--tcp=80:8080', '--tcp=443:https'], protobuf: true },
    { name: 'headless service', args: ['create', 'service', 'clusterip', 'db', '--clusterip=None', '--tcp=5432'], protobuf: true },
    { name: 'serviceaccount', args: ['create', 'serviceaccount', 'robot'], protobuf: true },
    // kubectl run posts JSON, even in 1.33: kept so a switch to protobuf is still covered.
    { name: 'run pod', args: ['run', 'box', '--image=busybox', '--labels=app=box,tier=debug', '--env=GREETING=hi', '--env=EMPTY=', '--port=80', '--restart=Never'], protobuf: false },
  ];

  for (const command of commands) {
    t.test(command.name, async (t) => {
      const before = captured.length;
      const sent = await kubectl('1.33', kubeconfig, command.args);
      t.equal(sent.code, 0, `kubectl ${command.args.join(' ')} succeeds: ${sent.stderr}`);
      t.equal(captured.length, before + 1, 'one body was posted');
      const body = captured[before];
      if (!body) return;
      t.equal(body.contentType.startsWith(PROTOBUF_MEDIA_TYPE), command.protobuf, `sent as ${body.contentType}`);

      const printed = await kubectl('1.33', kubeconfig, [...command.args, '--dry-run=client', '-o', 'json']);
      t.equal(printed.code, 0, printed.stderr);
      const expected = withoutNullTimestamps(JSON.parse(printed.stdout));
      t.strictSame(decodeBody(body), expected, 'the decoded body is the object kubectl prints');
    });
  }

  t.test('the deployment keeps replicas: 0 (a pointer the user set)', async (t) => {
    const deployment = captured.find((c) => c.path.endsWith('/deployments'));
    const object = decodeBody(deployment!) as { spec: { replicas?: number } };
    t.equal(object.spec.replicas, 0);
  });

  t.test('kubectl debug node posts a pod whose inline volume source decodes in place', async (t) => {
    const before = captured.length;
    const sent = await kubectl('1.33', kubeconfig, ['debug', 'node/worker-1', '--image=busybox', '--profile=legacy']);
    t.equal(sent.code, 0, `kubectl debug succeeds: ${sent.stderr}`);
    const body = captured[before]!;
    t.ok(body.contentType.startsWith(PROTOBUF_MEDIA_TYPE), 'sent as protobuf');
    const pod = decodeBody(body);
    t.match(pod.metadata?.name, /^node-debugger-worker-1-[a-z0-9]{5}$/);
    t.strictSame(
      { ...pod, metadata: { ...pod.metadata, name: 'node-debugger' } },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'node-debugger' },
        spec: {
          volumes: [{ name: 'host-root', hostPath: { path: '/' } }],
          containers: [{ name: 'debugger', image: 'busybox', resources: {}, volumeMounts: [{ name: 'host-root', mountPath: '/host' }], terminationMessagePolicy: 'File' }],
          restartPolicy: 'Never',
          nodeName: 'worker-1',
          hostNetwork: true,
          hostPID: true,
          hostIPC: true,
          tolerations: [{ operator: 'Exists' }],
        },
        status: {},
      },
    );
  });
});

let schemaRoot: ReturnType<typeof loadSchema>['root'] | undefined;

/** A body as a Go client frames it, built from a JS object with the same schema. */
function frame(apiVersion: string, kind: string, messageName: string, object: Record<string, unknown>): Buffer {
  const root = (schemaRoot ??= loadSchema(DEFAULT_SCHEMA_DIR).root);
  const type = root.lookupType(messageName);
  const raw = type.encode(type.fromObject(object)).finish();
  const unknown = root.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
  const envelope = unknown.encode(unknown.fromObject({ typeMeta: { apiVersion, kind }, raw })).finish();
  return Buffer.concat([Buffer.from('k8s\0', 'binary'), envelope]);
}

function statusOf(fn: () => unknown): StatusError | undefined {
  try {
    fn();
  } catch (error) {
    if (isStatusError(error)) return error;
    throw error;
  }
  return undefined;
}

t.test('types Go marshals by hand decode to their JSON forms', { skip: !protobufAvailable() && 'the protobuf schema is not built' }, async (t) => {
  t.test('MicroTime, Time, pointer zeros and omitted zeros in a Lease', async (t) => {
    const body = frame('coordination.k8s.io/v1', 'Lease', 'k8s.io.api.coordination.v1.Lease', {
      metadata: { name: 'kube-scheduler', namespace: 'kube-system', creationTimestamp: { seconds: 1714564800 }, generation: 0, resourceVersion: '' },
      spec: { holderIdentity: 'node-a', leaseDurationSeconds: 15, acquireTime: { seconds: 1714564800, nanos: 123456789 }, renewTime: {}, leaseTransitions: 0 },
    });
    t.strictSame(decodeProtobufObject(body), {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'kube-scheduler', namespace: 'kube-system', creationTimestamp: '2024-05-01T12:00:00Z' },
      // leaseTransitions is a *int32: the zero was set by the sender and stays.
      spec: { holderIdentity: 'node-a', leaseDurationSeconds: 15, acquireTime: '2024-05-01T12:00:00.123456Z', leaseTransitions: 0 },
    });
  });

  t.test('IntOrString, Quantity, int64 and bytes', async (t) => {
    const body = frame('v1', 'Pod', 'k8s.io.api.core.v1.Pod', {
      metadata: { name: 'p', deletionGracePeriodSeconds: 30 },
      spec: {
        containers: [
          {
            name: 'app',
            resources: { limits: { cpu: { string: '500m' }, memory: { string: '128Mi' } } },
            readinessProbe: { handler: { httpGet: { path: '/ready', port: { type: 1, strVal: 'http' } } }, periodSeconds: 5 },
            livenessProbe: { handler: { tcpSocket: { port: { type: 0, intVal: 8080 } } } },
          },
        ],
        activeDeadlineSeconds: 9007199254740991,
      },
    });
    t.strictSame(decodeProtobufObject(body), {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', deletionGracePeriodSeconds: 30 },
      spec: {
        containers: [
          {
            name: 'app',
            resources: { limits: { cpu: '500m', memory: '128Mi' } },
            livenessProbe: { tcpSocket: { port: 8080 } },
            readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5 },
          },
        ],
        activeDeadlineSeconds: 9007199254740991,
      },
    });
  });

  t.test('DeleteOptions keeps gracePeriodSeconds: 0 whatever group version tags it', async (t) => {
    for (const apiVersion of ['v1', 'apps/v1', 'meta.k8s.io/v1']) {
      const body = frame(apiVersion, 'DeleteOptions', 'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions', { gracePeriodSeconds: 0, propagationPolicy: 'Foreground', dryRun: [] });
      t.strictSame(decodeProtobufObject(body), { apiVersion, kind: 'DeleteOptions', gracePeriodSeconds: 0, propagationPolicy: 'Foreground' });
    }
  });

  t.test('Scale and Binding, the request-only kinds', async (t) => {
    t.strictSame(decodeProtobufObject(frame('autoscaling/v1', 'Scale', 'k8s.io.api.autoscaling.v1.Scale', { metadata: { name: 'web' }, spec: { replicas: 0 } })), {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'web' },
      spec: {},
    });
    t.strictSame(decodeProtobufObject(frame('v1', 'Binding', 'k8s.io.api.core.v1.Binding', { metadata: { name: 'p' }, target: { kind: 'Node', name: 'n1' } })), {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'p' },
      target: { kind: 'Node', name: 'n1' },
    });
  });
});

t.test('bad protobuf bodies are refused with a 400 Status', { skip: !protobufAvailable() && 'the protobuf schema is not built' }, async (t) => {
  const good = frame('v1', 'ConfigMap', 'k8s.io.api.core.v1.ConfigMap', { metadata: { name: 'c' }, data: { a: 'b' } });
  t.strictSame(decodeProtobufObject(good), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } });

  const cases: { name: string; body: Buffer; message: RegExp }[] = [
    { name: 'JSON sent with the protobuf content type', body: Buffer.from('{"kind":"ConfigMap"}'), message: /does not start with the Kubernetes envelope prefix/ },
    { name: 'an empty body', body: Buffer.alloc(0), message: /does not start with the Kubernetes envelope prefix/ },
    { name: 'a truncated body', body: good.subarray(0, good.length - 3), message: /could not be decoded/ },
    { name: 'an unknown kind', body: frame('v1', 'Gadget', 'k8s.io.api.core.v1.ConfigMap', {}), message: /no kind "Gadget" is registered for version "v1"/ },
    { name: 'an unknown group version', body: frame('batch/v9', 'Job', 'k8s.io.api.core.v1.ConfigMap', {}), message: /no kind "Job" is registered for version "batch\/v9"/ },
    {
      name: 'a time past the year 9999',
      body: frame('coordination.k8s.io/v1', 'Lease', 'k8s.io.api.coordination.v1.Lease', { metadata: { name: 'l' }, spec: { renewTime: { seconds: 1e15 } } }),
      message: /time outside the years 0001 to 9999/,
    },
    { name: 'an envelope without typeMeta', body: Buffer.from('k8s\0', 'binary'), message: /names no apiVersion and kind/ },
  ];
  for (const { name, body, message } of cases) {
    const error = statusOf(() => decodeProtobufObject(body));
    t.equal(error?.code, 400, `${name}: 400`);
    t.equal(error?.reason, 'BadRequest', name);
    t.match(error?.message, message, name);
  }
});

t.test('without a built schema protobuf bodies get 415 and say how to build it', async (t) => {
  const empty = mkdtempSync(join(tmpdir(), 'rudder-no-proto-'));
  t.teardown(() => rmSync(empty, { recursive: true, force: true }));
  const decoder = createProtobufDecoder(empty);
  t.equal(decoder.available(), false);
  const error = statusOf(() => decoder.decode(Buffer.from('k8s\0', 'binary')));
  t.equal(error?.code, 415);
  t.equal(error?.reason, 'UnsupportedMediaType');
  t.match(error?.message, /built without protobuf support/);
  t.match(error?.message, /npm run build/);
  t.match(error?.message, /application\/json/);
});
