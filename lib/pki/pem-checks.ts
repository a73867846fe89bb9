// What the apiserver checks in the PEM data of a CertificateSigningRequest: that spec.request is
// a PKCS#10 request signed by the key it carries, and that status.certificate holds only
// CERTIFICATE blocks, each a certificate. Each check answers the error Go's crypto/x509 and the
// certificates validation give, or undefined when the data is sound. Synchronous, as validation is.
import { X509Certificate, createPublicKey, verify } from 'node:crypto';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { AsnConvert } from '@peculiar/asn1-schema';

interface PemBlock {
  type: string;
  headers: boolean;
  der: Buffer;
  /** The text after the block. */
  rest: string;
}

const BEGIN = '-----BEGIN ';
const DASHES = '-----';

/**
 * The first PEM block of the text, as Go's pem.Decode finds it, or undefined. Only the first
 * "-----BEGIN " is tried (Go also tries later ones after a malformed block), so the work stays
 * linear in the size of the text whatever it holds.
 */
function decodePem(text: string): PemBlock | undefined {
  const begin = text.indexOf(BEGIN);
  if (begin < 0) return undefined;
  const typeStart = begin + BEGIN.length;
  const lineEnd = text.indexOf('\n', typeStart);
  if (lineEnd < 0) return undefined;
  const typeLine = text.slice(typeStart, lineEnd).replace(/\r$/, '').trimEnd();
  if (!typeLine.endsWith(DASHES)) return undefined;
  const type = typeLine.slice(0, -DASHES.length);
  const endMarker = `-----END ${type}-----`;
  const end = text.indexOf(endMarker, lineEnd + 1);
  if (end < 0) return undefined;
  const body = text.slice(lineEnd + 1, end);
  const headerEnd = body.search(/\r?\n\r?\n/);
  const firstLine = body.split(/\r?\n/, 1)[0] ?? '';
  const headers = headerEnd >= 0 && firstLine.includes(':');
  const base64 = headers ? body.slice(headerEnd) : body;
  if (!/^[A-Za-z0-9+/=\s]*$/.test(base64)) return undefined;
  let rest = text.slice(end + endMarker.length);
  rest = rest.replace(/^[ \t]*\r?\n?/, '');
  return { type, headers, der: Buffer.from(base64.replace(/\s+/g, ''), 'base64'), rest };
}

/** Node's verify() digest for a signature algorithm OID; null for Ed25519 (no separate digest). */
const SIGNATURE_ALGORITHMS: Readonly<Record<string, { digest: string | null; family: 'RSA' | 'ECDSA' | 'Ed25519' }>> = {
  '1.2.840.113549.1.1.5': { digest: 'sha1', family: 'RSA' },
  '1.2.840.113549.1.1.11': { digest: 'sha256', family: 'RSA' },
  '1.2.840.113549.1.1.12': { digest: 'sha384', family: 'RSA' },
  '1.2.840.113549.1.1.13': { digest: 'sha512', family: 'RSA' },
  '1.2.840.10045.4.1': { digest: 'sha1', family: 'ECDSA' },
  '1.2.840.10045.4.3.2': { digest: 'sha256', family: 'ECDSA' },
  '1.2.840.10045.4.3.3': { digest: 'sha384', family: 'ECDSA' },
  '1.2.840.10045.4.3.4': { digest: 'sha512', family: 'ECDSA' },
  '1.3.101.112': { digest: null, family: 'Ed25519' },
};

/** spec.request: a PEM "CERTIFICATE REQUEST" whose signature its own public key verifies. */
export function certificateRequestProblem(pem: Buffer): string | undefined {
  const block = decodePem(pem.toString('latin1'));
  if (!block || block.type !== 'CERTIFICATE REQUEST') return 'PEM block type must be CERTIFICATE REQUEST';
  let request: CertificationRequest;
  try {
    request = AsnConvert.parse(block.der, CertificationRequest);
  } catch {
    return 'x509: malformed certificate request';
  }
  const signed = request.certificationRequestInfoRaw;
  const algorithm = SIGNATURE_ALGORITHMS[request.signatureAlgorithm.algorithm];
  if (!signed || !algorithm) return 'x509: cannot verify signature: algorithm unimplemented';
  try {
    const key = createPublicKey({ key: Buffer.from(AsnConvert.serialize(request.certificationRequestInfo.subjectPKInfo)), format: 'der', type: 'spki' });
    if (verify(algorithm.digest, Buffer.from(signed), key, Buffer.from(request.signature))) return undefined;
  } catch {
    return 'x509: cannot verify signature: algorithm unimplemented';
  }
  return algorithm.family === 'RSA' ? 'crypto/rsa: verification error' : `x509: ${algorithm.family} verification failure`;
}

/** status.certificate: empty, or one or more CERTIFICATE blocks without headers, each a certificate. */
export function certificateChainProblem(pem: Buffer): string | undefined {
  if (pem.length === 0) return undefined;
  let text = pem.toString('latin1');
  let blocks = 0;
  for (let block = decodePem(text); block; block = decodePem(text)) {
    if (block.type !== 'CERTIFICATE') return `only CERTIFICATE PEM blocks are allowed, found ${JSON.stringify(block.type)}`;
    if (block.headers) return 'no PEM block headers are permitted';
    blocks++;
    try {
      new X509Certificate(block.der);
    } catch {
      return 'x509: malformed certificate';
    }
    text = block.rest;
  }
  return blocks === 0 ? 'must contain at least one CERTIFICATE PEM block' : undefined;
}
