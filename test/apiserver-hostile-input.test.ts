// Regression tests for what a hostile-input probe did to the apiserver with one valid token:
// each finding is a request a user could send, and each test pins the answer Kubernetes gives
// (a 4xx Status, nothing stored) and that the server goes on serving everyone else.
import { connect, type Socket } from 'node:net';
import { Packr } from 'msgpackr';
import t from 'tap';
import { MSGPACK_MEDIA_TYPE } from '../lib/api/msgpack.js';
import { encodeProtobufObject } from '../lib/api/protobuf/encode.js';
import { PROTOBUF_MEDIA_TYPE } from '../lib/api/protobuf/envelope.js';
import { listeningServer, type ListeningServer } from './helpers/listening-server.js';
import { until } from './helpers/until.js';

interface StatusBody {
  kind: string;
  reason: string;
  code: number;
  message: string;
  details?: { causes?: { reason?: string; message?: string }[] };
}

interface WatchLine {
  type: string;
  object: { metadata?: { name?: string }; code?: number; message?: string };
}

const CM = '/api/v1/namespaces/default/configmaps';
// A msgpack writer that keeps what JSON cannot say: 64-bit integers, dates, errors.
const rawPackr = new Packr({ useRecords: false });

let server: ListeningServer;
t.beforeEach(async () => {
  server = await listeningServer();
});
t.afterEach(async () => {
  await server.close();
});

