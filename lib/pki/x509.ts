// The primitives every certificate this project makes shares: one key algorithm (ECDSA P-256),
// PEM in and out, random serials, and the cluster CA read back from disk to sign with.
// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
export const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;
export const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;

export function pemPrivateKey(der: ArrayBuffer): string {
  const base64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN PRIVATE KEY-----\n${base64.trim()}\n-----END PRIVATE KEY-----\n`;
}

export function derFromPem(pem: string): ArrayBuffer {
  const body = pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  const bytes = Buffer.from(body, 'base64');
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

export function serial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1');
}

/** A CA able to sign: its certificate and private key. */
export interface SigningCa {
  cert: x509.X509Certificate;
  key: webcrypto.CryptoKey;
}

export async function caFromPem(certPem: string, keyPem: string): Promise<SigningCa> {
  const key = await webcrypto.subtle.importKey('pkcs8', derFromPem(keyPem), ALGORITHM, false, ['sign']);
  return { cert: new x509.X509Certificate(certPem), key };
}

export function readCa(certFile: string, keyFile: string): Promise<SigningCa> {
  return caFromPem(readFileSync(certFile, 'utf8'), readFileSync(keyFile, 'utf8'));
}

export { webcrypto, x509 };
