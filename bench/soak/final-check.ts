// The end of a soak: every replica is asked for every object the ledger knows, twice — with quorum
// reads (no resourceVersion: linearizable, through the leader's ReadIndex) and with reads of the
// replica's own state (resourceVersion=0, once it has applied everything acknowledged) — and each
// answer is held against the ledger: acknowledged writes present with their content (or a later
// unconfirmed one), acknowledged deletes gone.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReplicaSet } from '../../lib/launch/replica-set.js';
import { answerJson, type ReplicaClients } from './http.js';
import type { Ledger, LedgerCheck, ObjectState } from './ledger.js';
import { tokenOf } from './valid-clients.js';

interface ListedObject {
  metadata: { name: string; resourceVersion: string; annotations?: Record<string, string> };
  data?: Record<string, string>;
  [field: string]: unknown;
}

interface List {
  metadata: { resourceVersion: string };
  items: ListedObject[];
}

export interface ReplicaVerdict {
  replica: number;
  mode: 'quorum' | 'local';
  checked: number;
  lost: LedgerCheck[];
  /** Collections that could not be read at all. */
  unreadable: string[];
}

/** "/api/v1/namespaces/soak/configmaps/cm-1-2" → the collection and the name. */
function split(path: string): [string, string] {
  const at = path.lastIndexOf('/');
  return [path.slice(0, at), decodeURIComponent(path.slice(at + 1))];
}

async function listAll(http: ReplicaClients, replica: number, collection: string, resourceVersion: string | undefined, timeoutMs: number): Promise<List | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const query = resourceVersion === undefined ? '' : `?resourceVersion=${resourceVersion}`;
    const outcome = await http.send(replica, { method: 'GET', path: `${collection}${query}`, timeoutMs: 30_000 });
    if (outcome.kind === 'answer' && outcome.status === 200) return answerJson<List>(outcome);
    await sleep(500);
  }
  return undefined;
}

export async function finalCheck(set: ReplicaSet, http: ReplicaClients, ledger: Ledger, log: (line: string) => void): Promise<ReplicaVerdict[]> {
  const byCollection = new Map<string, string[]>();
  for (const path of ledger.paths()) {
    const [collection] = split(path);
    byCollection.set(collection, [...(byCollection.get(collection) ?? []), path]);
  }
  const verdicts: ReplicaVerdict[] = [];
  for (const replica of set.replicas) {
    for (const mode of ['quorum', 'local'] as const) {
      const verdict: ReplicaVerdict = { replica: replica.id, mode, checked: 0, lost: [], unreadable: [] };
      for (const [collection, paths] of byCollection) {
        let list: List | undefined;
        if (mode === 'quorum') {
          list = await listAll(http, replica.id, collection, undefined, 60_000);
        } else {
          // The replica's own state, once it has applied every acknowledged write.
          const deadline = Date.now() + 60_000;
          do {
            list = await listAll(http, replica.id, collection, '0', 10_000);
            if (list && Number(list.metadata.resourceVersion) >= ledger.highestAcknowledged) break;
            await sleep(500);
          } while (Date.now() < deadline);
        }
        if (!list) {
          verdict.unreadable.push(collection);
          continue;
        }
        const present = new Map(list.items.map((item) => [item.metadata.name, item]));
        for (const path of paths) {
          const item = present.get(split(path)[1]);
          const actual: ObjectState = item ? { present: true, resourceVersion: item.metadata.resourceVersion, token: tokenOf(item) } : { present: false };
          const problem = ledger.check(path, actual);
          verdict.checked++;
          if (problem !== undefined) verdict.lost.push({ path, problem });
        }
      }
      log(`replica ${replica.id} (${mode} reads): ${verdict.checked} objects checked, ${verdict.lost.length} lost${verdict.unreadable.length > 0 ? `, unreadable: ${verdict.unreadable.join(', ')}` : ''}`);
      verdicts.push(verdict);
    }
  }
  return verdicts;
}