async function send(method: string, url: string, body?: string | Buffer, contentType = 'application/json'): Promise<{ status: number; headers: Headers; text: string }> {
  const init: RequestInit = { method, headers: { ...server.auth, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': contentType }) } };
  if (body !== undefined) init.body = body;
  const res = await fetch(`${server.url}${url}`, init);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

function status(text: string): StatusBody {
  return JSON.parse(text) as StatusBody;
}

async function names(): Promise<string[]> {
  const res = await send('GET', CM);
  t.equal(res.status, 200, 'the namespace still lists');
  return (JSON.parse(res.text) as { items: { metadata: { name: string } }[] }).items.map((item) => item.metadata.name);
}

/** An open JSON watch of the configmaps in default, collecting events as they arrive. */
async function watchConfigMaps(query = ''): Promise<{ events: WatchLine[]; ended: () => boolean; until(p: (e: WatchLine[]) => boolean, ms?: number): Promise<boolean>; close(): void }> {
  const abort = new AbortController();
  const res = await fetch(`${server.url}${CM}?watch=1${query}`, { headers: server.auth, signal: abort.signal });
  const events: WatchLine[] = [];
  let done = false;
  void (async () => {
    let buffer = '';
    try {
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        buffer += Buffer.from(chunk).toString('utf8');
        let newline = buffer.indexOf('\n');
        while (newline >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          if (line.trim() !== '') events.push(JSON.parse(line) as WatchLine);
          newline = buffer.indexOf('\n');
        }
      }
    } catch {
      // aborted by close()
    }
    done = true;
  })();
  return {
    events,
    ended: () => done,
    async until(predicate, ms = 5000) {
      const deadline = Date.now() + ms;
      while (!predicate(events) && Date.now() < deadline && !done) await new Promise((r) => setTimeout(r, 20));
      return predicate(events);
    },
    close: () => abort.abort(),
  };
}

t.test('finding 2: a msgpack int64 beyond 2^53 is a 400, nothing is stored, and an open JSON watch goes on', async (t) => {
  const watch = await watchConfigMaps();
  const body = rawPackr.pack({ metadata: { name: 'big' }, data: { a: 'b' }, extra: 2n ** 60n });
  const res = await send('POST', CM, body, MSGPACK_MEDIA_TYPE);
  t.equal(res.status, 400);
  t.match(status(res.text), { reason: 'BadRequest', message: /integer 1152921504606846976 at \.extra.*cannot be kept exactly/ });
  t.same(await names(), []);
  // A 64-bit integer that fits (msgpack writers use int64 for small values too) is a number.
  const small = await send('POST', CM, rawPackr.pack({ metadata: { name: 'small', generation: 2n ** 40n }, data: { a: 'b' } }), MSGPACK_MEDIA_TYPE);
  t.equal(small.status, 201, small.text);
  t.ok(await watch.until((events) => events.some((e) => e.object.metadata?.name === 'small')), 'the watch sees the next object');
  t.notOk(watch.ended(), 'the watch is still open');
  watch.close();
  const got = await send('GET', `${CM}/small`);
  t.equal(got.status, 200);
});

t.test('finding 3: a watch that fails to start ends with an ERROR event and leaves no timer behind', async (t) => {
  const range = server.store.range.bind(server.store);
  server.store.range = () => {
    throw new Error('injected: the store could not be read');
  };
  const watch = await watchConfigMaps('&timeoutSeconds=1');
  server.store.range = range;
  t.ok(await watch.until((events) => events.length > 0));
  t.match(watch.events[0], { type: 'ERROR', object: { code: 500 } });
  t.ok(await watch.until(() => watch.ended(), 3000), 'the stream ended');
  t.equal(server.hub.size, 0, 'no watcher is registered');
  // Past the timeoutSeconds the old code's timer fired in: the server still answers.
  await new Promise((r) => setTimeout(r, 1500));
  t.equal((await send('GET', CM)).status, 200);
});

t.test('finding 4: JSON Patch copies that double an array are stopped at 3 MiB, quickly', async (t) => {
  t.equal((await send('POST', CM, JSON.stringify({ metadata: { name: 'amp' }, data: { a: 'x'.repeat(100) } }))).status, 201);
  const ops = [{ op: 'add', path: '/metadata/annotations', value: { a: 'x'.repeat(1000) } }];
  for (let i = 0; i < 30; i++) ops.push({ op: 'copy', from: '/metadata/annotations', path: `/metadata/annotations/c${i}` } as never);
  const started = Date.now();
  const res = await send('PATCH', `${CM}/amp`, JSON.stringify(ops), 'application/json-patch+json');
  t.ok(Date.now() - started < 2000, `answered in ${Date.now() - started} ms`);
  t.equal(res.status, 413);
  t.match(status(res.text), { reason: 'RequestEntityTooLarge', message: /accumulated size increase of copy is \d+, exceeding the limit 3145728/ });
  const after = JSON.parse((await send('GET', `${CM}/amp`)).text) as { metadata: { annotations?: unknown } };
  t.equal(after.metadata.annotations, undefined, 'nothing was written');
});

t.test('finding 4: a patch whose result passes 3 MiB is a 413, and a strategic merge that needs too much work a 422', async (t) => {
  t.equal((await send('POST', CM, JSON.stringify({ metadata: { name: 'grow' }, data: { a: 'x'.repeat(1_000_000) } }))).status, 201);
  const merge = await send('PATCH', `${CM}/grow`, JSON.stringify({ data: { b: 'y'.repeat(1_200_000), c: 'z'.repeat(1_200_000) } }), 'application/merge-patch+json');
  t.equal(merge.status, 413);
  t.match(status(merge.text), { reason: 'RequestEntityTooLarge', message: /the patched object is larger than the limit of 3145728 bytes/ });

  // A pod whose ports list is merged key by key against a long patch list: quadratic in Kubernetes too.
  const containerPorts = Array.from({ length: 6000 }, (_, i) => ({ containerPort: i + 1, protocol: 'TCP' }));
  const pod = { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i', ports: containerPorts }] } };
  t.equal((await send('POST', '/api/v1/namespaces/default/pods', JSON.stringify(pod))).status, 201);
  const patchPorts = Array.from({ length: 6000 }, (_, i) => ({ containerPort: 20000 + i, protocol: 'TCP' }));
  const started = Date.now();
  const smp = await send(
    'PATCH',
    '/api/v1/namespaces/default/pods/p',
    JSON.stringify({ spec: { containers: [{ name: 'c', ports: patchPorts }] } }),
    'application/strategic-merge-patch+json',
  );
  t.equal(smp.status, 422, smp.text.slice(0, 300));
  t.match(status(smp.text).details?.causes?.[0]?.message, /the patch needs more work than the server allows for one request/);
  t.ok(Date.now() - started < 3000, `answered in ${Date.now() - started} ms`);
});

t.test('finding 5: an object nested deeper than 100 levels is a 400 in every format, and nothing is stored', async (t) => {
  const nest = (levels: number): unknown => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < levels; i++) deep = [deep];
    return { metadata: { name: 'deep' }, data: { a: 'b' }, extra: deep };
  };
  const yaml = `metadata: {name: deep}\nextra: ${'['.repeat(3000)}x${']'.repeat(3000)}\n`;
  for (const [type, body] of [
    ['application/json', JSON.stringify(nest(3000))],
    ['application/yaml', yaml],
    // msgpackr's own writer recurses; 500 levels is as wrong as 3,000.
    [MSGPACK_MEDIA_TYPE, rawPackr.pack(nest(500))],
  ] as const) {
    const res = await send('POST', CM, body, type);
    t.equal(res.status, 400, type);
    t.match(status(res.text).message, /nested more than 100 levels deep|not valid YAML/, type);
  }
  t.same(await names(), []);
  // A patch cannot build one either.
  t.equal((await send('POST', CM, JSON.stringify({ metadata: { name: 'ok' } }))).status, 201);
  let nested: unknown = { x: 1 };
  for (let i = 0; i < 120; i++) nested = { n: nested };
  const patch = await send('PATCH', `${CM}/ok`, JSON.stringify({ metadata: { annotations: nested } }), 'application/merge-patch+json');
  t.equal(patch.status, 400);
  for (const url of [CM, `${CM}/ok`, '/api/v1/configmaps']) t.equal((await send('GET', url)).status, 200, url);
});

t.test('finding 6: YAML and msgpack values JSON cannot hold are a 400; unknown fields are dropped as kube-apiserver drops them', async (t) => {
  const cases: [string, string | Buffer, RegExp][] = [
    ['application/yaml', 'metadata: {name: s}\ndata: !!set {a, b}\n', /holds a Set at \.data/],
    ['application/yaml', 'metadata: {name: s}\ndata: !!omap [{a: b}]\n', /holds a Map at \.data/],
    ['application/yaml', 'metadata: {name: s}\nbinaryData: {x: !!binary aGk=}\n', /holds a (Buffer|Uint8Array) at \.binaryData\.x/],
    ['application/yaml', 'metadata: {name: s, labels: {when: !!timestamp 2001-12-14}}\n', /holds a Date at \.metadata\.labels\.when/],
    ['application/yaml', 'metadata: {name: s}\ndata: {a: .nan}\n', /holds NaN at \.data\.a/],
    ['application/json', '{"metadata":{"name":"s"},"data":{"a":1e400}}', /holds Infinity at \.data\.a/],
    [MSGPACK_MEDIA_TYPE, rawPackr.pack({ metadata: { name: 's', labels: new Error('x') } }), /not a JSON value/],
    [MSGPACK_MEDIA_TYPE, rawPackr.pack({ metadata: { name: 's', creationTimestamp: new Date(0) } }), /holds a Date at \.metadata\.creationTimestamp/],
  ];
  for (const [type, body, message] of cases) {
    const res = await send('POST', CM, body, type);
    t.equal(res.status, 400, `${type} ${String(body).slice(0, 40)}`);
    t.match(status(res.text).message, message);
  }
  t.same(await names(), []);

  const created = await send('POST', CM, JSON.stringify({ metadata: { name: 'u', foo: 'bar' }, data: { a: 'b' }, bogus: 1 }));
  t.equal(created.status, 201);
  t.match(created.headers.get('warning'), /unknown field \\"metadata\.foo\\"/);
  const fromPost = JSON.parse(created.text) as Record<string, unknown>;
  const fromGet = JSON.parse((await send('GET', `${CM}/u`)).text) as Record<string, unknown>;
  t.same(fromPost, fromGet, 'the POST response is what a GET returns');
  t.notOk('bogus' in fromGet);
  t.notOk('foo' in (fromGet.metadata as object));
  // Type errors fail even when unknown fields are ignored.
  const ignored = await send('POST', `${CM}?fieldValidation=Ignore`, JSON.stringify({ metadata: { name: 'v' }, data: { a: 5 } }));
  t.equal(ignored.status, 400);
  t.match(status(ignored.text).message, /cannot unmarshal number into Go struct field ConfigMap\.data of type string/);
});

t.test('finding 7: fifty concurrent patches without a resourceVersion all succeed, as GuaranteedUpdate retries them', async (t) => {
  // (An empty data map would not be stored, as Kubernetes drops it; the patches add to this one.)
  t.equal((await send('POST', CM, JSON.stringify({ metadata: { name: 'busy' }, data: { seed: 's' } }))).status, 201);
  const results = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      send('PATCH', `${CM}/busy`, JSON.stringify([{ op: 'add', path: `/data/k${i}`, value: String(i) }]), 'application/json-patch+json'),
    ),
  );
  t.same(results.map((r) => r.status).filter((s) => s !== 200), [], 'every patch got 200');
  const final = JSON.parse((await send('GET', `${CM}/busy`)).text) as { data: Record<string, string> };
  t.equal(Object.keys(final.data).length, 51, 'every patch is in the object');
});

