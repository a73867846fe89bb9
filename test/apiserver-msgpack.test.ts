// Rudder's msgpack content type (application/vnd.rudder.msgpack): the apiserver answers reads in
// it when asked, accepts it for writes, frames watch events in it, and everyone who asks for
// JSON (kubectl, client libraries) still gets JSON.
import t from 'tap';
import { decodeMsgpack, encodeMsgpack, FrameDecoder, MSGPACK_MEDIA_TYPE, MSGPACK_WATCH_MEDIA_TYPE } from '../lib/api/msgpack.js';
import { injectServer, type InjectServer } from './helpers/inject-server.js';

interface Obj {
  kind?: string;
  metadata: { name: string; resourceVersion: string; namespace?: string };
  data?: Record<string, string>;
  items?: Obj[];
  code?: number;
  reason?: string;
}

let server: InjectServer;
t.beforeEach(async () => {
  server = await injectServer();
});
t.afterEach(() => server.close());

const CONFIGMAPS = '/api/v1/namespaces/default/configmaps';

t.test('reads answer in msgpack when asked, with the same object JSON readers get', async (t) => {
  const created = await server.app.inject({ method: 'POST', url: CONFIGMAPS, headers: { ...server.auth, 'content-type': 'application/json' }, payload: { metadata: { name: 'cfg' }, data: { a: 'b' } } });
  t.equal(created.statusCode, 201);

  const asJson = await server.app.inject({ method: 'GET', url: `${CONFIGMAPS}/cfg`, headers: { ...server.auth, accept: 'application/json' } });
  const asMsgpack = await server.app.inject({ method: 'GET', url: `${CONFIGMAPS}/cfg`, headers: { ...server.auth, accept: `${MSGPACK_MEDIA_TYPE}, application/json;q=0.9` } });
  t.equal(asMsgpack.statusCode, 200);
  t.equal(asMsgpack.headers['content-type'], MSGPACK_MEDIA_TYPE);
  t.same(decodeMsgpack(asMsgpack.rawPayload), JSON.parse(asJson.body), 'the same object either way');

  const list = await server.app.inject({ method: 'GET', url: CONFIGMAPS, headers: { ...server.auth, accept: MSGPACK_MEDIA_TYPE } });
  const decoded = decodeMsgpack<Obj>(list.rawPayload);
  t.equal(decoded.kind, 'ConfigMapList');
  t.same(decoded.items?.map((i) => i.metadata.name), ['cfg']);

  // Clients that do not ask keep JSON.
  const plain = await server.app.inject({ method: 'GET', url: `${CONFIGMAPS}/cfg`, headers: server.auth });
  t.match(plain.headers['content-type'], /^application\/json/);
});

t.test('writes accept msgpack bodies; errors stay Status objects', async (t) => {
  const headers = { ...server.auth, 'content-type': MSGPACK_MEDIA_TYPE, accept: MSGPACK_MEDIA_TYPE };
  const created = await server.app.inject({ method: 'POST', url: CONFIGMAPS, headers, payload: encodeMsgpack({ metadata: { name: 'packed' }, data: { k: 'v' } }) });
  t.equal(created.statusCode, 201);
  const obj = decodeMsgpack<Obj>(created.rawPayload);
  t.equal(obj.metadata.name, 'packed');
  t.same(obj.data, { k: 'v' });

  const updated = await server.app.inject({ method: 'PUT', url: `${CONFIGMAPS}/packed`, headers, payload: encodeMsgpack({ ...obj, data: { k: 'w' } }) });
  t.equal(updated.statusCode, 200);
  t.same(decodeMsgpack<Obj>(updated.rawPayload).data, { k: 'w' });

  const stale = await server.app.inject({ method: 'PUT', url: `${CONFIGMAPS}/packed`, headers, payload: encodeMsgpack(obj) });
  t.equal(stale.statusCode, 409);
  t.match(JSON.parse(stale.body), { kind: 'Status', reason: 'Conflict' });

  const garbage = await server.app.inject({ method: 'POST', url: CONFIGMAPS, headers, payload: Buffer.from([0xc1, 0xc1]) });
  t.equal(garbage.statusCode, 400);
  t.match(JSON.parse(garbage.body), { kind: 'Status', reason: 'BadRequest', message: /not valid msgpack/ });
});

t.test('watch events arrive as length-prefixed msgpack frames', async (t) => {
  const start = JSON.parse((await server.app.inject({ method: 'GET', url: CONFIGMAPS, headers: server.auth })).body) as { metadata: { resourceVersion: string } };
  for (const name of ['one', 'two']) {
    await server.app.inject({ method: 'POST', url: CONFIGMAPS, headers: { ...server.auth, 'content-type': 'application/json' }, payload: { metadata: { name } } });
  }
  await server.app.inject({ method: 'DELETE', url: `${CONFIGMAPS}/one`, headers: server.auth });
  const watch = await server.app.inject({
    method: 'GET',
    url: `${CONFIGMAPS}?watch=1&timeoutSeconds=1&resourceVersion=${start.metadata.resourceVersion}`,
    headers: { ...server.auth, accept: `${MSGPACK_WATCH_MEDIA_TYPE}, application/json;q=0.5` },
  });
  t.equal(watch.headers['content-type'], MSGPACK_WATCH_MEDIA_TYPE);
  const frames = new FrameDecoder<{ type: string; object: Obj }>().push(watch.rawPayload);
  t.same(
    frames.map((f) => `${f.type} ${f.object.metadata.name}`),
    ['ADDED one', 'ADDED two', 'DELETED one'],
  );
  const rvs = frames.map((f) => Number(f.object.metadata.resourceVersion));
  t.ok(rvs.every((rv, i) => i === 0 || rv > rvs[i - 1]!), 'in resourceVersion order');
});

t.test('a frame split across chunks decodes once it is whole', async (t) => {
  const decoder = new FrameDecoder<{ n: number }>();
  const bytes = Buffer.concat([1, 2, 3].map((n) => {
    const body = encodeMsgpack({ n });
    const frame = Buffer.alloc(4 + body.length);
    frame.writeUInt32BE(body.length, 0);
    body.copy(frame, 4);
    return frame;
  }));
  const seen: number[] = [];
  for (let i = 0; i < bytes.length; i += 3) seen.push(...decoder.push(bytes.subarray(i, i + 3)).map((f) => f.n));
  t.same(seen, [1, 2, 3]);
  t.equal(decoder.buffered, 0);
});
