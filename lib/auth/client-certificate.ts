// The user of a TLS connection's client certificate, as Kubernetes' x509 authenticator reads it:
// CN is the user, each O a group, and the certificate must chain to the CA the server trusts
// (socket.authorized) and be for client authentication. Remembered per connection, and the
// subject per certificate.
import type { TLSSocket } from 'node:tls';
import { x509 } from '../pki/x509.js';
import type { TokenUser } from './request-user.js';

const CLIENT_AUTH_USAGE = '1.3.6.1.5.5.7.3.2';
const known = new WeakMap<object, TokenUser | null | undefined>();

/** Subjects already read, by certificate fingerprint: a component opens many connections with one certificate. */
const subjects = new Map<string, { name: string; groups: string[] }>();
const MAX_SUBJECTS = 4096;

/** CN and every O of a certificate's subject, read from its DER (not Node's escaped text form). */
function subjectOf(der: Buffer, fingerprint: string): { name: string; groups: string[] } {
  const cached = subjects.get(fingerprint);
  if (cached) return cached;
  const subject = new x509.X509Certificate(der).subjectName;
  const read = { name: subject.getField('CN')[0] ?? '', groups: subject.getField('O') };
  if (subjects.size >= MAX_SUBJECTS) subjects.clear();
  subjects.set(fingerprint, read);
  return read;
}

/**
 * undefined when the client sent no certificate (or the connection is not TLS), null when it sent
 * one the CA did not sign or not for client auth; else the user (without system:authenticated).
 */
export function clientCertificateUser(socket: TLSSocket): TokenUser | null | undefined {
  if (typeof socket.getPeerCertificate !== 'function') return undefined;
  if (known.has(socket)) return known.get(socket);
  const cert = socket.getPeerCertificate();
  let user: TokenUser | null | undefined;
  if (!cert || Object.keys(cert).length === 0) user = undefined;
  else if (!socket.authorized || (cert.ext_key_usage !== undefined && !cert.ext_key_usage.includes(CLIENT_AUTH_USAGE))) user = null;
  else {
    const { name, groups } = subjectOf(cert.raw, cert.fingerprint256);
    user = name === '' ? null : { name, uid: '', groups: [...groups] };
  }
  known.set(socket, user);
  return user;
}
