// Server-side field validation for request bodies (the fieldValidation query parameter):
// Strict fails on unknown fields, Warn (Kubernetes' default) reports each as a Warning
// header, Ignore drops them silently. Values of the wrong type fail the request in every
// mode, as they fail Kubernetes' decoder. Messages are worded as the Kubernetes apiserver
// words them, so kubectl prints what users know:
//   Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo"
//   Warning: unknown field "spec.foo"
import { defaultOpenApiDir } from '../openapi/files.js';
import { loadDefinitions } from '../openapi/load.js';
import type { Definitions, GroupVersionKind } from '../openapi/schema.js';
import { kindDefinitionName } from '../openapi/type-names.js';
import type { ResourceInfo } from '../resources.js';
import { Decoder } from './decoder.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface CheckResult {
  /** What fails the request with 400 BadRequest: one decode error, or (Strict) every unknown field. */
  errors: string[];
  /** Warn mode: `unknown field "..."`, one Warning header each. */
  warnings: string[];
  /** When `errors` is not empty: the whole BadRequest message, as Kubernetes writes it. */
  message?: string;
}

/** Checks bodies against one set of definitions; compiled per kind on first use. */
export class StrictDecoder {
  private readonly decoder: Decoder;

  constructor(definitions: Definitions) {
    this.decoder = new Decoder(definitions);
  }

  check(gvk: GroupVersionKind, obj: unknown, mode: FieldValidation): CheckResult {
    const definition = kindDefinitionName(gvk.group, gvk.version, gvk.kind);
    if (!this.decoder.has(definition)) throw new Error(`no schema for ${gvk.kind} in ${gvk.group || 'core'}/${gvk.version}`);
    const findings = this.decoder.decode(definition, obj);
    // A decode error hides the strict findings, as in sigs.k8s.io/json.
    if (findings.typeError !== undefined) return failed(gvk, [findings.typeError], findings.typeError);
    if (findings.unknownFields.length === 0 || mode === 'Ignore') return { errors: [], warnings: [] };
    if (mode === 'Warn') return { errors: [], warnings: findings.unknownFields };
    return failed(gvk, findings.unknownFields, `strict decoding error: ${findings.unknownFields.join(', ')}`);
  }
}

function failed(gvk: GroupVersionKind, errors: string[], cause: string): CheckResult {
  return { errors, warnings: [], message: `${gvk.kind} in version ${JSON.stringify(gvk.version)} cannot be handled as a ${gvk.kind}: ${cause}` };
}

let defaultDecoder: StrictDecoder | undefined;

/** The decoder over the generated definitions in dist/openapi, loaded on first use. */
export function defaultStrictDecoder(): StrictDecoder {
  defaultDecoder ??= new StrictDecoder(loadDefinitions(defaultOpenApiDir()));
  return defaultDecoder;
}

/** Checks a body sent to `info`'s resource (create, update) against its kind. */
export function checkObject(info: ResourceInfo, obj: unknown, mode: FieldValidation): CheckResult {
  return defaultStrictDecoder().check(info, obj, mode);
}

/** Checks a body of any published kind: Scale, Binding, DeleteOptions. */
export function checkKind(gvk: GroupVersionKind, obj: unknown, mode: FieldValidation): CheckResult {
  return defaultStrictDecoder().check(gvk, obj, mode);
}

/** The value of a Warning response header carrying `text` (RFC 7234 warn-code 299, agent "-"). */
export function warningHeader(text: string): string {
  return `299 - "${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
