// HTTP/2 and HTTP/1.1 on the apiserver's one port, chosen by ALPN: a Node http2 client lists, gets
// and creates over one session, streams several watches multiplexed on it (as client-go does),
// authenticates with a client certificate, reads protobuf, and meets the in-flight limits stream by
// stream; HTTP/1.1 clients go on working on the same port; the session is told 250 streams at most;
// kubectl 1.27 and 1.33 choose HTTP/2; and stopping the apiserver sends GOAWAY.
import { constants, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { Http2Sender } from '../../bench/lib/http2-sender.js';
import { startApiserver, type ApiserverProcess } from '../../lib/launch/apiserver-process.js';
import { createClientCert } from '../../lib/pki/issue.js';
import { readCa } from '../../lib/pki/x509.js';
import { kubectl } from '../helpers/kubectl.js';
import { kubectlBinary, KUBECTL_VERSIONS } from '../helpers/paths.js';
import { userTokenFile } from '../helpers/user-token-file.js';

/** A watch on its own stream of `session`: the events it has received so far. */
interface H2Watch {
  stream: ClientHttp2Stream;
  events: { type: string; object: { metadata?: { name?: string } } }[];
  ended: Promise<void>;
}

function h2Watch(session: ClientHttp2Session, path: string, token: string): Promise<H2Watch> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':path': path, authorization: `Bearer ${token}`, accept: 'application/json' });
    const watch: H2Watch = { stream, events: [], ended: new Promise((done) => stream.on('close', done)) };
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('response', (headers) => (headers[':status'] === 200 ? resolve(watch) : reject(new Error(`watch ${path}: ${headers[':status']}`))));
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        watch.events.push(JSON.parse(buffered.slice(0, newline)));
        buffered = buffered.slice(newline + 1);
      }
    });
    stream.on('error', () => undefined);
  });
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return condition();
}

function configMap(name: string, labels: Record<string, string>): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data: { greeting: 'hello' } });
}

let api: ApiserverProcess;
t.before(async () => {
  api = await startApiserver();
});
t.teardown(() => api?.stop());

t.test('a Node http2 client lists, gets, creates and watches over one HTTP/2 session', async (t) => {
  // 1. one session, negotiated by ALPN; the server allows 250 streams on it
  const client = new Http2Sender(api.url, api.caPem);
  t.teardown(() => client.close());
  const session = client.session;
  const settings = await new Promise<{ maxConcurrentStreams?: number }>((resolve) => session.once('remoteSettings', resolve));
  t.equal(session.alpnProtocol, 'h2', 'ALPN chose h2');
  t.equal(settings.maxConcurrentStreams, 250, 'SETTINGS_MAX_CONCURRENT_STREAMS is kube-apiserver\'s default');
  const auth = { authorization: `Bearer ${api.token}`, accept: 'application/json' };

  // 2. three watches at once on that session, each selecting its own label
  const watches = await Promise.all(['a', 'b', 'c'].map((team) => h2Watch(session, `/api/v1/namespaces/default/configmaps?watch=true&labelSelector=team%3D${team}`, api.token)));

  // 3. creates on the same session while the watches stream
  for (const team of ['a', 'b', 'c']) {
    const created = await client.request('POST', '/api/v1/namespaces/default/configmaps', { 'content-type': 'application/json', ...auth }, configMap(`cm-${team}`, { team }));
    t.equal(created.statusCode, 201, `created cm-${team}`);
  }

  // 4. every watch sees its own object, and only it
  for (const [i, team] of ['a', 'b', 'c'].entries()) {
    const watch = watches[i]!;
    t.ok(await until(() => watch.events.length > 0), `watch ${team} received an event`);
    t.same(
      watch.events.map((e) => [e.type, e.object.metadata?.name]),
      [['ADDED', `cm-${team}`]],
      `watch ${team} saw cm-${team} alone`,
    );
  }

  // 5. get and list answer on the session too
  const got = await client.request('GET', '/api/v1/namespaces/default/configmaps/cm-b', auth);
  t.equal(got.statusCode, 200);
  t.match(JSON.parse(got.body.toString()), { kind: 'ConfigMap', metadata: { name: 'cm-b', labels: { team: 'b' } }, data: { greeting: 'hello' } });
  const listed = await client.request('GET', '/api/v1/namespaces/default/configmaps?labelSelector=team', auth);
  t.equal(listed.statusCode, 200);
  t.same((JSON.parse(listed.body.toString()) as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name).sort(), ['cm-a', 'cm-b', 'cm-c']);
  const missing = await client.request('GET', '/api/v1/namespaces/default/configmaps/nope', auth);
  t.equal(missing.statusCode, 404);
  t.match(JSON.parse(missing.body.toString()), { kind: 'Status', reason: 'NotFound', code: 404 });

  // 6. protobuf, as Kubernetes' components ask for it
  const proto = await client.request('GET', '/api/v1/namespaces/default/configmaps/cm-a', { authorization: `Bearer ${api.token}`, accept: 'application/vnd.kubernetes.protobuf' });
  t.equal(proto.statusCode, 200);
  t.equal(proto.headers['content-type'], 'application/vnd.kubernetes.protobuf');
  t.same([...proto.body.subarray(0, 4)], [0x6b, 0x38, 0x73, 0x00], 'the protobuf envelope\'s magic');

  // 7. the watches were open together on the one session all along
  t.ok(watches.every((w) => !w.stream.closed), 'the watches are still streaming');
  t.equal(session.state.nextStreamID, 21, 'ten streams (odd ids from 1) on the session: three watches, three creates, get, list, a 404 and protobuf');
});

