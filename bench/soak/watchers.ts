// Watches that reconnect, as informers do: list, watch from the list's resourceVersion through a
// random replica, and when the stream ends (its replica was killed, or it timed out) watch again
// from the last event seen; 410 Gone means list again. One per resource and format (JSON lines,
// msgpack frames, protobuf frames). Each stream's resourceVersions must only grow.
import { setMaxListeners } from 'node:events';
import { Agent, request } from 'undici';
import { FrameSplitter } from '../../lib/api/frames.js';
import { decodeMsgpack, MSGPACK_MEDIA_TYPE } from '../../lib/api/msgpack.js';
import { decodeProtobufWatchEvent } from '../../lib/api/protobuf/decode.js';
import { PROTOBUF_MEDIA_TYPE } from '../../lib/api/protobuf/envelope.js';
import type { ReplicaSet } from '../../lib/launch/replica-set.js';
import type { Running } from './valid-clients.js';

type Format = 'json' | 'msgpack' | 'protobuf';
const ACCEPT: Record<Format, string> = { json: 'application/json', msgpack: MSGPACK_MEDIA_TYPE, protobuf: PROTOBUF_MEDIA_TYPE };

interface WatchEvent {
  type: string;
  object: { metadata?: { resourceVersion?: string }; code?: number };
}

export interface WatchStats {
  events: number;
  connections: number;
  /** 410 Gone: the watch fell behind the history window and listed again. */
  relists: number;
  /** Events whose resourceVersion did not grow within one stream (must be 0). */
  outOfOrder: number;
  /** Frames or lines that did not decode (must be 0). */
  undecodable: number;
}

function reader(format: Format): (chunk: Buffer) => WatchEvent[] {
  if (format === 'json') {
    let pending = '';
    return (chunk) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      return lines.filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as WatchEvent);
    };
  }
  const frames = new FrameSplitter();
  return (chunk) => frames.push(chunk).map((body) => (format === 'msgpack' ? decodeMsgpack<WatchEvent>(body) : (decodeProtobufWatchEvent(body) as WatchEvent)));
}

export function startWatchers(set: ReplicaSet, namespace: string, resources: string[], formats: Format[]): Running & { stats: WatchStats } {
  const stats: WatchStats = { events: 0, connections: 0, relists: 0, outOfOrder: 0, undecodable: 0 };
  const agent = new Agent({ connect: { ca: set.caPem }, bodyTimeout: 0, headersTimeout: 15_000 });
  const abort = new AbortController();
  // Every list and watch of every loop listens on it.
  setMaxListeners(0, abort.signal);
  let running = true;
  const headers = (format: Format): Record<string, string> => ({ authorization: `Bearer ${set.token}`, accept: ACCEPT[format] });
  const pick = (): string => set.replicas[Math.floor(Math.random() * set.replicas.length)]!.url;

  const list = async (path: string): Promise<string | undefined> => {
    try {
      const res = await request(`${pick()}${path}?limit=1`, { headers: headers('json'), dispatcher: agent, signal: abort.signal });
      const body = (await res.body.json()) as { metadata?: { resourceVersion?: string } };
      return res.statusCode === 200 ? body.metadata?.resourceVersion : undefined;
    } catch {
      return undefined;
    }
  };

  const loop = async (resource: string, format: Format): Promise<void> => {
    const path = `/api/v1/namespaces/${namespace}/${resource}`;
    let from: string | undefined;
    while (running) {
      from ??= await list(path);
      if (from === undefined) {
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      stats.connections++;
      let last = Number(from);
      try {
        const res = await request(`${pick()}${path}?watch=1&resourceVersion=${from}&timeoutSeconds=${30 + Math.floor(Math.random() * 60)}`, { headers: headers(format), dispatcher: agent, signal: abort.signal });
        if (res.statusCode !== 200) {
          await res.body.dump();
          if (res.statusCode === 410) {
            stats.relists++;
            from = undefined;
          }
          await new Promise((r) => setTimeout(r, 300));
          continue;
        }
        const read = reader(format);
        for await (const chunk of res.body) {
          let events: WatchEvent[];
          try {
            events = read(chunk as Buffer);
          } catch {
            stats.undecodable++;
            break;
          }
          for (const event of events) {
            if (event.type === 'ERROR') {
              if (event.object.code === 410) {
                stats.relists++;
                from = undefined;
              }
              continue;
            }
            const rv = Number(event.object.metadata?.resourceVersion ?? 0);
            if (event.type !== 'BOOKMARK') stats.events++;
            if (rv < last || (rv === last && event.type !== 'BOOKMARK')) stats.outOfOrder++;
            last = Math.max(last, rv);
            if (from !== undefined) from = String(last);
          }
        }
      } catch {
        // The replica went away (or the soak is stopping): watch again from the last event.
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };

  const done = Promise.all(resources.flatMap((resource) => formats.map((format) => loop(resource, format))));
  return {
    stats,
    async stop() {
      running = false;
      abort.abort();
      await done;
      await agent.close().catch(() => undefined);
    },
  };
}
