// certificates.k8s.io/v1 CertificateSigningRequests (pkg/apis/certificates/validation of
// Kubernetes 1.36): the PEM request parsed and its signature checked, usages known and not
// repeated, a qualified signerName, at least ten minutes of requested duration, consistent
// conditions, and what each update path may change: the main resource neither conditions nor
// certificate, /approval the Approved and Denied conditions, /status the certificate (once).
import { isDeepStrictEqual } from 'node:util';
import { certificateChainProblem, certificateRequestProblem } from '../../pki/pem-checks.js';
import { FieldPath, fieldErrors } from '../field-errors.js';
import { DNS1123_SUBDOMAIN_MAX, isDNS1123Label, isDNS1123Subdomain, nameIsPathSegment } from '../names.js';
import { GoValue } from './go-format.js';
import { Errs, type Rec, optInt, rec, recList, str, strList } from './json.js';
import { type MetaRules, validateObjectMeta } from './meta.js';

/** "We don't care what you call your certificate requests": only the generic path-segment rule. */
const CSR_META: MetaRules = { nameRule: nameIsPathSegment, namespaced: false, kubeFinalizers: true };

const SPEC = FieldPath.root('spec');
const CONDITIONS = FieldPath.root('status').child('conditions');
const CERTIFICATE = FieldPath.root('status').child('certificate');

export const KEY_USAGES = [
  'any',
  'cert sign',
  'client auth',
  'code signing',
  'content commitment',
  'crl sign',
  'data encipherment',
  'decipher only',
  'digital signature',
  'email protection',
  'encipher only',
  'ipsec end system',
  'ipsec tunnel',
  'ipsec user',
  'key agreement',
  'key encipherment',
  'microsoft sgc',
  'netscape sgc',
  'ocsp signing',
  's/mime',
  'server auth',
  'signing',
  'timestamping',
];

const LEGACY_UNKNOWN_SIGNER = 'kubernetes.io/legacy-unknown';
/** Conditions that may only be True when present. */
const TRUE_ONLY_CONDITIONS = ['Approved', 'Denied', 'Failed'];
const ALL_STATUSES = ['False', 'True', 'Unknown'];

/** What an update path may do, and what earlier data the rules tolerate (Kubernetes' certificateValidationOptions). */
interface CsrOptions {
  allowSettingApprovalConditions: boolean;
  allowSettingCertificate: boolean;
  allowBothApprovedAndDenied: boolean;
  allowLegacySignerName: boolean;
  allowDuplicateConditionTypes: boolean;
  allowEmptyConditionType: boolean;
  allowArbitraryCertificate: boolean;
  allowUnknownUsages: boolean;
  allowDuplicateUsages: boolean;
}

/** The bytes of a []byte field (base64 in JSON); undefined when it is not valid base64. */
function bytesOf(value: unknown): Buffer | undefined {
  if (value === undefined || value === null) return Buffer.alloc(0);
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return undefined;
  return Buffer.from(value, 'base64');
}

/** A []byte as Go's %#v prints it. */
function goBytes(bytes: Buffer): GoValue {
  return new GoValue(bytes.length === 0 ? '[]byte(nil)' : `[]byte{${[...bytes].map((b) => `0x${b.toString(16)}`).join(', ')}}`);
}

function conditionsOf(obj: Rec): Rec[] {
  const status = obj.status;
  if (!status || typeof status !== 'object' || !Array.isArray((status as Rec).conditions)) return [];
  return ((status as Rec).conditions as unknown[]).filter((c): c is Rec => !!c && typeof c === 'object');
}

function certificateOf(obj: Rec): Buffer {
  const status = obj.status && typeof obj.status === 'object' ? (obj.status as Rec) : {};
  return bytesOf(status.certificate) ?? Buffer.from(String(status.certificate));
}

function usagesOf(obj: Rec): unknown[] {
  const spec = obj.spec && typeof obj.spec === 'object' ? (obj.spec as Rec) : {};
  return Array.isArray(spec.usages) ? spec.usages : [];
}

function signerNameOf(obj: Rec): unknown {
  return obj.spec && typeof obj.spec === 'object' ? (obj.spec as Rec).signerName : undefined;
}

