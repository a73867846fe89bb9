// Well-behaved clients: each owns a few ConfigMaps and Pods and creates, replaces (PUT with its
// resourceVersion), merge-patches and deletes them in a closed loop through any replica,
// recording every acknowledged write in the ledger. An object whose last write got no clear
// answer is read back (a quorum GET) before it is written again.
import type { Ledger, ObjectState } from './ledger.js';
import { answerJson, type Outcome, type ReplicaClients } from './http.js';
import type { Traffic } from './traffic.js';

export const TOKEN_ANNOTATION = 'soak.rudder.dev/token';

interface StoredObject {
  metadata: { name: string; resourceVersion: string; annotations?: Record<string, string> };
  data?: Record<string, string>;
  [field: string]: unknown;
}

/** The token a soak writer put in an object. */
export function tokenOf(object: StoredObject | Record<string, unknown>): string | undefined {
  const o = object as StoredObject;
  return o.data?.token ?? o.metadata?.annotations?.[TOKEN_ANNOTATION];
}

type Kind = 'configmaps' | 'pods';

interface View {
  /** What this client last knew: the stored object, absent, or unknown (a write got no clear answer). */
  state: 'present' | 'absent' | 'unknown';
  object?: StoredObject;
}

function bodyFor(kind: Kind, name: string, token: string): Record<string, unknown> {
  if (kind === 'configmaps') return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { token, payload: 'p'.repeat(512) } };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, annotations: { [TOKEN_ANNOTATION]: token } },
    spec: { containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'] }], terminationGracePeriodSeconds: 0 },
  };
}

function withToken(kind: Kind, object: StoredObject, token: string): StoredObject {
  const copy = structuredClone(object);
  if (kind === 'configmaps') copy.data = { ...copy.data, token };
  else copy.metadata.annotations = { ...copy.metadata.annotations, [TOKEN_ANNOTATION]: token };
  return copy;
}

export interface ValidClientsOptions {
  clients: number;
  keysPerClient: number;
  namespace: string;
  http: ReplicaClients;
  ledger: Ledger;
  traffic: Traffic;
}

export interface Running {
  stop(): Promise<void>;
}

/** True when nothing can have been written: a 4xx other than a timeout, or a connection that was never made. */
function certainlyRefused(outcome: Outcome): boolean {
  if (outcome.kind === 'error') return outcome.error === 'ECONNREFUSED';
  return outcome.status >= 400 && outcome.status < 500 && outcome.status !== 408;
}

export function startValidClients(options: ValidClientsOptions): Running {
  const { http, ledger, traffic, namespace } = options;
  let running = true;
  const collection = (kind: Kind): string => `/api/v1/namespaces/${namespace}/${kind}`;

  const client = async (c: number): Promise<void> => {
    const views = new Map<string, View>();
    let seq = 0;
    while (running) {
      const kind: Kind = Math.random() < 0.6 ? 'configmaps' : 'pods';
      const name = `${kind === 'pods' ? 'pod' : 'cm'}-${c}-${Math.floor(Math.random() * options.keysPerClient)}`;
      const path = `${collection(kind)}/${name}`;
      const view = views.get(path) ?? { state: 'absent' };
      const replica = http.anyReplica();
      const token = `${c}-${seq++}`;

      if (view.state === 'unknown') {
        // A quorum read settles what the unanswered write did.
        const read = await http.send(replica, { method: 'GET', path });
        traffic.record('valid read', read, path);
        if (read.kind === 'answer' && read.status === 200) {
          const object = answerJson<StoredObject>(read)!;
          views.set(path, { state: 'present', object });
          ledger.observed(path, { present: true, resourceVersion: object.metadata.resourceVersion, token: tokenOf(object) });
        } else if (read.kind === 'answer' && read.status === 404) {
          views.set(path, { state: 'absent' });
          ledger.observed(path, { present: false });
        } else {
          await new Promise((r) => setTimeout(r, 200));
        }
        continue;
      }

      let klass: string;
      let outcome: Outcome;
      let attempted: ObjectState;
      if (view.state === 'absent') {
        klass = 'valid create';
        attempted = { present: true, token };
        outcome = await http.send(replica, { method: 'POST', path: collection(kind), body: JSON.stringify(bodyFor(kind, name, token)) });
      } else {
        const roll = Math.random();
        if (roll < 0.4) {
          klass = 'valid update';
          attempted = { present: true, token };
          outcome = await http.send(replica, { method: 'PUT', path, body: JSON.stringify(withToken(kind, view.object!, token)) });
        } else if (roll < 0.8) {
          klass = 'valid patch';
          attempted = { present: true, token };
          const patch = kind === 'configmaps' ? { data: { token } } : { metadata: { annotations: { [TOKEN_ANNOTATION]: token } } };
          outcome = await http.send(replica, { method: 'PATCH', path, body: JSON.stringify(patch), contentType: 'application/merge-patch+json' });
        } else {
          klass = 'valid delete';
          attempted = { present: false };
          outcome = await http.send(replica, { method: 'DELETE', path: `${path}?gracePeriodSeconds=0` });
        }
      }
      traffic.record(klass, outcome, path);

      if (outcome.kind === 'answer' && outcome.status >= 200 && outcome.status < 300) {
        if (!attempted.present) {
          views.set(path, { state: 'absent' });
          ledger.acknowledged(path, { present: false });
        } else {
          const object = answerJson<StoredObject>(outcome)!;
          views.set(path, { state: 'present', object });
          ledger.acknowledged(path, { present: true, resourceVersion: object.metadata.resourceVersion, token });
        }
      } else if (certainlyRefused(outcome)) {
        // Nothing written (a conflict, an object that exists or not as thought, the in-flight limit): read it again.
        views.set(path, { state: 'unknown', object: view.object });
        if (outcome.kind === 'answer' && outcome.status === 429) await new Promise((r) => setTimeout(r, 100));
      } else {
        ledger.uncertain(path, attempted);
        views.set(path, { state: 'unknown', object: view.object });
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };

  const done = Promise.all(Array.from({ length: options.clients }, (_, c) => client(c)));
  return {
    async stop() {
      running = false;
      await done;
    },
  };
}
