// CertificateSigningRequest rows: signer, requester, requested duration and the condition summary
// kubectl users read ("Pending", "Approved,Issued", "Denied", with ",Failed" when signing failed).
import type { CertificateSigningRequest } from 'kubernetes-types/certificates/v1.js';
import type { KubeObject } from '../object.js';
import { ageColumn, column, nameColumn } from './columns.js';
import { humanDuration, timestampSince } from './duration.js';
import type { Printer } from './types.js';

function conditionSummary(csr: CertificateSigningRequest): string {
  const types = new Set((csr.status?.conditions ?? []).map((c) => c.type));
  let summary = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) summary += ',Failed';
  if (csr.status?.certificate) summary += ',Issued';
  return summary;
}

export const certificateSigningRequestPrinter: Printer = {
  columns: [
    nameColumn,
    ageColumn,
    column('SignerName', 'string', 'The signer the request is for.'),
    column('Requestor', 'string', 'The user who created the request.'),
    column('RequestedDuration', 'string', 'The validity the requester asked for (spec.expirationSeconds).'),
    column('Condition', 'string', 'Approved or Denied, and whether a certificate was issued.'),
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const csr = obj as unknown as CertificateSigningRequest;
    const seconds = csr.spec?.expirationSeconds;
    return [
      csr.metadata?.name ?? '',
      timestampSince(csr.metadata?.creationTimestamp, now),
      csr.spec?.signerName ? csr.spec.signerName : '<none>',
      csr.spec?.username ?? '',
      typeof seconds === 'number' ? humanDuration(seconds * 1000) : '<none>',
      conditionSummary(csr),
    ];
  },
};
