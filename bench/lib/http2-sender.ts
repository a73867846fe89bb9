// Requests over one HTTP/2 connection (node:http2), every request its own stream, as client-go
// multiplexes its clients over one connection to the apiserver.
import { connect, type ClientHttp2Session, type IncomingHttpHeaders, type SecureClientSessionOptions } from 'node:http2';

export interface Http2Answer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export class Http2Sender {
  /** The connection, for what it negotiated (ALPN, the server's SETTINGS) and streams of one's own. */
  readonly session: ClientHttp2Session;

  /** `tls` is a CA (PEM) or the TLS options (a client certificate). */
  constructor(url: string, tls: string | SecureClientSessionOptions) {
    this.session = connect(url, typeof tls === 'string' ? { ca: tls } : tls);
    this.session.on('error', () => undefined);
  }

  request(method: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<Http2Answer> {
    return new Promise((resolve, reject) => {
      const stream = this.session.request({ ':method': method, ':path': path, ...headers }, { endStream: body === undefined });
      const chunks: Buffer[] = [];
      let answer: IncomingHttpHeaders = {};
      stream.on('response', (h) => (answer = h));
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => resolve({ statusCode: Number(answer[':status']), headers: answer, body: Buffer.concat(chunks) }));
      stream.on('error', reject);
      if (body !== undefined) stream.end(body);
    });
  }

  /** A stream whose answer is read as it arrives (a watch); `onData` gets each chunk. */
  stream(path: string, headers: Record<string, string>, onData: (chunk: Buffer) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      const stream = this.session.request({ ':path': path, ...headers });
      stream.on('response', (h) => resolve(Number(h[':status'])));
      stream.on('data', onData);
      stream.on('error', reject);
    });
  }

  close(): void {
    this.session.destroy();
  }
}