t.test('finding 8: a DELETE whose precondition is malformed is a 400 and deletes nothing', async (t) => {
  t.equal((await send('POST', CM, JSON.stringify({ metadata: { name: 'keep' } }))).status, 201);
  for (const body of ['{"preconditions":{"uid":5}}', '{"preconditions":{"resourceVersion":{}}}', '{"gracePeriodSeconds":"soon"}']) {
    const res = await send('DELETE', `${CM}/keep`, body);
    t.equal(res.status, 400, body);
    t.match(status(res.text).message, /cannot unmarshal/);
  }
  t.same(await names(), ['keep']);
});

t.test('finding 10: client mistakes are 4xx, not 500', async (t) => {
  t.equal((await send('POST', CM, JSON.stringify({ metadata: { name: 'm' }, data: { a: 'b' } }))).status, 201);
  const future = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 999_999, start: 'x' })).toString('base64url');
  const list = await send('GET', `${CM}?limit=1&continue=${future}`);
  t.equal(list.status, 400);
  t.match(status(list.text), { reason: 'BadRequest', message: /continue key is not valid/ });
  const move = await send('PATCH', `${CM}/m`, JSON.stringify([{ op: 'move', from: '/data', path: '/data/x' }]), 'application/json-patch+json');
  t.equal(move.status, 422);
  t.match(status(move.text).details?.causes?.[0]?.message, /move operation does not apply: doc is missing destination path: \/data\/x/);
});

