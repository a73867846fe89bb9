// A kubelet's serving certificate, as a kubelet with server certificate bootstrap gets one: for the
// node's name and addresses (CN=system:node:<name>, O=system:nodes, server auth), signed by the
// cluster CA, so the apiserver checks both the chain and the address it dials.
// <dir>/kubelet-<node>.crt and .key, made again when they no longer name every address.
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pkiPaths } from './certs.js';
import { issueCertificate } from './issue.js';
import { writeAtomically } from './raft-peer.js';
import { readCa, x509 } from './x509.js';

/** The node's address, the address it listens on when that is one, and loopback (probes from the node itself). */
export function servingAddresses(nodeIP: string, listenAddress: string): string[] {
  const listening = listenAddress === '0.0.0.0' || listenAddress === '::' || listenAddress === '' ? [] : [listenAddress];
  return [...new Set([nodeIP, ...listening, '127.0.0.1'])];
}

export async function ensureKubeletServingCert(dir: string, nodeName: string, addresses: readonly string[]): Promise<{ key: Buffer; cert: Buffer }> {
  const certFile = join(dir, `kubelet-${nodeName}.crt`);
  const keyFile = join(dir, `kubelet-${nodeName}.key`);
  const covers = (): boolean => {
    const cert = new X509Certificate(readFileSync(certFile));
    return cert.checkHost(nodeName) !== undefined && cert.checkHost('localhost') !== undefined && addresses.every((address) => cert.checkIP(address) !== undefined);
  };
  if (!existsSync(certFile) || !existsSync(keyFile) || !covers()) {
    const ca = pkiPaths(dir);
    const made = await issueCertificate(await readCa(ca.caCert, ca.caKey), {
      subject: [{ CN: [`system:node:${nodeName}`] }, { O: ['system:nodes'] }],
      usages: [x509.ExtendedKeyUsage.serverAuth],
      dnsNames: [nodeName, 'localhost'],
      ipAddresses: addresses,
    });
    writeAtomically(keyFile, made.keyPem, 0o600);
    writeAtomically(certFile, made.certPem, 0o644);
  }
  return { key: readFileSync(keyFile), cert: readFileSync(certFile) };
}