t.test('a client certificate authenticates over HTTP/2', async (t) => {
  const pki = join(api.dataDir, 'pki');
  const carol = await createClientCert(await readCa(join(pki, 'ca.crt'), join(pki, 'ca.key')), 'carol', ['auditors']);
  const client = new Http2Sender(api.url, { ca: api.caPem, cert: carol.certPem, key: carol.keyPem });
  t.teardown(() => client.close());
  const review = await client.request(
    'POST',
    '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    { 'content-type': 'application/json', accept: 'application/json' },
    JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }),
  );
  t.equal(review.statusCode, 201);
  t.match(JSON.parse(review.body.toString()), { status: { userInfo: { username: 'carol', groups: ['auditors', 'system:authenticated'] } } });
  // The verdict is the connection's: a second request on it is carol's too.
  const forbidden = await client.request('GET', '/api/v1/secrets', { accept: 'application/json' });
  t.equal(forbidden.statusCode, 403);
  t.match(JSON.parse(forbidden.body.toString()), { reason: 'Forbidden', message: /User "carol" cannot list resource "secrets"/ });
});

t.test('HTTP/1.1 clients are served on the same port, watches chunked', async (t) => {
  const answer = await new Promise<{ status: number; version: string; encoding?: string; first: string }>((resolve, reject) => {
    const req = httpsRequest(`${api.url}/api/v1/namespaces/default/configmaps?watch=true&labelSelector=team%3Da`, { ca: api.caPem, headers: { authorization: `Bearer ${api.token}`, accept: 'application/json' } }, (res) => {
      res.setEncoding('utf8');
      res.once('data', (chunk: string) => {
        resolve({ status: res.statusCode ?? 0, version: res.httpVersion, encoding: res.headers['transfer-encoding'], first: chunk });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.end();
  });
  t.equal(answer.version, '1.1');
  t.equal(answer.status, 200);
  t.equal(answer.encoding, 'chunked');
  t.match(JSON.parse(answer.first), { type: 'ADDED', object: { metadata: { name: 'cm-a' } } });
});

t.test('HTTP/2 streams take and give back in-flight slots as requests do', async (t) => {
  const { tokenFile, token: jane } = userTokenFile(t, { name: 'jane', uid: 'jane', groups: ['developers'] });
  const limited = await startApiserver({ tokenFile, extraArgs: ['--authorization-mode', 'AlwaysAllow', '--max-requests-inflight', '1', '--max-mutating-requests-inflight', '1'] });
  t.teardown(() => limited.stop());
  const client = new Http2Sender(limited.url, limited.caPem);
  t.teardown(() => client.close());
  const headers = { authorization: `Bearer ${jane}`, accept: 'application/json' };
  // 1. one after another, 20 writes and 20 reads on one connection: each slot is given back
  const codes: number[] = [];
  for (let i = 0; i < 20; i++) {
    codes.push((await client.request('POST', '/api/v1/namespaces/default/configmaps', { ...headers, 'content-type': 'application/json' }, JSON.stringify({ metadata: { name: `jane-${i}` } }))).statusCode);
    codes.push((await client.request('GET', '/api/v1/namespaces/default/configmaps', headers)).statusCode);
  }
  t.same([...new Set(codes)], [201, 200], 'every sequential request was answered');
  // 2. 20 reads at once on the same connection: past the one slot they get 429
  const burst = await Promise.all(Array.from({ length: 20 }, () => client.request('GET', '/api/v1/namespaces/default/configmaps', headers)));
  const shed = burst.filter((r) => r.statusCode === 429);
  t.ok(shed.length > 0 && shed.length < 20, `${shed.length} of 20 concurrent streams turned away with 429`);
  t.match(JSON.parse(shed[0]!.body.toString()), { kind: 'Status', reason: 'TooManyRequests', code: 429 });
});

/** The apiserver's count of connections for which ALPN chose `protocol`. */
async function connections(protocol: string): Promise<number> {
  const client = new Http2Sender(api.url, api.caPem);
  try {
    const metrics = await client.request('GET', '/metrics', { authorization: `Bearer ${api.token}` });
    const line = metrics.body.toString().split('\n').find((l) => l.startsWith(`apiserver_tls_connections_total{protocol="${protocol}"`));
    return Number(line?.split(' ').pop() ?? 0);
  } finally {
    client.close();
  }
}

for (const version of KUBECTL_VERSIONS) {
  const missing = existsSync(kubectlBinary(version)) ? undefined : `kubectl ${version} is not installed at ${kubectlBinary(version)}`;
  t.test(`kubectl ${version} negotiates HTTP/2`, { skip: missing }, async (t) => {
    const [h2Before, http1Before] = [await connections('h2'), await connections('http/1.1')];
    const listed = await kubectl(version, api.kubeconfig, ['get', 'configmaps', '-l', 'team', '-o', 'name']);
    t.equal(listed.code, 0, listed.stderr);
    t.equal(listed.stdout, 'configmap/cm-a\nconfigmap/cm-b\nconfigmap/cm-c\n');
    // kubectl's connection and the metrics reads were HTTP/2; nothing came on HTTP/1.1.
    t.ok((await connections('h2')) - h2Before >= 2, 'kubectl connected with h2');
    t.equal((await connections('http/1.1')) - http1Before, 0, 'no HTTP/1.1 connection');
  });
}

t.test('stopping the apiserver sends GOAWAY and ends the watches', async (t) => {
  const client = new Http2Sender(api.url, api.caPem);
  t.teardown(() => client.close());
  const session = client.session;
  const watch = await h2Watch(session, '/api/v1/namespaces/default/configmaps?watch=true', api.token);
  t.ok(await until(() => watch.events.length === 3), 'the watch listed the three ConfigMaps');
  const goaway = new Promise<number>((resolve) => session.once('goaway', resolve));
  const stopped = api.stop();
  t.equal(await goaway, constants.NGHTTP2_NO_ERROR, 'GOAWAY with NO_ERROR');
  const ended = await Promise.race([watch.ended.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5000))]);
  t.ok(ended, 'the watch stream ended within 5 s');
  await stopped;
});
