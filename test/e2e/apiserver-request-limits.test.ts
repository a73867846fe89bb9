// --max-requests-inflight, --max-mutating-requests-inflight and --request-timeout on a replica that
// has lost its quorum, where every quorum read and every write waits: requests past the in-flight
// limit get 429 with Retry-After while watches, /readyz and system:masters are not turned away, and
// the waiting requests get 504 Timeout at the request timeout (or at the shorter ?timeout= a client
// asks for) instead of hanging.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { startReplicaSet } from '../../lib/launch/replica-set.js';
import { addToken, ensureTokenFile } from '../../lib/pki/tokens.js';
import { rest, type RestResponse, type RestTarget } from '../helpers/rest.js';
import { openWatch } from '../helpers/watch-stream.js';

const REQUEST_TIMEOUT_MS = 3000;

/** A request and how long its answer took. */
async function timed(pending: Promise<RestResponse>): Promise<{ response: RestResponse; ms: number }> {
  const start = Date.now();
  const response = await pending;
  return { response, ms: Date.now() - start };
}

t.test('a replica without quorum sheds load with 429 and answers waiting requests 504', async (t) => {
  // 1. three replicas allowing one read and one write in flight, a 3 s request timeout, and quorum
  //    reads and writes that wait 30 s; a user outside system:masters besides the admin
  const dir = mkdtempSync(join(tmpdir(), 'rudder-limits-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const tokenFile = join(dir, 'tokens.csv');
  ensureTokenFile(tokenFile);
  const janeToken = addToken(tokenFile, { name: 'jane', uid: 'jane', groups: ['developers'] });
  const set = await startReplicaSet({
    size: 3,
    requestTimeout: '30s',
    tokenFile,
    // Every authenticated request is allowed: what is measured is load shedding, not RBAC.
    extraArgs: ['--authorization-mode', 'AlwaysAllow', '--request-timeout', `${REQUEST_TIMEOUT_MS}ms`, '--max-requests-inflight', '1', '--max-mutating-requests-inflight', '1'],
  });
  t.teardown(() => set.stop());

  // 2. two replicas die: the survivor's quorum reads and writes wait
  const leader = await set.leader();
  const survivor = set.replicas.find((r) => r.id !== leader.id)!;
  for (const r of set.replicas) if (r.id !== survivor.id) await r.process.kill('SIGKILL');
  const jane: RestTarget = { url: survivor.url, caPem: set.caPem, token: janeToken };
  const admin: RestTarget = { url: survivor.url, caPem: set.caPem, token: set.token };

  // 3. jane's read waits; her next read is turned away with 429 and Retry-After: 1
  const stuckRead = timed(rest(jane, 'GET', '/api/v1/namespaces/default'));
  await sleep(300);
  const shed = await rest(jane, 'GET', '/api/v1/namespaces');
  t.equal(shed.status, 429, 'a second read past --max-requests-inflight 1');
  t.equal(shed.headers['retry-after'], '1');
  t.match(shed.json(), { kind: 'Status', reason: 'TooManyRequests', code: 429, message: 'Too many requests, please try again later.', details: { retryAfterSeconds: 1 } });

  // 4. with the read slot taken, a watch streams, /readyz answers and system:masters is served
  const watch = await openWatch(jane, '/api/v1/namespaces/default/configmaps?watch=true');
  t.equal(watch.status, 200, 'a watch takes no slot');
  watch.close();
  const ready = await rest(jane, 'GET', '/readyz');
  t.not(ready.status, 429, `/readyz is not limited (${ready.status})`);
  const metrics = await rest(admin, 'GET', '/metrics');
  t.equal(metrics.status, 200, 'system:masters is answered past the limit');
  t.match(metrics.text, /^apiserver_current_inflight_requests\{request_kind="readOnly"[^}]*\} 1$/m, 'the gauge shows the read in flight');

  // 5. jane's write waits for the quorum; her next write is turned away
  const stuckWrite = timed(rest(jane, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'first' } }));
  await sleep(300);
  const shedWrite = await rest(jane, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'second' } });
  t.equal(shedWrite.status, 429, 'a second write past --max-mutating-requests-inflight 1');
  t.equal(shedWrite.headers['retry-after'], '1');

  // 6. the waiting read and write are answered 504 Timeout at the request timeout
  const timeoutStatus = { kind: 'Status', reason: 'Timeout', code: 504, message: 'Timeout: request did not complete within requested timeout - context deadline exceeded' };
  const read = await stuckRead;
  t.equal(read.response.status, 504, 'the waiting read');
  t.match(read.response.json(), timeoutStatus);
  t.ok(read.ms >= REQUEST_TIMEOUT_MS - 100 && read.ms < REQUEST_TIMEOUT_MS + 1500, `answered after ${read.ms} ms (request timeout ${REQUEST_TIMEOUT_MS} ms)`);
  const write = await stuckWrite;
  t.equal(write.response.status, 504, 'the waiting write');
  t.match(write.response.json(), timeoutStatus);

  // 7. the slots are free again; a client asking for a shorter timeout (kubectl --request-timeout) gets it
  const short = await timed(rest(jane, 'GET', '/api/v1/namespaces/default?timeout=1s'));
  t.equal(short.response.status, 504, 'a read with ?timeout=1s, no longer turned away');
  t.ok(short.ms < REQUEST_TIMEOUT_MS - 500, `answered after ${short.ms} ms`);
  // The slot of the read just answered frees once its response has finished on the server,
  // which may be a moment after the client read it: a 429 until then is the in-flight limit.
  let invalid = await rest(jane, 'GET', '/api/v1/namespaces/default?timeout=soon');
  for (let i = 0; i < 20 && invalid.status === 429; i++) {
    await sleep(100);
    invalid = await rest(jane, 'GET', '/api/v1/namespaces/default?timeout=soon');
  }
  t.equal(invalid.status, 400, 'an unreadable ?timeout= is a bad request');
});