/** Kubernetes' ValidateSignerName: "<domain with two or more labels>/<path of subdomains>". */
export function validateSignerName(errs: Errs, signerName: string, path: FieldPath): void {
  if (signerName === '') {
    errs.add(fieldErrors.required(path.toString(), ''));
    return;
  }
  const segments = signerName.split('/');
  if (segments.length !== 2) {
    errs.invalid(path, signerName, ["must be a fully qualified domain and path of the form 'example.com/signer-name'"]);
    return;
  }
  const [domain, rest] = segments as [string, string];
  if (rest.length === 0) errs.invalid(path, signerName, ['validating path: must not be empty']);
  if (domain.length > DNS1123_SUBDOMAIN_MAX) errs.add(fieldErrors.tooLong(path.toString(), DNS1123_SUBDOMAIN_MAX));
  const labels = domain.split('.');
  for (const label of labels) {
    const problems = isDNS1123Label(label);
    if (problems.length > 0) {
      errs.invalid(
        path,
        domain,
        problems.map((p) => `validating label ${JSON.stringify(label)}: ${p}`),
      );
      break;
    }
  }
  if (labels.length < 2) errs.invalid(path, domain, ['should be a domain with at least two segments separated by dots']);
  for (const component of rest.split('.')) {
    if (rest.length === 0) break;
    errs.invalid(
      path,
      rest,
      isDNS1123Subdomain(component).map((p) => `validating component ${JSON.stringify(component)}: ${p}`),
    );
  }
}

function validateConditions(errs: Errs, obj: Rec, options: CsrOptions): void {
  const seen = new Set<string>();
  let approved = false;
  let denied = false;
  const status = rec(errs, obj, 'status', FieldPath.root());
  recList(errs, status, 'conditions', FieldPath.root('status')).forEach((condition, i) => {
    const p = CONDITIONS.index(i);
    const type = str(errs, condition, 'type', p);
    const value = str(errs, condition, 'status', p);
    if (!options.allowEmptyConditionType && type === '') errs.add(fieldErrors.required(p.child('type').toString(), ''));
    const allowed = TRUE_ONLY_CONDITIONS.includes(type) ? ['True'] : ALL_STATUSES;
    if (value === '') errs.add(fieldErrors.required(p.child('status').toString(), ''));
    else if (!allowed.includes(value)) errs.add(fieldErrors.notSupported(p.child('status').toString(), value, allowed));
    if (!options.allowBothApprovedAndDenied) {
      if (type === 'Approved') {
        approved = true;
        if (denied) errs.invalid(p.child('type'), type, ['Approved and Denied conditions are mutually exclusive']);
      } else if (type === 'Denied') {
        denied = true;
        if (approved) errs.invalid(p.child('type'), type, ['Approved and Denied conditions are mutually exclusive']);
      }
    }
    if (!options.allowDuplicateConditionTypes && seen.has(type)) errs.add(fieldErrors.duplicate(p.child('type').toString(), type));
    seen.add(type);
  });
}

function validateCsr(errs: Errs, obj: Rec, options: CsrOptions): void {
  validateObjectMeta(errs, obj, CSR_META);
  const spec = rec(errs, obj, 'spec', FieldPath.root()) ?? {};
  const request = bytesOf(spec.request);
  const problem = request ? certificateRequestProblem(request) : 'PEM block type must be CERTIFICATE REQUEST';
  if (problem) errs.invalid(SPEC.child('request'), request ? goBytes(request) : spec.request, [problem]);
  const usages = strList(errs, spec, 'usages', SPEC);
  if (usages.length === 0) errs.add(fieldErrors.required(SPEC.child('usages').toString(), ''));
  if (!options.allowUnknownUsages) {
    usages.forEach((usage, i) => {
      if (!KEY_USAGES.includes(usage)) errs.add(fieldErrors.notSupported(SPEC.child('usages').index(i).toString(), usage, KEY_USAGES));
    });
  }
  if (!options.allowDuplicateUsages) {
    const seen = new Set<string>();
    usages.forEach((usage, i) => {
      if (seen.has(usage)) errs.add(fieldErrors.duplicate(SPEC.child('usages').index(i).toString(), usage));
      seen.add(usage);
    });
  }
  const signerName = str(errs, spec, 'signerName', SPEC);
  if (!options.allowLegacySignerName && signerName === LEGACY_UNKNOWN_SIGNER) {
    errs.invalid(SPEC.child('signerName'), signerName, ['the legacy signerName is not allowed via this API version']);
  } else {
    validateSignerName(errs, signerName, SPEC.child('signerName'));
  }
  const expiration = optInt(errs, spec, 'expirationSeconds', SPEC);
  if (expiration !== undefined && expiration < 600) errs.invalid(SPEC.child('expirationSeconds'), expiration, ['may not specify a duration less than 600 seconds (10 minutes)']);
  validateConditions(errs, obj, options);
  if (!options.allowArbitraryCertificate) {
    const certificate = certificateChainProblem(certificateOf(obj));
    if (certificate) errs.invalid(CERTIFICATE, '<certificate data>', [certificate]);
  }
}