t.test('finding 11: duplicate JSON keys fail Strict and warn under Warn; a resourceVersion above 2^53 is not rounded', async (t) => {
  const body = '{"metadata":{"name":"d","name":"e"},"data":{"a":"b"}}';
  const strict = await send('POST', `${CM}?fieldValidation=Strict`, body);
  t.equal(strict.status, 400);
  t.match(status(strict.text).message, /strict decoding error: duplicate field "metadata\.name"/);
  const warn = await send('POST', `${CM}?fieldValidation=Warn`, body);
  t.equal(warn.status, 201);
  t.match(warn.headers.get('warning'), /duplicate field \\"metadata\.name\\"/);
  t.equal((JSON.parse(warn.text) as { metadata: { name: string } }).metadata.name, 'e', 'the last value wins, as in Go');

  for (const url of [`${CM}?resourceVersion=9007199254740993`, `${CM}?watch=1&resourceVersion=9007199254740993`]) {
    const res = await send('GET', url);
    t.equal(res.status, 504, url);
    t.match(status(res.text), { reason: 'Timeout', message: 'Too large resource version: 9007199254740993' });
  }
});

t.test('finding 12: a field named with characters beyond Latin-1 or with control characters is warned about, not a 500', async (t) => {
  // Node refuses such characters in a header: the Warning header escapes everything outside printable ASCII.
  const unknown = await send('POST', CM, JSON.stringify({ metadata: { name: 'emoji' }, '🙂': 1, 'a\u007fb': 2, é: 3 }));
  t.equal(unknown.status, 201, unknown.text);
  t.equal(unknown.headers.get('warning'), '299 - "unknown field \\"\\ud83d\\ude42\\"", 299 - "unknown field \\"a\\u007fb\\"", 299 - "unknown field \\"\\u00e9\\""');
  // A duplicate field in a body that fails validation: the 422 is still a Status.
  const duplicate = await send('POST', CM, '{"metadata":{"name":"dup"},"data":{"k\u007f":"1","k\u007f":"2","日本":"x","日本":"y"}}');
  t.equal(duplicate.status, 422);
  t.match(status(duplicate.text), { kind: 'Status', reason: 'Invalid' });
  t.equal(duplicate.headers.get('warning'), '299 - "duplicate field \\"data.k\\u007f\\"", 299 - "duplicate field \\"data.\\u65e5\\u672c\\""');
  t.same(await names(), ['emoji']);
});

t.test('finding 13: a field name of 20,000 characters gets a Warning header an HTTP client can read', async (t) => {
  // The header carried the whole name: fetch failed with a headers overflow after the object was stored.
  const res = await send('POST', CM, JSON.stringify({ metadata: { name: 'long' }, ['k'.repeat(20_000)]: 1, ['🙂'.repeat(5000)]: 2 }));
  t.equal(res.status, 201);
  const warning = res.headers.get('warning') ?? '';
  t.match(warning, /^299 - "unknown field \\"k+", 299 - "unknown field \\"(\\ud83d\\ude42)+"$/);
  t.ok(warning.length < 4096 + 100, `${warning.length} characters`);
  t.same(await names(), ['long']);
});

