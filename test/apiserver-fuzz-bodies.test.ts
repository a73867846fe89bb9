// Fuzz: creates, updates and status updates of every served kind, in every body format (JSON,
// YAML, msgpack, protobuf), of realistic objects with values of every type put anywhere. The
// apiserver never answers 5xx, never breaks a connection, keeps answering /readyz, and every
// object it acknowledges reads back identically as JSON, msgpack and protobuf, by GET, by LIST
// and on watches opened before the first write. RUDDER_FUZZ_RUNS and RUDDER_FUZZ_SEED: see
// test/fuzz/settings.ts.
import fc from 'fast-check';
import t from 'tap';
import type { KubeObject } from '../lib/api/object.js';
import { protobufAvailable } from '../lib/api/protobuf/decode.js';
import { anyBaseCase, withName } from './fuzz/base-objects.js';
import { BODY_FORMATS, encodeBody } from './fuzz/bodies.js';
import { ACCEPT, decodeAnswer, Finding, statusMessage, type FuzzRequest } from './fuzz/client.js';
import { dice } from './fuzz/dice.js';
import { applyMutations, mutations } from './fuzz/mutate.js';
import { collectionPath, objectPath } from './fuzz/paths.js';
import { firstDifference } from './fuzz/read-back.js';
import { openSession } from './fuzz/session.js';
import { longRun } from './fuzz/settings.js';

const DEFAULT_RUNS = 3000;
/** Below this share of 2xx answers a body format hardly reaches the storage: the fuzzer has gone blind. */
const MIN_ACCEPT_RATE = 0.15;

// Without the protobuf schema (built by `npm run build`) the server takes and writes no protobuf.
const PROTOBUF = protobufAvailable();
const FORMATS = BODY_FORMATS.filter((format) => PROTOBUF || format !== 'protobuf');

const fuzzCase = fc.record({
  base: anyBaseCase,
  mutations,
  format: fc.constantFrom(...FORMATS),
  verb: fc.constantFrom('create', 'create', 'create', 'update', 'status'),
  accept: fc.constantFrom(...(['json', 'json', 'yaml', 'msgpack', 'protobuf'] as const).filter((format) => PROTOBUF || format !== 'protobuf')),
  query: fc.constantFrom('', '', '?fieldValidation=Strict', '?fieldValidation=Ignore', '?fieldValidation=Warn', '?dryRun=All'),
  seed: fc.integer(),
});

t.test('hostile bodies in every format: never a 5xx, and what is acknowledged reads back the same everywhere', async (t) => {
  const session = await openSession('fb');
  t.teardown(() => session.close());
  const { client, readBack, tally } = session;
  let runs = 0;
  const started = Date.now();

  await session.assert(
    t,
    fuzzCase,
    async (c) => {
      const d = dice(c.seed);
      const { info, namespace } = c.base;
      let body = withName(c.base, session.freshName()) as Record<string, unknown>;
      let sent: FuzzRequest;
      let before: KubeObject | undefined;
      // A status update of a kind without a status subresource is a plain update.
      const verb = c.verb === 'status' && !info.subresources.includes('status') ? 'update' : c.verb;
      if (verb === 'create') {
        sent = { method: 'POST', path: `${collectionPath(info, namespace)}${c.query}` };
      } else {
        before = await session.createValid(info, namespace, body);
        body = structuredClone(before) as Record<string, unknown>;
        if (d.chance(0.3)) delete (body.metadata as Record<string, unknown>).resourceVersion;
        sent = { method: 'PUT', path: `${objectPath(info, namespace, before.metadata!.name!, verb === 'status' ? 'status' : undefined)}${c.query}` };
      }
      applyMutations(body, c.mutations);
      const encoded = encodeBody(body, c.format, d);
      sent = { ...sent, contentType: encoded.contentType, accept: ACCEPT[c.accept], body: encoded.bytes };
      const answer = await client.send(sent);
      tally.count(`${verb} ${c.format}`, answer.status, answer.status >= 400 ? statusMessage(answer) : undefined);
      if (++runs % 200 === 0) {
        if ((await session.readyz()) !== 200) throw new Finding('/readyz stopped answering 200', sent);
        if (longRun()) t.comment(`${runs} runs in ${Math.round((Date.now() - started) / 1000)} s`);
      }
      if (answer.status >= 300) return;
      let object: KubeObject;
      try {
        object = decodeAnswer(answer) as KubeObject;
      } catch (error) {
        throw new Finding(`the answer does not decode: ${(error as Error).message}`, sent, answer);
      }
      const request = `${sent.method} ${sent.path} (${encoded.contentType})`;
      if (c.query === '?dryRun=All') {
        // Nothing was written: a dry-run create leaves no object; a dry-run update leaves the old one.
        const path = objectPath(info, object.metadata?.namespace, object.metadata?.name ?? '');
        const after = await client.send({ method: 'GET', path });
        const expected = before === undefined ? 404 : 200;
        if (after.status !== expected) throw new Finding(`a dry run left GET ${path} answering ${after.status}`, sent, answer);
        if (before !== undefined && firstDifference(before, decodeAnswer(after)) !== undefined) throw new Finding('a dry-run update changed the object', sent, answer);
        return;
      }
      const unchanged = before !== undefined && object.metadata?.resourceVersion === before.metadata?.resourceVersion;
      await readBack.check({ info, object, eventType: unchanged ? undefined : answer.status === 201 ? 'ADDED' : 'MODIFIED', request });
    },
    DEFAULT_RUNS,
  );

  t.comment(`${runs} runs in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const line of tally.lines()) t.comment(line);
  if (longRun()) for (const line of tally.topReasons(40)) t.comment(line);
  for (const format of FORMATS) {
    const sent = ['create', 'update', 'status'].reduce((n, verb) => n + tally.sent(`${verb} ${format}`), 0);
    const accepted = ['create', 'update', 'status'].reduce((n, verb) => n + tally.accepted(`${verb} ${format}`), 0);
    t.ok(accepted >= MIN_ACCEPT_RATE * sent, `${format}: ${accepted} of ${sent} bodies accepted`);
  }
  await session.checkAfterwards(t);
});
