// Hostile API clients with a valid token, from the apiserver fuzz suite's generators
// (test/fuzz): realistic objects of every served kind with values of every type put anywhere, in
// every body format, and random JSON, merge and strategic patches against the objects they got
// accepted. What is accepted is an acknowledged write like any other and goes in the ledger.
import fc from 'fast-check';
import type { ResourceInfo } from '../../lib/api/resources.js';
import { anyBaseCase, withName } from '../../test/fuzz/base-objects.js';
import { BODY_FORMATS, encodeBody } from '../../test/fuzz/bodies.js';
import { dice } from '../../test/fuzz/dice.js';
import { jsonText } from '../../test/fuzz/encode-json.js';
import { hostileValue, resolveHostile } from '../../test/fuzz/hostile-values.js';
import { applyMutations, mutations } from '../../test/fuzz/mutate.js';
import { PATCH_CONTENT_TYPES, randomPatch, type PatchKind } from '../../test/fuzz/patches.js';
import { collectionPath, objectPath } from '../../test/fuzz/paths.js';
import { answerJson, type ReplicaClients } from './http.js';
import type { Ledger } from './ledger.js';
import type { Traffic } from './traffic.js';
import type { Running } from './valid-clients.js';

interface Accepted {
  info: ResourceInfo;
  path: string;
  object: Record<string, unknown>;
}

const bodyCase = fc.record({ base: anyBaseCase, mutations, format: fc.constantFrom(...BODY_FORMATS), seed: fc.integer() });
const patchCase = fc.record({ kind: fc.constantFrom<PatchKind>('json', 'merge', 'strategic'), hostile: fc.array(hostileValue, { maxLength: 2 }), seed: fc.integer() });

/** Cases drawn in batches from one seed, so a soak's hostile traffic can be told by its seed. */
function* cases<T>(arbitrary: fc.Arbitrary<T>, seed: number): Generator<T> {
  for (let batch = 0; ; batch++) yield* fc.sample(arbitrary, { numRuns: 100, seed: seed + batch });
}

export function startHostileClients(options: { http: ReplicaClients; ledger: Ledger; traffic: Traffic; seed: number; namespace: string }): Running {
  const { http, ledger, traffic } = options;
  let running = true;
  const accepted: Accepted[] = [];
  let counter = 0;

  const bodies = async (): Promise<void> => {
    for (const c of cases(bodyCase, options.seed)) {
      if (!running) return;
      const d = dice(c.seed);
      const namespace = c.base.info.namespaced ? options.namespace : undefined;
      const base = { ...c.base, namespace };
      const body = applyMutations(withName(base, `hostile-${(counter++).toString(36)}`) as Record<string, unknown>, c.mutations);
      const encoded = encodeBody(body, c.format, d);
      const path = collectionPath(c.base.info, namespace);
      const outcome = await http.send(http.anyReplica(), { method: 'POST', path, body: encoded.bytes, contentType: encoded.contentType });
      traffic.record(`hostile body ${c.format}`, outcome, path);
      const object = outcome.kind === 'answer' && outcome.status === 201 ? answerJson<{ metadata: { name: string; namespace?: string; resourceVersion: string } }>(outcome) : undefined;
      if (object) {
        const objectUrl = objectPath(c.base.info, object.metadata.namespace, object.metadata.name);
        ledger.acknowledged(objectUrl, { present: true, resourceVersion: object.metadata.resourceVersion });
        accepted.push({ info: c.base.info, path: objectUrl, object: object as unknown as Record<string, unknown> });
        if (accepted.length > 200) accepted.shift();
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const patches = async (): Promise<void> => {
    for (const c of cases(patchCase, options.seed + 1_000_000)) {
      if (!running) return;
      const target = accepted[Math.floor(Math.random() * accepted.length)];
      if (!target) {
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      const d = dice(c.seed);
      const patch = randomPatch(c.kind, target.object, d, c.hostile.map((v) => resolveHostile(v, 2, target.object)));
      const outcome = await http.send(http.anyReplica(), { method: 'PATCH', path: target.path, body: jsonText(patch, d), contentType: PATCH_CONTENT_TYPES[c.kind] });
      traffic.record(`hostile patch ${c.kind}`, outcome, target.path);
      if (outcome.kind === 'answer' && outcome.status === 200) {
        const object = answerJson<Record<string, unknown> & { metadata: { resourceVersion: string } }>(outcome)!;
        ledger.acknowledged(target.path, { present: true, resourceVersion: object.metadata.resourceVersion });
        target.object = object;
      } else if (outcome.kind === 'error' || outcome.status >= 500 || outcome.status === 408) {
        ledger.uncertain(target.path, { present: true });
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const done = Promise.all([bodies(), patches()]);
  return {
    async stop() {
      running = false;
      await done;
    },
  };
}