t.test('finding 14: a null in a map of bytes (binaryData, Secret data) is stored as an empty value that reads back as protobuf', async (t) => {
  // The stored form held [] (protobufjs' default for bytes), which no protobuf read or watch could write.
  const created = await send('POST', CM, JSON.stringify({ metadata: { name: 'nil' }, binaryData: { k: null } }));
  t.equal(created.status, 201);
  t.same((JSON.parse(created.text) as { binaryData: unknown }).binaryData, { k: '' }, 'as Go reads a map entry without its value');
  const secret = await send('POST', '/api/v1/namespaces/default/secrets', JSON.stringify({ metadata: { name: 'nil' }, data: { k: null } }));
  t.equal(secret.status, 201);
  t.same((JSON.parse(secret.text) as { data: unknown }).data, { k: '' });
  for (const url of [`${CM}/nil`, '/api/v1/namespaces/default/secrets/nil']) {
    const res = await fetch(`${server.url}${url}`, { headers: { ...server.auth, accept: 'application/vnd.kubernetes.protobuf' } });
    t.equal(res.status, 200, url);
    await res.arrayBuffer();
  }
});

t.test('finding 15: JSON patch operations after the root was moved from nowhere or replaced by null are a 422, not a 500', async (t) => {
  t.equal((await send('POST', CM, JSON.stringify({ metadata: { name: 'root' }, data: { a: 'b' } }))).status, 201);
  const after = { op: 'replace', path: '/data/a', value: 'c' };
  for (const [first, cause] of [
    [{ op: 'move', path: '', from: '/~2' }, 'move operation does not apply: doc is missing from path: /~2: missing value'],
    [{ op: 'copy', path: '', from: '/nothing' }, 'copy operation does not apply: doc is missing from path: /nothing: missing value'],
    [{ op: 'remove', path: '' }, 'replace operation does not apply: doc is missing path: "/data/a": missing value'],
    [{ op: 'replace', path: '', value: null }, 'replace operation does not apply: doc is missing path: "/data/a": missing value'],
  ] as const) {
    const res = await send('PATCH', `${CM}/root`, JSON.stringify([first, after]), 'application/json-patch+json');
    t.equal(res.status, 422, JSON.stringify(first));
    t.equal(status(res.text).details?.causes?.[0]?.message, cause);
  }
  t.same((JSON.parse((await send('GET', `${CM}/root`)).text) as { data: unknown }).data, { a: 'b' }, 'nothing was written');
});

t.test('finding 16: a "__proto__" key is a 400 in YAML and protobuf bodies too, as in JSON ones', async (t) => {
  // It was stored, then read back as "__proto_" (msgpack, the store's format) or dropped (protobuf), so
  // GETs differed from the write's answer.
  const protobufBody = encodeProtobufObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pb' }, data: JSON.parse('{"__proto__":"x","a":"b"}') as Record<string, string> });
  for (const [type, body] of [
    ['application/yaml', 'metadata: {name: y}\ndata: {__proto__: x, a: b}\n'],
    ['application/yaml', 'metadata: {name: y, labels: {__proto__: x}}\n'],
    [PROTOBUF_MEDIA_TYPE, protobufBody],
    ['application/json', '{"metadata":{"name":"j"},"data":{"__proto__":"x"}}'],
  ] as const) {
    const res = await send('POST', CM, body, type);
    t.equal(res.status, 400, type);
    t.match(status(res.text).message, /holds the key "__proto__" at \.(data|metadata\.labels)|not valid JSON/, type);
  }
  t.same(await names(), []);
});

