// Raft peer certificates: one per apiserver replica, signed by the cluster CA, used for both
// ends of the mutual TLS between replicas (like etcd's peer.crt, with the replica id in the file
// name because replicas share one cert dir): <dir>/raft-peer-<id>.crt and raft-peer-<id>.key.
// The identity a replica checks is the DNS name raft-peer-<id>.rudder.internal (a private name,
// never resolved); the subject is CN=rudder-raft-peer-<id>, O=rudder:raft-peers.
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pkiPaths } from './certs.js';
import { issueCertificate } from './issue.js';
import { readCa, x509, type SigningCa } from './x509.js';

/** The files a replica hands the store for its Raft transport. */
export interface RaftPeerTls {
  caFile: string;
  certFile: string;
  keyFile: string;
}

export interface PeerCertPem {
  certPem: string;
  keyPem: string;
}

export function raftPeerName(id: number): string {
  return `raft-peer-${id}.rudder.internal`;
}

export function raftPeerPaths(dir: string, id: number): RaftPeerTls {
  return { caFile: pkiPaths(dir).caCert, certFile: join(dir, `raft-peer-${id}.crt`), keyFile: join(dir, `raft-peer-${id}.key`) };
}

/** A certificate for replica `id` (client and server auth) signed by `ca`. */
export function createRaftPeerCert(ca: SigningCa, id: number, now = new Date()): Promise<PeerCertPem> {
  return issueCertificate(ca, {
    subject: `CN=rudder-raft-peer-${id}, O=rudder:raft-peers`,
    usages: [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
    dnsNames: [raftPeerName(id)],
    now,
  });
}

/** Writes through a temporary name, so a replica starting beside this one never reads half a file. */
export function writeAtomically(path: string, text: string, mode: number): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode });
  renameSync(temporary, path);
}

/**
 * Makes replica `id`'s peer certificate under `dir` from the CA there, unless it exists. Each
 * replica makes only its own, so replicas starting together never write the same file.
 */
export async function ensureRaftPeerCert(dir: string, id: number, now = new Date()): Promise<RaftPeerTls> {
  const paths = raftPeerPaths(dir, id);
  if (existsSync(paths.certFile) && existsSync(paths.keyFile)) return paths;
  const ca = pkiPaths(dir);
  const made = await createRaftPeerCert(await readCa(ca.caCert, ca.caKey), id, now);
  writeAtomically(paths.keyFile, made.keyPem, 0o600);
  writeAtomically(paths.certFile, made.certPem, 0o644);
  return paths;
}