function hasDuplicates(values: readonly unknown[]): boolean {
  return new Set(values).size !== values.length;
}

function optionsFor(obj: Rec, old: Rec | undefined): CsrOptions {
  const oldConditions = old ? conditionsOf(old) : [];
  const oldTypes = oldConditions.map((c) => c.type);
  const oldUsages = old ? usagesOf(old) : [];
  const sameCertificate = old !== undefined && certificateOf(obj).equals(certificateOf(old));
  return {
    allowSettingApprovalConditions: false,
    allowSettingCertificate: false,
    allowBothApprovedAndDenied: oldTypes.includes('Approved') && oldTypes.includes('Denied'),
    allowLegacySignerName: old !== undefined && signerNameOf(old) === LEGACY_UNKNOWN_SIGNER,
    allowDuplicateConditionTypes: hasDuplicates(oldTypes),
    allowEmptyConditionType: oldTypes.some((t) => t === '' || t === undefined),
    allowArbitraryCertificate: sameCertificate || (old !== undefined && certificateChainProblem(certificateOf(old)) !== undefined),
    allowUnknownUsages: oldUsages.some((u) => typeof u !== 'string' || !KEY_USAGES.includes(u)),
    allowDuplicateUsages: hasDuplicates(oldUsages),
  };
}

export function validateCertificateSigningRequest(errs: Errs, obj: Rec): void {
  validateCsr(errs, obj, optionsFor(obj, undefined));
}

function conditionsOfType(obj: Rec, type: string): Rec[] {
  return conditionsOf(obj).filter((c) => c.type === type);
}

function validateCsrUpdate(errs: Errs, obj: Rec, old: Rec, options: CsrOptions): void {
  validateCsr(errs, obj, options);
  for (const type of ['Approved', 'Denied', 'Failed']) {
    if (conditionsOfType(obj, type).length < conditionsOfType(old, type).length) {
      errs.add(fieldErrors.forbidden(CONDITIONS.toString(), `updates may not remove a condition of type ${JSON.stringify(type)}`));
    }
  }
  if (!options.allowSettingApprovalConditions) {
    for (const type of ['Approved', 'Denied']) {
      const before = conditionsOfType(old, type);
      const after = conditionsOfType(obj, type);
      if (after.length > before.length) errs.add(fieldErrors.forbidden(CONDITIONS.toString(), `updates may not add a condition of type ${JSON.stringify(type)}`));
      else if (after.length === before.length && !isDeepStrictEqual(after, before)) {
        errs.add(fieldErrors.forbidden(CONDITIONS.toString(), `updates may not modify a condition of type ${JSON.stringify(type)}`));
      }
    }
  }
  if (!certificateOf(obj).equals(certificateOf(old))) {
    if (!options.allowSettingCertificate) errs.add(fieldErrors.forbidden(CERTIFICATE.toString(), 'updates may not set certificate content'));
    else if (certificateOf(old).length > 0) errs.add(fieldErrors.forbidden(CERTIFICATE.toString(), 'updates may not modify existing certificate content'));
  }
}

export function validateCertificateSigningRequestUpdate(errs: Errs, obj: Rec, old: Rec): void {
  validateCsrUpdate(errs, obj, old, optionsFor(obj, old));
}

export function validateCertificateSigningRequestStatusUpdate(errs: Errs, obj: Rec, old: Rec): void {
  validateCsrUpdate(errs, obj, old, { ...optionsFor(obj, old), allowSettingCertificate: true });
}

export function validateCertificateSigningRequestApprovalUpdate(errs: Errs, obj: Rec, old: Rec): void {
  validateCsrUpdate(errs, obj, old, { ...optionsFor(obj, old), allowSettingApprovalConditions: true });
}
