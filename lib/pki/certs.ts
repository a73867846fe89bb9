// The cluster CA and the apiserver's serving certificate, made at first start the way kubeadm's
// certs phase lays them out: <dir>/ca.crt, ca.key, apiserver.crt, apiserver.key (PEM, keys 0600).
// Replicas' Raft peer certificates live beside them (see raft-peer.ts).
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ALGORITHM, ONE_YEAR_MS, pemPrivateKey, readCa, serial, TEN_YEARS_MS, webcrypto, x509 } from './x509.js';

export interface PkiPaths {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
}

export function pkiPaths(dir: string): PkiPaths {
  return {
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    serverCert: join(dir, 'apiserver.crt'),
    serverKey: join(dir, 'apiserver.key'),
  };
}

/** Names a client may use to reach the apiserver: loopback, this host, and the in-cluster service. */
export function defaultServingHosts(serviceIP = '10.96.0.1'): string[] {
  return [
    'localhost',
    '127.0.0.1',
    '::1',
    hostname(),
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    'kubernetes.default.svc.cluster.local',
    serviceIP,
  ];
}

function isIp(host: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(':');
}

async function createCa(paths: PkiPaths, now: Date): Promise<void> {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=rudder-ca',
    notBefore: now,
    notAfter: new Date(now.getTime() + TEN_YEARS_MS),
    signingAlgorithm: ALGORITHM,
    keys: keys as webcrypto.CryptoKeyPair,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as webcrypto.CryptoKey),
    ],
  });
  const key = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as webcrypto.CryptoKey);
  writeFileSync(paths.caKey, pemPrivateKey(key), { mode: 0o600 });
  writeFileSync(paths.caCert, cert.toString('pem') + '\n');
}

async function createServingCert(paths: PkiPaths, hosts: readonly string[], now: Date): Promise<void> {
  const { cert: caCert, key: caKey } = await readCa(paths.caCert, paths.caKey);
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const unique = [...new Set(hosts)];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: 'CN=kube-apiserver',
    issuer: caCert.subject,
    notBefore: now,
    notAfter: new Date(now.getTime() + ONE_YEAR_MS),
    signingAlgorithm: ALGORITHM,
    publicKey: keys.publicKey as webcrypto.CryptoKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(unique.map((host) => ({ type: isIp(host) ? ('ip' as const) : ('dns' as const), value: host }))),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  const key = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as webcrypto.CryptoKey);
  writeFileSync(paths.serverKey, pemPrivateKey(key), { mode: 0o600 });
  writeFileSync(paths.serverCert, cert.toString('pem') + '\n');
}

/** Whether the serving certificate at `path` names every one of `hosts` (addresses and DNS names). */
function servingCertCovers(path: string, hosts: readonly string[]): boolean {
  const cert = new X509Certificate(readFileSync(path));
  return hosts.every((host) => (isIP(host) ? cert.checkIP(host) : cert.checkHost(host)) !== undefined);
}

/**
 * Makes whatever is missing under `dir`: the CA first, then a serving certificate signed by it for
 * `hosts`. Existing files are kept, so every replica and every restart serves under the same CA;
 * the serving certificate is issued again (same CA) when it lacks one of `hosts`, e.g. the node
 * network's addresses of a cluster that now has nodes.
 */
export async function ensurePki(dir: string, hosts: readonly string[] = defaultServingHosts(), now = new Date()): Promise<PkiPaths> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const paths = pkiPaths(dir);
  if (!existsSync(paths.caCert) || !existsSync(paths.caKey)) await createCa(paths, now);
  if (!existsSync(paths.serverCert) || !existsSync(paths.serverKey) || !servingCertCovers(paths.serverCert, hosts)) await createServingCert(paths, hosts, now);
  return paths;
}
