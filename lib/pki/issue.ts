// A leaf certificate signed by the cluster CA: a fresh ECDSA key, the subject, the extended key
// usages and names asked for, valid from `now` for `lifetimeMs`. Raft peer certificates and client
// certificates (CN = user, O = groups) are both made here.
import { ALGORITHM, ONE_YEAR_MS, pemPrivateKey, serial, webcrypto, x509, type SigningCa } from './x509.js';

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

export interface CertificateRequest {
  /** An X.500 name: "CN=jane, O=developers", or its attributes in order ([{CN: ['jane']}, {O: ['developers']}]). */
  subject: string | Record<string, string[]>[];
  usages: readonly string[];
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  now?: Date;
  lifetimeMs?: number;
}

export async function issueCertificate(ca: SigningCa, request: CertificateRequest): Promise<IssuedCertificate> {
  const now = request.now ?? new Date();
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([...request.usages]),
  ];
  const names = [...(request.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })), ...(request.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value }))];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names));
  extensions.push(await x509.AuthorityKeyIdentifierExtension.create(ca.cert));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: request.subject,
    issuer: ca.cert.subject,
    notBefore: now,
    notAfter: new Date(now.getTime() + (request.lifetimeMs ?? ONE_YEAR_MS)),
    signingAlgorithm: ALGORITHM,
    publicKey: keys.publicKey as webcrypto.CryptoKey,
    signingKey: ca.key,
    extensions,
  });
  const key = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as webcrypto.CryptoKey);
  return { certPem: cert.toString('pem') + '\n', keyPem: pemPrivateKey(key) };
}

/** A client certificate for `user` in `groups`, as kube-apiserver's x509 authenticator reads them. */
export function createClientCert(ca: SigningCa, user: string, groups: readonly string[] = [], options: { now?: Date; lifetimeMs?: number } = {}): Promise<IssuedCertificate> {
  // As attributes, not a string, so commas, quotes and the like survive unescaped; the library
  // still reads backslashes and quotes as escapes and a leading # as hex, so such names are refused rather than mangled.
  if ([user, ...groups].some((n) => /["\\]/.test(n) || n.startsWith('#'))) throw new Error(`a client certificate name may not hold a backslash or a quote, or start with #: ${JSON.stringify([user, ...groups])}`);
  const subject = [{ CN: [user] }, ...groups.map((g) => ({ O: [g] }))];
  return issueCertificate(ca, { subject, usages: [x509.ExtendedKeyUsage.clientAuth], ...options });
}
