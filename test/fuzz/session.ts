// What every fuzz property runs against: an in-process apiserver over a real store on a free
// port, a client that turns broken invariants into Findings, watches of every resource opened
// before the first write, and a record of any error the process did not handle (the apiserver
// runs in this process, so a crash of the server is one of those).
import fc from 'fast-check';
import type { Test } from 'tap';
import { protobufAvailable } from '../../lib/api/protobuf/decode.js';
import type { ResourceInfo } from '../../lib/api/resources.js';
import { TEST_TOKEN } from '../helpers/inject-server.js';
import { listeningServer, type ListeningServer } from '../helpers/listening-server.js';
import { decodeAnswer, Finding, FuzzClient, READ_FORMATS, type ReadFormat } from './client.js';
import { collectionPath } from './paths.js';
import { ReadBack } from './read-back.js';
import { fuzzParameters } from './settings.js';
import { Tally } from './tally.js';
import { WatchSet } from './watches.js';
import type { KubeObject, StoredObject } from '../../lib/api/object.js';

export interface FuzzSession {
  server: ListeningServer;
  client: FuzzClient;
  watches: WatchSet;
  readBack: ReadBack;
  tally: Tally;
  /** The formats objects are read back in (protobuf only when its schema was built). */
  formats: Exclude<ReadFormat, 'yaml'>[];
  /** Errors nobody handled, as text. */
  unhandled: string[];
  /** A name no earlier run used. */
  freshName(): string;
  /** Creates a valid object as JSON and checks it reads back (its watch event taken too). */
  createValid(info: ResourceInfo, namespace: string | undefined, object: KubeObject): Promise<StoredObject>;
  readyz(): Promise<number>;
  /**
   * Runs the property `defaultRuns` times (or RUDDER_FUZZ_RUNS). The server keeps its state
   * across runs, so a failure can make later (shrunk) runs fail for its sake: the first failure
   * as it happened is printed too.
   */
  assert<T>(t: Test, arbitrary: fc.Arbitrary<T>, run: (value: T) => Promise<void>, defaultRuns: number): Promise<void>;
  /**
   * What must hold after a property ran: acknowledged objects were read back in every format,
   * the server still answers /readyz, every watch stayed open and saw only acknowledged writes,
   * and nothing went unhandled in the process.
   */
  checkAfterwards(t: Test): Promise<void>;
  close(): Promise<void>;
}

export async function openSession(prefix: string): Promise<FuzzSession> {
  const unhandled: string[] = [];
  const onError = (error: unknown): void => {
    unhandled.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
  };
  process.on('unhandledRejection', onError);
  process.on('uncaughtException', onError);
  const server = await listeningServer();
  const formats: FuzzSession['formats'] = protobufAvailable() ? ['json', 'msgpack', 'protobuf'] : ['json', 'msgpack'];
  const client = new FuzzClient(server.url, TEST_TOKEN);
  const watches = await WatchSet.open(server.url, TEST_TOKEN, formats);
  const readBack = new ReadBack(client, watches, formats);
  let counter = 0;
  const session: FuzzSession = {
    server,
    client,
    watches,
    readBack,
    tally: new Tally(),
    formats,
    unhandled,
    freshName: () => `${prefix}-${(counter++).toString(36)}`,
    async createValid(info, namespace, object) {
      const sent = { method: 'POST', path: collectionPath(info, namespace), contentType: 'application/json', body: Buffer.from(JSON.stringify(object)) };
      const answer = await client.send(sent);
      if (answer.status !== 201) throw new Finding('a valid object was refused', sent, answer);
      const stored = decodeAnswer(answer) as StoredObject;
      await readBack.check({ info, object: stored, eventType: 'ADDED', request: 'a valid create' });
      return stored;
    },
    async readyz() {
      const res = await fetch(`${server.url}/readyz`);
      await res.arrayBuffer();
      return res.status;
    },
    async assert(t, arbitrary, run, defaultRuns) {
      let first: string | undefined;
      const property = fc.asyncProperty(arbitrary, async (value) => {
        try {
          await run(value);
        } catch (error) {
          // A Finding says what the server did; anything else is a failure of this process, where the stack tells.
          first ??= error instanceof Finding ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
          throw error;
        }
      });
      try {
        await fc.assert(property, fuzzParameters(defaultRuns));
      } catch (error) {
        if (first !== undefined) t.comment(`the first failure, before shrinking:\n${first}`);
        throw error;
      }
    },
    async checkAfterwards(t) {
      for (const format of READ_FORMATS) {
        const skip = format === 'protobuf' && !protobufAvailable() && 'the Kubernetes protobuf schema is not built (npm run build fetches it)';
        t.test(`acknowledged objects were read back as ${format}`, { skip }, async (t) => {
          t.ok((readBack.checked.get(format) ?? 0) > 0, `${readBack.checked.get(format) ?? 0} objects`);
        });
      }
      t.equal(await session.readyz(), 200, 'the server still answers /readyz');
      await new Promise((resolve) => setTimeout(resolve, 200));
      t.same(watches.problems, [], 'every watch stayed open and readable');
      t.same(watches.unclaimed(), [], 'no watch event without an acknowledged write');
      t.same(unhandled, [], 'no unhandled error in the process');
    },
    async close() {
      await watches.close();
      await client.close();
      await server.close();
      process.off('unhandledRejection', onError);
      process.off('uncaughtException', onError);
    },
  };
  return session;
}
