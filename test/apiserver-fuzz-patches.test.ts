// Fuzz: JSON patches, merge patches and strategic merge patches with random ops, paths,
// directives and values of every type, against objects of every served kind as they are stored
// (and against their status and scale subresources). The apiserver never answers 5xx, and every
// patch it acknowledges leaves an object that reads back identically as JSON, msgpack and
// protobuf, by GET, by LIST and on the watches. RUDDER_FUZZ_RUNS and RUDDER_FUZZ_SEED: see
// test/fuzz/settings.ts.
import fc from 'fast-check';
import t from 'tap';
import type { KubeObject, StoredObject } from '../lib/api/object.js';
import { protobufAvailable } from '../lib/api/protobuf/decode.js';
import type { ResourceInfo } from '../lib/api/resources.js';
import { baseObject, FUZZ_NAMESPACES, FUZZED_RESOURCES, fuzzNamespace, withName } from './fuzz/base-objects.js';
import { ACCEPT, decodeAnswer, Finding, statusMessage, type FuzzRequest } from './fuzz/client.js';
import { dice } from './fuzz/dice.js';
import { jsonText } from './fuzz/encode-json.js';
import { hostileValue, resolveHostile } from './fuzz/hostile-values.js';
import { PATCH_CONTENT_TYPES, randomPatch, type PatchKind } from './fuzz/patches.js';
import { objectPath } from './fuzz/paths.js';
import { firstDifference } from './fuzz/read-back.js';
import { openSession } from './fuzz/session.js';
import { longRun } from './fuzz/settings.js';

const DEFAULT_RUNS = 6000;
const POOL_PER_KIND = 2;
/** Below this share of 2xx answers a patch type hardly reaches the storage: the fuzzer has gone blind. */
const MIN_ACCEPT_RATE = 0.15;
const PATCH_KINDS = Object.keys(PATCH_CONTENT_TYPES) as PatchKind[];

interface Target {
  info: ResourceInfo;
  namespace: string | undefined;
  name: string;
}

// Without the protobuf schema (built by `npm run build`) the server writes no protobuf.
const PROTOBUF = protobufAvailable();

const patchCase = fc.record({
  target: fc.nat(),
  kind: fc.constantFrom(...PATCH_KINDS),
  subresource: fc.constantFrom<'status' | 'scale' | undefined>(undefined, undefined, undefined, undefined, 'status', 'scale'),
  hostile: fc.array(hostileValue, { maxLength: 3 }),
  accept: fc.constantFrom(...(['json', 'json', 'yaml', 'msgpack', 'protobuf'] as const).filter((format) => PROTOBUF || format !== 'protobuf')),
  query: fc.constantFrom('', '', '', '?fieldValidation=Strict', '?fieldValidation=Ignore', '?dryRun=All'),
  seed: fc.integer(),
});

t.test('random patches of every type: never a 5xx, and what is acknowledged reads back the same everywhere', async (t) => {
  const session = await openSession('fp');
  t.teardown(() => session.close());
  const { client, readBack, tally } = session;

  // Objects that live through the run, patched again and again.
  const pool: Target[] = [];
  for (const info of FUZZED_RESOURCES) {
    for (const object of fc.sample(baseObject(info), { numRuns: POOL_PER_KIND, seed: 7 })) {
      const namespace = fuzzNamespace(info, FUZZ_NAMESPACES[0]);
      const stored = await session.createValid(info, namespace, withName({ info, namespace, object }, session.freshName()));
      pool.push({ info, namespace, name: stored.metadata.name });
    }
  }

  let runs = 0;
  const started = Date.now();
  await session.assert(
    t,
    patchCase,
    async (c) => {
      const d = dice(c.seed);
      const { info, namespace, name } = pool[c.target % pool.length]!;
      const subresource = c.subresource !== undefined && info.subresources.includes(c.subresource) ? c.subresource : undefined;
      const before = (await client.read(objectPath(info, namespace, name), 'json')) as StoredObject;
      const current = (subresource === 'scale' ? await client.read(objectPath(info, namespace, name, 'scale'), 'json') : before) as Record<string, unknown>;
      const hostile = c.hostile.map((value) => resolveHostile(value, 2, current));
      const patch = randomPatch(c.kind, current, d, hostile);
      const sent: FuzzRequest = {
        method: 'PATCH',
        // Apply needs a field manager (its absence is a 422 the fuzz also meets now and then).
        path: `${objectPath(info, namespace, name, subresource)}${c.query}${c.kind === 'apply' && d.chance(0.95) ? `${c.query === '' ? '?' : '&'}fieldManager=fuzz&force=${d.chance(0.5)}` : ''}`,
        contentType: PATCH_CONTENT_TYPES[c.kind],
        accept: ACCEPT[c.accept],
        body: Buffer.from(jsonText(patch, d), 'utf8'),
      };
      const answer = await client.send(sent);
      tally.count(`${c.kind}${subresource ? `/${subresource}` : ''}`, answer.status, answer.status >= 400 ? statusMessage(answer) : undefined);
      if (++runs % 200 === 0) {
        if ((await session.readyz()) !== 200) throw new Finding('/readyz stopped answering 200', sent);
        if (longRun()) t.comment(`${runs} runs in ${Math.round((Date.now() - started) / 1000)} s`);
      }
      if (answer.status >= 300) return;
      try {
        decodeAnswer(answer);
      } catch (error) {
        throw new Finding(`the answer does not decode: ${(error as Error).message}`, sent, answer);
      }
      // The object itself, as JSON: what a scale patch changed is the object's replicas.
      const after = (subresource === 'scale' ? await client.read(objectPath(info, namespace, name), 'json') : decodeAnswer(answer)) as KubeObject;
      const changed = after.metadata?.resourceVersion !== before.metadata.resourceVersion;
      if (c.query === '?dryRun=All') {
        const stored = await client.read(objectPath(info, namespace, name), 'json');
        const difference = firstDifference(before, stored);
        if (difference !== undefined) throw new Finding(`a dry-run patch changed the stored object at ${difference}`, sent, answer);
        return;
      }
      await readBack.check({ info, object: after, eventType: changed ? 'MODIFIED' : undefined, request: `${sent.method} ${sent.path} (${sent.contentType}) ${sent.body!.toString('utf8').slice(0, 2000)}` });
    },
    DEFAULT_RUNS,
  );

  t.comment(`${runs} runs in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const line of tally.lines()) t.comment(line);
  if (longRun()) for (const line of tally.topReasons(40)) t.comment(line);
  for (const kind of PATCH_KINDS) {
    const labels = [kind, `${kind}/status`, `${kind}/scale`];
    const sent = labels.reduce((n, label) => n + tally.sent(label), 0);
    const accepted = labels.reduce((n, label) => n + tally.accepted(label), 0);
    t.ok(accepted >= MIN_ACCEPT_RATE * sent, `${kind} patches: ${accepted} of ${sent} accepted`);
  }
  await session.checkAfterwards(t);
});