t.test('finding 17: a watch client that stops reading is cut off once it falls behind, and what was queued for it is freed', async (t) => {
  // The watch ended but the connection stayed, holding 16 MiB of queued events for as long as the
  // client kept it open: a few hundred such clients could exhaust the server's memory.
  // By the client's port, taken when they connect (a destroyed socket forgets it).
  const serverSockets = new Map<number | undefined, Socket>();
  server.app.server.on('connection', (socket: Socket) => serverSockets.set(socket.remotePort, socket));
  const { port } = new URL(server.url);
  const client = connect(Number(port), '127.0.0.1');
  client.on('error', () => undefined);
  client.write(`GET ${CM}?watch=1 HTTP/1.1\r\nHost: x\r\nAuthorization: ${server.auth.authorization}\r\n\r\n`);
  client.pause();
  t.ok(await until(() => server.hub.size === 1), 'the watch started');
  const payload = 'x'.repeat(500_000);
  for (let i = 0; i < 60; i++) t.equal((await send('POST', CM, JSON.stringify({ metadata: { name: `big-${i}` }, data: { payload } }))).status, 201);
  t.ok(await until(() => server.hub.size === 0), 'the watch was closed');
  const watchSocket = serverSockets.get(client.localPort);
  t.ok(watchSocket, 'the server side of the watch connection');
  t.ok(await until(() => watchSocket!.destroyed), 'its connection was closed');
  t.equal(watchSocket!.writableLength, 0, 'nothing is queued for it any more');
  client.destroy();
  t.equal((await send('GET', CM)).status, 200);
});

t.test('finding 18: a JSON patch move whose destination went away with its source is a 422, not a 500', async (t) => {
  const pod = { metadata: { name: 'three' }, spec: { containers: ['a', 'b', 'c'].map((name) => ({ name, image: 'i' })) } };
  t.equal((await send('POST', '/api/v1/namespaces/default/pods', JSON.stringify(pod))).status, 201);
  // containers[2] is there when the patch is checked, but removing containers[1] leaves no containers[2] to move it into.
  const res = await send('PATCH', '/api/v1/namespaces/default/pods/three', JSON.stringify([{ op: 'move', from: '/spec/containers/1', path: '/spec/containers/2/image' }]), 'application/json-patch+json');
  t.equal(res.status, 422, res.text);
  t.equal(status(res.text).details?.causes?.[0]?.message, 'move operation does not apply: doc is missing path: "/spec/containers/2/image": missing value');
});

t.test('finding 19: YAML bodies the parser warns about print nothing on the server', async (t) => {
  // Each such request made the server emit a process warning (on stderr, outside the logs).
  const warnings: string[] = [];
  const onWarning = (warning: Error): number => warnings.push(warning.message);
  process.on('warning', onWarning);
  t.teardown(() => process.off('warning', onWarning));
  for (const body of ['metadata: {name: w1}\ndata: {? {a: b} : c}\n', 'metadata: {name: w2}\ndata: &m {x: y}\nbinaryData: {*m : z}\n', 'metadata: {name: w3}\ndata: {a: !unknown b}\n']) {
    const res = await send('POST', CM, body, 'application/yaml');
    t.ok(res.status < 500, `${res.status} ${body}`);
  }
  await new Promise((resolve) => setImmediate(resolve));
  t.same(warnings, []);
});

t.test('finding 20: a lone UTF-16 surrogate becomes U+FFFD, as Go decodes it, so the answer to a write and every later read agree', async (t) => {
  // The write's answer held "\ud800" while the stored msgpack, and every read, held U+FFFD.
  const body = '{"metadata":{"name":"lone","annotations":{"note":"\\udc00"}},"data":{"k":"a\\ud800b"}}';
  for (const [format, payload, type] of [
    ['json', body, 'application/json'],
    ['msgpack', rawPackr.pack({ metadata: { name: 'lone-mp', annotations: { note: '\udc00' } }, data: { k: 'a\ud800b' } }), MSGPACK_MEDIA_TYPE],
  ] as const) {
    const created = await send('POST', CM, payload, type);
    t.equal(created.status, 201, `${format}: ${created.text}`);
    const name = format === 'json' ? 'lone' : 'lone-mp';
    const read = await send('GET', `${CM}/${name}`);
    for (const answer of [created, read]) {
      const object = JSON.parse(answer.text) as { data: unknown; metadata: { annotations: unknown } };
      t.same(object.data, { k: 'a\ufffdb' }, format);
      t.same(object.metadata.annotations, { note: '\ufffd' }, format);
    }
  }
  const patched = await send('PATCH', `${CM}/lone`, '{"data":{"k":"\\udbff"}}', 'application/merge-patch+json');
  t.equal(patched.status, 200, patched.text);
  t.same((JSON.parse(patched.text) as { data: unknown }).data, { k: '\ufffd' });
  t.same((JSON.parse((await send('GET', `${CM}/lone`)).text) as { data: unknown }).data, { k: '\ufffd' });
});
