// Reads a watch response as it streams: newline-delimited JSON WatchEvents collected in order.
import type { ClientRequest } from 'node:http';
import { request } from 'node:https';
import type { RestTarget } from './rest.js';

export interface WatchEventRecord {
  type: string;
  object: { kind?: string; metadata?: { name?: string; namespace?: string; resourceVersion?: string; annotations?: Record<string, string> }; code?: number; reason?: string; message?: string; [k: string]: unknown };
}

export interface WatchStream {
  status: number;
  events: WatchEventRecord[];
  ended: boolean;
  /** Resolves when `predicate` holds for the events so far (or the timeout passes: false). */
  until(predicate: (events: WatchEventRecord[]) => boolean, timeoutMs?: number): Promise<boolean>;
  close(): void;
}

export function openWatch(target: RestTarget, path: string, headers: Record<string, string> = {}): Promise<WatchStream> {
  return new Promise((resolve, reject) => {
    let req: ClientRequest;
    const stream: WatchStream = {
      status: 0,
      events: [],
      ended: false,
      until(predicate, timeoutMs = 10_000) {
        return new Promise((done) => {
          const deadline = Date.now() + timeoutMs;
          const check = (): void => {
            if (predicate(stream.events)) return done(true);
            if (Date.now() > deadline || stream.ended) return done(predicate(stream.events));
            setTimeout(check, 20);
          };
          check();
        });
      },
      close() {
        req.destroy();
      },
    };
    req = request(
      `${target.url}${path}`,
      { method: 'GET', ca: target.caPem, headers: { accept: 'application/json', authorization: `Bearer ${target.token ?? ''}`, ...headers } },
      (res) => {
        stream.status = res.statusCode ?? 0;
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let newline = buffer.indexOf('\n');
          while (newline >= 0) {
            const line = buffer.slice(0, newline).trim();
            buffer = buffer.slice(newline + 1);
            if (line !== '') stream.events.push(JSON.parse(line) as WatchEventRecord);
            newline = buffer.indexOf('\n');
          }
        });
        res.on('end', () => (stream.ended = true));
        res.on('close', () => (stream.ended = true));
        res.on('error', () => (stream.ended = true));
        resolve(stream);
      },
    );
    req.on('error', (error: Error) => {
      stream.ended = true;
      if (stream.status === 0) reject(error);
    });
    req.end();
  });
}
