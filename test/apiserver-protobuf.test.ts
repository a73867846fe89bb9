// Kubernetes' own clients (client-go configured for protobuf: kube-scheduler,
// kube-controller-manager) ask for application/vnd.kubernetes.protobuf. The apiserver answers
// gets, lists, watches, metadata-only reads and errors in it, and every object read that way is
// the object a JSON read returns.
import t from 'tap';
import { FrameSplitter } from '../lib/api/frames.js';
import { decodeProtobufResponse, decodeProtobufWatchEvent } from '../lib/api/protobuf/decode.js';
import { PROTOBUF_MEDIA_TYPE, PROTOBUF_WATCH_MEDIA_TYPE } from '../lib/api/protobuf/envelope.js';
import { listeningServer, type ListeningServer } from './helpers/listening-server.js';

const PODS = '/api/v1/namespaces/default/pods';
const pod = {
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image: 'nginx', env: [{ name: 'EMPTY', value: '' }], resources: { requests: { cpu: 0.25, memory: '1.5Gi' } } }] },
};

let server: ListeningServer;
t.beforeEach(async () => {
  server = await listeningServer();
});
t.afterEach(async () => {
  await server.close();
});

async function read(url: string, accept: string): Promise<{ status: number; type: string; body: Buffer }> {
  const res = await fetch(`${server.url}${url}`, { headers: { ...server.auth, accept } });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: Buffer.from(await res.arrayBuffer()) };
}

async function create(): Promise<Record<string, unknown>> {
  const res = await fetch(`${server.url}${PODS}`, { method: 'POST', headers: { ...server.auth, 'content-type': 'application/json' }, body: JSON.stringify(pod) });
  if (res.status !== 201) throw new Error(`creating the pod: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** List items as protobuf carries them: without apiVersion and kind, as in Kubernetes. */
function withoutTypeMeta(list: Record<string, unknown>): Record<string, unknown> {
  const items = (list.items as Record<string, unknown>[]).map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
  return { ...list, items };
}

t.test('a pod is stored in the shape Kubernetes writes: empty omitempty values gone, quantities canonical', async (t) => {
  const created = (await create()) as { spec: { containers: { env: unknown[]; resources: unknown }[] } };
  t.same(created.spec.containers[0]!.env, [{ name: 'EMPTY' }]);
  t.same(created.spec.containers[0]!.resources, { requests: { cpu: '250m', memory: '1536Mi' } });
});

t.test('get and list as protobuf decode to the objects JSON returns', async (t) => {
  await create();
  for (const url of [`${PODS}/web`, PODS]) {
    const json = JSON.parse((await read(url, 'application/json')).body.toString('utf8')) as Record<string, unknown>;
    const proto = await read(url, `${PROTOBUF_MEDIA_TYPE}, application/json;q=0.5`);
    t.equal(proto.status, 200);
    t.equal(proto.type, PROTOBUF_MEDIA_TYPE);
    t.same(decodeProtobufResponse(proto.body), url === PODS ? withoutTypeMeta(json) : json, url);
  }
});

t.test('metadata-only lists as protobuf, as the garbage collector reads them; tables only as JSON', async (t) => {
  await create();
  const meta = await read(PODS, `${PROTOBUF_MEDIA_TYPE};as=PartialObjectMetadataList;g=meta.k8s.io;v=v1`);
  t.equal(meta.status, 200);
  const list = decodeProtobufResponse(meta.body) as { kind: string; items: { metadata: { name: string } }[] };
  t.equal(list.kind, 'PartialObjectMetadataList');
  t.same(list.items.map((item) => item.metadata.name), ['web']);
  const table = await read(PODS, `${PROTOBUF_MEDIA_TYPE};as=Table;g=meta.k8s.io;v=v1`);
  t.equal(table.status, 406);
});

t.test('an error to a client that reads only protobuf is a protobuf Status', async (t) => {
  const missing = await read(`${PODS}/nope`, PROTOBUF_MEDIA_TYPE);
  t.equal(missing.status, 404);
  t.equal(missing.type, PROTOBUF_MEDIA_TYPE);
  t.match(decodeProtobufResponse(missing.body), { kind: 'Status', reason: 'NotFound', code: 404, message: 'pods "nope" not found' });
});

t.test('a protobuf watch streams length-prefixed WatchEvents of the objects', async (t) => {
  const abort = new AbortController();
  const res = await fetch(`${server.url}${PODS}?watch=1`, { headers: { ...server.auth, accept: PROTOBUF_MEDIA_TYPE }, signal: abort.signal });
  t.equal(res.headers.get('content-type'), PROTOBUF_WATCH_MEDIA_TYPE);
  const created = await create();
  const splitter = new FrameSplitter();
  const events: { type: string; object: Record<string, unknown> }[] = [];
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  while (events.length === 0) {
    const { value, done } = await reader.read();
    if (done) break;
    for (const frame of splitter.push(Buffer.from(value))) events.push(decodeProtobufWatchEvent(frame));
  }
  abort.abort();
  t.equal(events[0]?.type, 'ADDED');
  t.same(events[0]?.object, created);
});
