// The TLS connection a request came on. An HTTP/1.1 request's socket is the connection; an HTTP/2
// request's is a stand-in made per stream, so per-connection facts (the client certificate's
// verdict) are looked up on its session's socket, once per connection.
import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { TLSSocket } from 'node:tls';

export function connectionSocket(raw: IncomingMessage | Http2ServerRequest): TLSSocket {
  const session = (raw as Http2ServerRequest).stream?.session;
  return (session?.socket ?? raw.socket) as TLSSocket;
}
