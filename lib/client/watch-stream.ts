// One open watch response read as events: newline-delimited JSON WatchEvents, or length-prefixed
// msgpack frames when the server answered in Rudder's msgpack framing.
import type { Readable } from 'node:stream';
import { FrameDecoder, MSGPACK_MEDIA_TYPE } from '../api/msgpack.js';
import type { KubeObject } from '../api/object.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  object: T;
}

interface Decoder {
  push(chunk: Buffer): WatchEvent[];
}

class JsonLineDecoder implements Decoder {
  private pending = '';

  push(chunk: Buffer): WatchEvent[] {
    this.pending += chunk.toString('utf8');
    const out: WatchEvent[] = [];
    let newline = this.pending.indexOf('\n');
    while (newline >= 0) {
      const line = this.pending.slice(0, newline).trim();
      this.pending = this.pending.slice(newline + 1);
      if (line !== '') out.push(JSON.parse(line) as WatchEvent);
      newline = this.pending.indexOf('\n');
    }
    return out;
  }
}

/**
 * Events in the order the server sent them. Iterating ends when the server ends the response or
 * close() is called; a broken connection ends it too (the caller re-watches from the last
 * resourceVersion it saw).
 */
export class WatchStream<T extends KubeObject = KubeObject> implements AsyncIterable<WatchEvent<T>> {
  private readonly decoder: Decoder;
  private closed = false;

  constructor(
    private readonly body: Readable,
    contentType: string,
    private readonly abort: () => void,
  ) {
    this.decoder = contentType.startsWith(MSGPACK_MEDIA_TYPE) ? new FrameDecoder<WatchEvent>() : new JsonLineDecoder();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.abort();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
    try {
      for await (const chunk of this.body) {
        for (const event of this.decoder.push(chunk as Buffer)) {
          if (this.closed) return;
          yield event as WatchEvent<T>;
        }
      }
    } catch (error) {
      // Closing aborts the request; a dropped connection is an ordinary end of a watch.
      if (this.closed) return;
      if (!isConnectionLoss(error)) throw error;
    } finally {
      this.close();
    }
  }
}

const LOST = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_ABORTED', 'ABORT_ERR']);

export function isConnectionLoss(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return (code !== undefined && LOST.has(code)) || (error as Error | null)?.name === 'AbortError';
}
