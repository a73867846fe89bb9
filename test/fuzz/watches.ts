// One open watch per stored resource (all namespaces; a resource served as another version's view,
// such as events.k8s.io/v1 events, is left to its own tests) in each read format — JSON lines, msgpack
// frames, protobuf frames — started before the fuzz writes anything. Events are kept by
// resource, namespace, name and resourceVersion until a check takes them, so every acknowledged
// write can be looked up in every stream.
import { setMaxListeners } from 'node:events';
import { Agent, request } from 'undici';
import { decodeMsgpack } from '../../lib/api/msgpack.js';
import { FrameSplitter } from '../../lib/api/frames.js';
import type { KubeObject } from '../../lib/api/object.js';
import { decodeProtobufWatchEvent } from '../../lib/api/protobuf/decode.js';
import { STORED_RESOURCES, type ResourceInfo } from '../../lib/api/resources.js';
import { ACCEPT, formatsOf, type ReadFormat } from './client.js';
import { collectionPath } from './paths.js';

export interface WatchedEvent {
  type: string;
  object: KubeObject;
}

type WatchFormat = Exclude<ReadFormat, 'yaml'>;

function eventKey(resource: string, namespace: string | undefined, name: string, resourceVersion: string): string {
  return `${resource}|${namespace ?? ''}|${name}|${resourceVersion}`;
}

/** Splits a watch response body into events, whatever its format. */
function eventReader(format: WatchFormat): (chunk: Buffer) => WatchedEvent[] {
  if (format === 'json') {
    let pending = '';
    return (chunk) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      return lines.filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as WatchedEvent);
    };
  }
  const frames = new FrameSplitter();
  const decode = format === 'msgpack' ? (body: Buffer) => decodeMsgpack<WatchedEvent>(body) : (body: Buffer) => decodeProtobufWatchEvent(body);
  return (chunk) => frames.push(chunk).map(decode);
}

export class WatchSet {
  private readonly agent: Agent;
  private readonly events = new Map<string, Map<WatchFormat, WatchedEvent>>();
  /** Revisions of the writes whose events a check took. */
  private readonly acknowledged = new Set<string>();
  private readonly abort = new AbortController();
  /** What went wrong in a stream (an ERROR event, bytes that do not decode, an early end). */
  readonly problems: string[] = [];
  private closing = false;

  private constructor(
    private readonly url: string,
    private readonly token: string,
    readonly formats: readonly WatchFormat[],
  ) {
    // One connection per watch, each open for the whole run (more would wait for one forever).
    this.agent = new Agent({ connections: STORED_RESOURCES.length * formats.length, bodyTimeout: 0, headersTimeout: 0 });
    // Every watch listens on it.
    setMaxListeners(0, this.abort.signal);
  }

  static async open(url: string, token: string, formats: readonly WatchFormat[]): Promise<WatchSet> {
    const set = new WatchSet(url, token, formats);
    // From the current revision, as an informer watches after its list (without one, a watch
    // would begin with an ADDED event for every object that exists).
    const list = await request(`${url}/api/v1/namespaces?limit=1`, { headers: { authorization: `Bearer ${token}` }, dispatcher: set.agent });
    const { metadata } = (await list.body.json()) as { metadata: { resourceVersion: string } };
    await Promise.all(STORED_RESOURCES.flatMap((info) => formatsOf(info, formats).map((format) => set.start(info, format, metadata.resourceVersion))));
    return set;
  }

  private async start(info: ResourceInfo, format: WatchFormat, resourceVersion: string): Promise<void> {
    const res = await request(`${this.url}${collectionPath(info, undefined)}?watch=1&resourceVersion=${resourceVersion}&timeoutSeconds=86400`, {
      headers: { authorization: `Bearer ${this.token}`, accept: ACCEPT[format] },
      dispatcher: this.agent,
      signal: this.abort.signal,
    });
    if (res.statusCode !== 200) throw new Error(`watch of ${info.resource} as ${format}: ${res.statusCode} ${await res.body.text()}`);
    const read = eventReader(format);
    void (async () => {
      try {
        for await (const chunk of res.body) {
          for (const event of read(chunk as Buffer)) this.record(info, format, event);
        }
        if (!this.closing) this.problems.push(`the ${format} watch of ${info.resource} ended`);
      } catch (error) {
        if (!this.closing) this.problems.push(`the ${format} watch of ${info.resource} failed: ${(error as Error).message}`);
      }
    })();
  }

  private record(info: ResourceInfo, format: WatchFormat, event: WatchedEvent): void {
    if (event.type === 'ERROR' || event.type === 'BOOKMARK') {
      if (event.type === 'ERROR') this.problems.push(`the ${format} watch of ${info.resource} sent an ERROR: ${JSON.stringify(event.object)}`);
      return;
    }
    const meta = event.object.metadata ?? {};
    const key = eventKey(info.resource, meta.namespace, meta.name ?? '', meta.resourceVersion ?? '');
    const byFormat = this.events.get(key) ?? new Map<WatchFormat, WatchedEvent>();
    byFormat.set(format, event);
    this.events.set(key, byFormat);
  }

  /**
   * The events of the object at this resourceVersion, once every stream has delivered it (or the
   * time runs out: then with the formats that did), removed from the set.
   */
  async take(info: ResourceInfo, namespace: string | undefined, name: string, resourceVersion: string, timeoutMs = 10_000): Promise<Map<WatchFormat, WatchedEvent>> {
    const key = eventKey(info.resource, namespace, name, resourceVersion);
    const deadline = Date.now() + timeoutMs;
    const expected = formatsOf(info, this.formats).length;
    while ((this.events.get(key)?.size ?? 0) < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    const found = this.events.get(key) ?? new Map<WatchFormat, WatchedEvent>();
    this.events.delete(key);
    this.acknowledged.add(resourceVersion);
    return found;
  }

  /**
   * Events no check took (a write the fuzzer did not see acknowledged), as
   * resource|namespace|name|resourceVersion [formats]. What another object's write committed with
   * it (a Service's IPAddress, a quota's usage) shares that write's revision and is not counted.
   */
  unclaimed(): string[] {
    return [...this.events.entries()]
      .filter(([key]) => !this.acknowledged.has(key.slice(key.lastIndexOf('|') + 1)))
      .map(([key, byFormat]) => `${key} [${[...byFormat.keys()].join(', ')}] ${[...byFormat.values()][0]?.type ?? ''}`);
  }

  async close(): Promise<void> {
    this.closing = true;
    this.abort.abort();
    await this.agent.close().catch(() => undefined);
  }
}
