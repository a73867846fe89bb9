// The key ServiceAccount tokens are signed with, made once beside the cluster CA as kubeadm lays it
// out (<dir>/sa.key, <dir>/sa.pub), so every replica and every restart signs and verifies with the
// same key. ES256; the key id is the base64url SHA-256 of the public key's DER, as Kubernetes
// derives it.
import { createHash, createPublicKey } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, importSPKI, type CryptoKey } from 'jose';

export const SERVICE_ACCOUNT_ALGORITHM = 'ES256';

export interface ServiceAccountKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  keyId: string;
}

function writeAtomically(path: string, text: string, mode: number): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode });
  renameSync(temporary, path);
}

export function keyIdOf(spkiPem: string): string {
  const der = createPublicKey(spkiPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url');
}

export async function serviceAccountKeyFromPem(privatePem: string, publicPem: string): Promise<ServiceAccountKey> {
  return {
    privateKey: await importPKCS8(privatePem, SERVICE_ACCOUNT_ALGORITHM),
    publicKey: await importSPKI(publicPem, SERVICE_ACCOUNT_ALGORITHM, { extractable: true }),
    keyId: keyIdOf(publicPem),
  };
}

/** Reads <dir>/sa.key and sa.pub, making them first when missing. */
export async function ensureServiceAccountKey(dir: string): Promise<ServiceAccountKey> {
  const keyFile = join(dir, 'sa.key');
  const pubFile = join(dir, 'sa.pub');
  if (!existsSync(keyFile) || !existsSync(pubFile)) {
    const pair = await generateKeyPair(SERVICE_ACCOUNT_ALGORITHM, { extractable: true });
    writeAtomically(keyFile, await exportPKCS8(pair.privateKey), 0o600);
    writeAtomically(pubFile, await exportSPKI(pair.publicKey), 0o644);
  }
  return serviceAccountKeyFromPem(readFileSync(keyFile, 'utf8'), readFileSync(pubFile, 'utf8'));
}
