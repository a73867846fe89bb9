// npm run bench -- apply: 64 concurrent clients change 20,000 ConfigMaps by server-side apply
// (application/apply-patch+yaml, a JSON body, fieldManager=bench, force) and the same objects by
// merge patch, in the same run against the same apiserver. Both sides warm up alike, then
// alternate in rounds, each round changing every object it touches (so every request writes).
// ratio = applies/s over merge patches/s.
import { startApiserver } from '../lib/launch/apiserver-process.js';
import { alternate, type Side } from './lib/alternate.js';
import { runLoad, type LoadResult, type LoadTarget } from './lib/load.js';
import { printTable, writeResults } from './lib/results.js';
import { ratio, summarize } from './lib/stats.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 64);
const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const WARM_UP = 3000;
const NAMESPACE = 'bench-apply';
const PATH = `/api/v1/namespaces/${NAMESPACE}/configmaps`;

/** A ConfigMap's data: a few keys, one of them the value this round writes. */
function data(value: string): Record<string, string> {
  return { mode: value, region: 'eu-west', tier: 'backend', owner: 'team-a' };
}

export async function benchApply(): Promise<void> {
  process.stdout.write(`apply: ${CLIENTS} clients, ${OBJECTS} ConfigMaps, server-side apply vs merge patch\n`);
  const server = await startApiserver();
  const target: LoadTarget = { url: server.url, caPem: server.caPem, token: server.token };
  try {
    const ns = await runLoad(target, 1, 1, () => ({ method: 'POST', path: '/api/v1/namespaces', body: JSON.stringify({ metadata: { name: NAMESPACE } }), expect: [201] }));
    if (ns.failed) throw new Error(`creating the namespace failed: ${ns.firstError}`);
    const created = await runLoad(target, CLIENTS, OBJECTS, (i) => ({
      method: 'POST',
      path: `${PATH}?fieldManager=creator`,
      body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, labels: { app: 'bench' } }, data: data('created') }),
      expect: [201],
    }));
    if (created.failed) throw new Error(`creating the ConfigMaps failed: ${created.firstError}`);

    let pass = 0;
    const applies =
      (tag: string): Side =>
      (offset, count) => {
        const value = `${tag}-${pass++}`;
        return runLoad(target, CLIENTS, count, (i) => ({
          method: 'PATCH',
          path: `${PATH}/cm-${offset + i}?fieldManager=bench&force=true`,
          contentType: 'application/apply-patch+yaml',
          body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${offset + i}` }, data: data(value) }),
          expect: [200],
        }));
      };
    const merges =
      (tag: string): Side =>
      (offset, count) => {
        const value = `${tag}-${pass++}`;
        return runLoad(target, CLIENTS, count, (i) => ({
          method: 'PATCH',
          path: `${PATH}/cm-${offset + i}`,
          contentType: 'application/merge-patch+json',
          body: JSON.stringify({ data: data(value) }),
          expect: [200],
        }));
      };
    const warmUp = await alternate(WARM_UP, 2, [applies('warm-apply'), merges('warm-merge')]);
    const failedWarmUp = warmUp.find((result) => result.failed > 0);
    if (failedWarmUp) throw new Error(`the warm-up failed: ${failedWarmUp.firstError}`);
    const [apply, merge] = (await alternate(OBJECTS, ROUNDS, [applies('apply'), merges('merge')])) as [LoadResult, LoadResult];
    for (const [who, result] of [['applies', apply], ['merge patches', merge]] as const) {
      if (result.failed) throw new Error(`${result.failed} ${who} failed; first: ${result.firstError}`);
    }
    const applyLatency = summarize(apply.latenciesMs);
    const mergeLatency = summarize(merge.latenciesMs);
    const applyPerSecond = Math.round(apply.perSecond);
    const mergePatchPerSecond = Math.round(merge.perSecond);
    const path = writeResults('apply', {
      config: { clients: CLIENTS, objects: OBJECTS, rounds: ROUNDS, body: 'ConfigMap with 4 data keys and a label; apply as JSON with force, merge patch of data', transport: 'HTTPS, bearer token' },
      applyPerSecond,
      mergePatchPerSecond,
      ratio: ratio(applyPerSecond, mergePatchPerSecond),
      applyLatency,
      mergePatchLatency: mergeLatency,
      goal: { ratio: 0.5, met: ratio(applyPerSecond, mergePatchPerSecond) >= 0.5 },
    });
    printTable([
      ['', 'per second', 'p50 ms', 'p99 ms'],
      ['server-side apply', applyPerSecond, applyLatency.p50Ms, applyLatency.p99Ms],
      ['merge patch', mergePatchPerSecond, mergeLatency.p50Ms, mergeLatency.p99Ms],
    ]);
    process.stdout.write(`apply vs merge patch: ${ratio(applyPerSecond, mergePatchPerSecond)} → ${path}\n`);
  } finally {
    await server.stop();
  }
}
