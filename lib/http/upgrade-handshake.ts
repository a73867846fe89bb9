// The client side of an HTTP/1.1 upgrade on a connection of our own: sends the request head and
// reads the answer's head; on 101 the connection then speaks the new protocol (from `leftover`
// on), otherwise the answer (status, body) can be passed on to whoever asked.
import type { Duplex } from 'node:stream';

export interface UpgradeAnswer {
  status: number;
  headers: Record<string, string>;
  /** Bytes after the head: the new protocol's first bytes on 101, else (the start of) the body. */
  leftover: Buffer;
}

const MAX_HEAD = 64 * 1024;

export function requestUpgrade(socket: Duplex, head: string, timeoutMs = 30_000): Promise<UpgradeAnswer> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const timer = setTimeout(() => done(new Error('no answer to the upgrade request')), timeoutMs);
    const done = (error?: Error, answer?: UpgradeAnswer): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (error) reject(error);
      else resolve(answer!);
    };
    const onError = (error: Error): void => done(error);
    const onClose = (): void => done(new Error('the connection closed before the upgrade was answered'));
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) {
        if (buffered.length > MAX_HEAD) done(new Error('the upgrade answer\'s head is too large'));
        return;
      }
      const [statusLine = '', ...lines] = buffered.subarray(0, end).toString('latin1').split('\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      socket.pause();
      done(undefined, { status, headers, leftover: buffered.subarray(end + 4) });
    };
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.write(head);
  });
}
