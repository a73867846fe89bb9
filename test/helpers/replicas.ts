// Helpers for multi-replica stories: a REST target per replica, closed-loop writers that record
// what was acknowledged, and reading back what a replica holds.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Replica, ReplicaSet } from '../../lib/launch/replica-set.js';
import { rest, type RestTarget } from './rest.js';

export function target(set: ReplicaSet, replica: Replica | number): RestTarget {
  const r = typeof replica === 'number' ? set.replica(replica) : replica;
  return { url: r.url, caPem: set.caPem, token: set.token };
}

export interface Writers {
  /** name → resourceVersion the create was acknowledged with. */
  acknowledged: Map<string, number>;
  /** Acknowledged resourceVersions of each client, in the order it got them. */
  perClient: number[][];
  /** Creates that failed with a Status (503 on a minority, ...), by code. */
  failures: Map<number, number>;
  /** Creates whose outcome is unknown (the connection broke). */
  unknown: number;
  stop(): Promise<void>;
}

/** `clients` loops creating ConfigMaps in `namespace`; client c writes through pick(c). */
export function startWriters(set: ReplicaSet, namespace: string, clients: number, pick: (client: number) => Replica, payload = 'x'.repeat(256)): Writers {
  let running = true;
  const writers: Writers = {
    acknowledged: new Map(),
    perClient: Array.from({ length: clients }, () => []),
    failures: new Map(),
    unknown: 0,
    stop: async () => {
      running = false;
      await done;
    },
  };
  const done = Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; running; i++) {
        const name = `cm-${c}-${i}`;
        try {
          const res = await rest(target(set, pick(c)), 'POST', `/api/v1/namespaces/${namespace}/configmaps`, { metadata: { name }, data: { payload } });
          if (res.status === 201) {
            const rv = Number(res.json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion);
            writers.acknowledged.set(name, rv);
            writers.perClient[c]!.push(rv);
          } else {
            writers.failures.set(res.status, (writers.failures.get(res.status) ?? 0) + 1);
            await sleep(20);
          }
        } catch {
          writers.unknown++;
          await sleep(50);
        }
      }
    }),
  );
  return writers;
}

export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

export interface ListedItem {
  name: string;
  resourceVersion: number;
}

/** Every ConfigMap of a namespace on one replica (a quorum read unless `resourceVersion` is given). */
export async function listOn(set: ReplicaSet, replica: Replica | number, namespace: string, resourceVersion?: string): Promise<{ status: number; items: ListedItem[]; resourceVersion: number }> {
  const query = resourceVersion === undefined ? '' : `?resourceVersion=${resourceVersion}`;
  const res = await rest(target(set, replica), 'GET', `/api/v1/namespaces/${namespace}/configmaps${query}`);
  if (res.status !== 200) return { status: res.status, items: [], resourceVersion: 0 };
  const list = res.json<{ metadata: { resourceVersion: string }; items: { metadata: { name: string; resourceVersion: string } }[] }>();
  return {
    status: 200,
    resourceVersion: Number(list.metadata.resourceVersion),
    items: list.items.map((item) => ({ name: item.metadata.name, resourceVersion: Number(item.metadata.resourceVersion) })),
  };
}

/** The ADDED events of a namespace's ConfigMaps after `fromRevision`, replayed by one replica's watch. */
export async function replayCreates(set: ReplicaSet, replica: Replica | number, namespace: string, fromRevision: number): Promise<ListedItem[]> {
  const res = await rest(target(set, replica), 'GET', `/api/v1/namespaces/${namespace}/configmaps?watch=1&resourceVersion=${fromRevision}&timeoutSeconds=2`);
  if (res.status !== 200) throw new Error(`watch on replica: ${res.status} ${res.text.slice(0, 200)}`);
  return res.text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { type: string; object: { metadata: { name: string; resourceVersion: string } } })
    .filter((event) => event.type === 'ADDED')
    .map((event) => ({ name: event.object.metadata.name, resourceVersion: Number(event.object.metadata.resourceVersion) }));
}
