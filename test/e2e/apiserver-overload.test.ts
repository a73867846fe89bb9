// The overload story: a burst of writes from a user far past --max-mutating-requests-inflight on a
// healthy apiserver. Writes past the limit are turned away with 429 TooManyRequests and
// Retry-After (clients retry), /readyz keeps answering during the burst, and afterwards every
// write that was acknowledged (201) is in the store while no refused one is.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { Pool } from 'undici';
import { startApiserver } from '../../lib/launch/apiserver-process.js';
import { addToken, ensureTokenFile } from '../../lib/pki/tokens.js';

const BURST = 400;

t.test('a burst past the in-flight limit: 429s with Retry-After, /readyz answers, no acknowledged write lost', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-overload-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const tokenFile = join(dir, 'tokens.csv');
  ensureTokenFile(tokenFile);
  const jane = addToken(tokenFile, { name: 'jane', uid: 'jane', groups: [] });
  const server = await startApiserver({ tokenFile, extraArgs: ['--max-mutating-requests-inflight', '4', '--max-requests-inflight', '4'] });
  t.teardown(() => server.stop());
  const client = new Pool(server.url, { connections: 128, connect: { ca: server.caPem } });
  t.teardown(() => client.close());
  const send = async (token: string, method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res = await client.request({ method, path, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { code: res.statusCode, retryAfter: res.headers['retry-after'], json: JSON.parse((await res.body.text()) || 'null') as Record<string, unknown> };
  };
  // jane may edit in the default namespace (RBAC), and she is not system:masters, so the limit applies to her.
  const bound = await send(server.token, 'POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', {
    metadata: { name: 'jane-edit' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'jane' }],
  });
  t.equal(bound.code, 201);

  let probing = true;
  const probes: number[] = [];
  const prober = (async () => {
    while (probing) {
      const res = await client.request({ method: 'GET', path: '/readyz' });
      await res.body.text();
      probes.push(res.statusCode);
    }
  })();
  const results = await Promise.all(
    Array.from({ length: BURST }, (_, i) => send(jane, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: `burst-${i}` }, data: { i: String(i) } }).then((r) => ({ i, ...r }))),
  );
  probing = false;
  await prober;

  const acknowledged = results.filter((r) => r.code === 201);
  const shed = results.filter((r) => r.code === 429);
  t.equal(acknowledged.length + shed.length, BURST, `every write was answered 201 (${acknowledged.length}) or 429 (${shed.length})`);
  t.ok(shed.length > 0, 'writes past the limit were turned away');
  t.ok(shed.every((r) => r.retryAfter === '1' && r.json.reason === 'TooManyRequests'), 'each with Retry-After: 1 and a TooManyRequests Status');
  t.ok(probes.length > 0 && probes.every((code) => code === 200), `/readyz answered 200 throughout (${probes.length} probes)`);

  const listed = await send(server.token, 'GET', '/api/v1/namespaces/default/configmaps');
  const names = new Set((listed.json.items as { metadata: { name: string } }[]).map((cm) => cm.metadata.name));
  t.same(acknowledged.filter((r) => !names.has(`burst-${r.i}`)).map((r) => r.i), [], 'every acknowledged write is stored');
  t.same(shed.filter((r) => names.has(`burst-${r.i}`)).map((r) => r.i), [], 'no refused write is');
  // A client that retries one at a time, as client-go does after Retry-After, gets through once the burst is over.
  const retried = [];
  for (const r of shed.slice(0, 20)) retried.push(await send(jane, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: `burst-${r.i}` }, data: { i: String(r.i) } }));
  t.ok(retried.every((r) => r.code === 201), 'retried writes succeed');
});
