// Query parameters and bodies of writes: dryRun, fieldValidation, fieldManager and DeleteOptions,
// validated with the messages Kubernetes gives.
import { isPlainObject } from '../../../lib/api/object.js';
import { errors } from '../../../lib/api/status.js';
import { fieldErrors, type FieldError } from '../../../lib/api/field-errors.js';
import type { DeleteOptions } from '../registry/resource-store.js';
import { checkKind, type FieldValidation } from '../../../lib/api/schema/strict-decoding.js';

const DELETE_OPTIONS = { group: 'meta.k8s.io', version: 'v1', kind: 'DeleteOptions' };

export interface WriteParams {
  dryRun: boolean;
  fieldValidation: FieldValidation;
  fieldManager: string | undefined;
}

function values(query: Record<string, unknown>, name: string): string[] {
  const value = query[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

export function parseWriteParams(query: Record<string, unknown>): WriteParams {
  const dryRun = values(query, 'dryRun');
  for (const value of dryRun) {
    if (value !== 'All') throw errors.badRequest(`Invalid dry run value: ${JSON.stringify(value)}: supported values: "All"`);
  }
  const validation = values(query, 'fieldValidation').at(-1) ?? 'Warn';
  const normalized = { strict: 'Strict', warn: 'Warn', ignore: 'Ignore' }[validation.toLowerCase()] as FieldValidation | undefined;
  if (!normalized) {
    throw errors.badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got: ${JSON.stringify(validation)}`);
  }
  const fieldManager = values(query, 'fieldManager').at(-1);
  if (fieldManager !== undefined && fieldManager.length > 128) throw errors.badRequest('fieldManager: Too long: may not be more than 128 bytes');
  return { dryRun: dryRun.length > 0, fieldValidation: normalized, fieldManager };
}

/**
 * PatchOptions beyond the write parameters: `force` (apply only), and the fieldManager apply
 * requires — both 422s worded as Kubernetes words them.
 */
export function parsePatchOptions(query: Record<string, unknown>, apply: boolean): { force: boolean } {
  const force = values(query, 'force').at(-1);
  const found: FieldError[] = [];
  if (!apply && force !== undefined) found.push(fieldErrors.forbidden('force', 'may not be specified for non-apply patch'));
  if (apply && (values(query, 'fieldManager').at(-1) ?? '') === '') found.push(fieldErrors.required('fieldManager', 'is required for apply patch'));
  if (found.length > 0) throw errors.invalid('PatchOptions', 'meta.k8s.io', '', found);
  if (force !== undefined && force !== 'true' && force !== 'false') throw errors.badRequest(`force: invalid value ${JSON.stringify(force)}: must be true or false`);
  return { force: force === 'true' };
}

const POLICIES = new Set(['Orphan', 'Background', 'Foreground']);

/** DeleteOptions from the body (kubectl sends one) overlaid by query parameters. */
export function parseDeleteOptions(query: Record<string, unknown>, body: unknown): DeleteOptions {
  const params = parseWriteParams(query);
  const options: DeleteOptions = { dryRun: params.dryRun };
  if (body !== undefined && body !== null && body !== '') {
    if (!isPlainObject(body)) throw errors.badRequest('the request body must be a DeleteOptions object');
    // Decoded as Kubernetes decodes it (not strictly): unknown fields go, wrong types are a 400,
    // so a malformed precondition can never be mistaken for no precondition.
    const decoded = checkKind(DELETE_OPTIONS, body, 'Ignore');
    if (decoded.message !== undefined) throw errors.badRequest(decoded.message);
    if (Array.isArray(body.dryRun) && body.dryRun.length > 0) {
      if (body.dryRun.some((v) => v !== 'All')) throw errors.badRequest('Invalid dry run value: supported values: "All"');
      options.dryRun = true;
    }
    if (body.gracePeriodSeconds !== undefined && body.gracePeriodSeconds !== null) {
      if (typeof body.gracePeriodSeconds !== 'number' || !Number.isInteger(body.gracePeriodSeconds)) {
        throw errors.badRequest('gracePeriodSeconds must be an integer');
      }
      options.gracePeriodSeconds = body.gracePeriodSeconds;
    }
    if (body.propagationPolicy !== undefined && body.propagationPolicy !== null) {
      if (typeof body.propagationPolicy !== 'string' || !POLICIES.has(body.propagationPolicy)) {
        throw errors.badRequest(`propagationPolicy: Unsupported value: ${JSON.stringify(body.propagationPolicy)}: supported values: "Foreground", "Background", "Orphan"`);
      }
      options.propagationPolicy = body.propagationPolicy as DeleteOptions['propagationPolicy'];
    }
    if (body.orphanDependents === true) options.propagationPolicy ??= 'Orphan';
    if (isPlainObject(body.preconditions)) {
      const { uid, resourceVersion } = body.preconditions;
      options.preconditions = {};
      if (typeof uid === 'string') options.preconditions.uid = uid;
      if (typeof resourceVersion === 'string') options.preconditions.resourceVersion = resourceVersion;
    }
  }
  const grace = values(query, 'gracePeriodSeconds').at(-1);
  if (grace !== undefined) {
    if (!/^-?\d+$/.test(grace)) throw errors.badRequest(`gracePeriodSeconds must be an integer, got ${JSON.stringify(grace)}`);
    options.gracePeriodSeconds = Number(grace);
  }
  const policy = values(query, 'propagationPolicy').at(-1);
  if (policy !== undefined) {
    if (!POLICIES.has(policy)) throw errors.badRequest(`propagationPolicy: Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan"`);
    options.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
  }
  if (values(query, 'orphanDependents').at(-1) === 'true') options.propagationPolicy ??= 'Orphan';
  return options;
}
