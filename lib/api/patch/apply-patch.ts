// PATCH bodies by Content-Type, as the apiserver dispatches them. Server-side apply
// (application/apply-patch+yaml) is merged by the resource's field manager
// (lib/api/field-manager); here its body is only decoded, and on a Scale it merges as a merge patch.
import type { ResourceInfo } from '../resources.js';
import { parse as parseYaml } from 'yaml';
import { toJsonValue } from '../json-value.js';
import { isPlainObject, type KubeObject } from '../object.js';
import { errors, failure, StatusError } from '../status.js';
import { fieldErrors } from '../field-errors.js';
import { applyJsonPatch } from './json-patch.js';
import { applyMergePatch } from './merge-patch.js';
import { PatchError, toStatusError } from './patch-errors.js';
import { kindDefinitionName } from '../openapi/type-names.js';
import { defaultPatchSchema } from './patch-strategies.js';
import { strategicMergePatch } from './strategic-merge-patch.js';
import { WorkBudget } from './work-budget.js';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

/** The PATCH content types served, in the order the apiserver lists them. */
export const PATCH_CONTENT_TYPES: readonly string[] = [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH];

/** "application/merge-patch+json; charset=utf-8" -> "application/merge-patch+json". */
export function patchTypeOf(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}

export function isSupportedPatchType(contentType: string): boolean {
  return PATCH_CONTENT_TYPES.includes(patchTypeOf(contentType));
}

export function unsupportedPatchType(): StatusError {
  return failure(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${PATCH_CONTENT_TYPES.join(', ')}`,
  );
}

/** Raw bodies are parsed here; anything else is taken as already-parsed JSON. */
function decodeBody(body: unknown): unknown {
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) return body;
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw errors.badRequest(`error decoding patch: ${(error as Error).message}`);
  }
  return toJsonValue(parsed, 'the patch');
}

/**
 * The object of a server-side apply body (YAML or JSON, already parsed or raw). It must be an
 * object and may not carry managedFields, as Kubernetes requires.
 */
export function decodeApplyConfiguration(body: unknown): KubeObject {
  let value = body;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    try {
      value = toJsonValue(parseYaml(text, { maxAliasCount: 100, logLevel: 'error' }), 'the patch');
    } catch (error) {
      throw errors.badRequest(`error decoding YAML: ${(error as Error).message}`);
    }
  }
  if (!isPlainObject(value)) throw errors.badRequest('error decoding YAML: the apply configuration must be an object');
  const config = value as KubeObject;
  if (config.metadata !== undefined && config.metadata !== null && !isPlainObject(config.metadata)) throw errors.badRequest('error decoding YAML: metadata must be an object');
  for (const field of ['apiVersion', 'kind'] as const) {
    if (config[field] !== undefined && typeof config[field] !== 'string') throw errors.badRequest(`error decoding YAML: ${field} must be a string`);
  }
  if (config.metadata?.managedFields !== undefined && config.metadata.managedFields !== null) throw errors.badRequest('metadata.managedFields must be nil');
  return config;
}

/**
 * Kubernetes decodes the patched JSON into the kind's type; a non-object cannot be one. The
 * result passes the same depth and size bounds as any request body (413 past 3 MiB).
 */
function asObject(result: unknown): KubeObject {
  const patched = toJsonValue(result, 'the patched object');
  if (isPlainObject(patched)) return patched as KubeObject;
  const detail = `json: cannot unmarshal ${Array.isArray(patched) ? 'array' : typeof patched} into Go value of type map[string]interface {}`;
  throw errors.invalid('', '', '', [fieldErrors.invalid('patch', JSON.stringify(patched), detail)]);
}

/**
 * Applies a PATCH body to an object and returns the patched copy; `original` is never changed.
 * `body` is the raw request body (string or bytes) or its parsed JSON. Failures throw the
 * StatusError the apiserver would answer with (400, 413, 415, 422; strategic-merge errors
 * Kubernetes leaves unclassified are 400). Each call has its own work budget.
 */
export function applyPatch(info: ResourceInfo, original: KubeObject, patchType: string, body: unknown): KubeObject {
  const type = patchTypeOf(patchType);
  if (!PATCH_CONTENT_TYPES.includes(type)) throw unsupportedPatchType();
  const patch = decodeBody(body);
  const document = original as Record<string, unknown>;
  const budget = new WorkBudget();
  try {
    switch (type) {
      case JSON_PATCH:
        return asObject(applyJsonPatch(document, patch, budget));
      case MERGE_PATCH:
      case APPLY_PATCH:
        return asObject(applyMergePatch(document, patch));
      default:
        return asObject(strategicMergePatch(document, patch, kindDefinitionName(info.group, info.version, info.kind), defaultPatchSchema(), budget));
    }
  } catch (error) {
    if (error instanceof PatchError) throw toStatusError(error);
    throw error;
  }
}
