// Server-side field validation for request bodies (the fieldValidation query parameter).
// Unknown fields are always dropped, as decoding into Kubernetes' Go types drops them; Strict
// also fails on them and on duplicate fields, Warn (Kubernetes' default) reports each as a
// Warning header, Ignore says nothing. Values of the wrong type fail the request in every
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
  /** What fails the request with 400 BadRequest: one decode error, or (Strict) every unknown and duplicate field. */
  errors: string[];
  /** Warn mode: `unknown field "..."` and `duplicate field "..."`, one Warning header each. */
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

  /**
   * Decodes `obj` as the kind, dropping its unknown fields in place. `duplicates` are the
   * body's `duplicate field` findings (duplicate-fields.ts), when it was JSON text.
   */
  check(gvk: GroupVersionKind, obj: unknown, mode: FieldValidation, duplicates: readonly string[] = []): CheckResult {
    const definition = kindDefinitionName(gvk.group, gvk.version, gvk.kind);
    if (!this.decoder.has(definition)) throw new Error(`no schema for ${gvk.kind} in ${gvk.group || 'core'}/${gvk.version}`);
    const findings = this.decoder.decode(definition, obj);
    // A decode error hides the strict findings, as in sigs.k8s.io/json.
    if (findings.typeError !== undefined) return failed(gvk, [findings.typeError], findings.typeError);
    const strict = [...duplicates, ...findings.unknownFields];
    if (strict.length === 0 || mode === 'Ignore') return { errors: [], warnings: [] };
    if (mode === 'Warn') return { errors: [], warnings: strict };
    return failed(gvk, strict, `strict decoding error: ${strict.join(', ')}`);
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

/** Decodes a body sent to `info`'s resource (create, update, a patch's result) as its kind. */
export function checkObject(info: ResourceInfo, obj: unknown, mode: FieldValidation, duplicates?: readonly string[]): CheckResult {
  return defaultStrictDecoder().check(info, obj, mode, duplicates);
}

/** Decodes a body of any published kind: Scale, Binding, DeleteOptions. */
export function checkKind(gvk: GroupVersionKind, obj: unknown, mode: FieldValidation, duplicates?: readonly string[]): CheckResult {
  return defaultStrictDecoder().check(gvk, obj, mode, duplicates);
}

/**
 * The value of a Warning response header carrying `text` (RFC 7234 warn-code 299, agent "-").
 * Field names in the text are a client's, so it may hold any character, and Node refuses control
 * characters and characters above U+00FF in a header (and writes the others as UTF-8 or Latin-1
 * depending on the body): every character outside printable ASCII is written as a \uXXXX escape,
 * as in the JSON-quoted field names around it.
 */
export function warningHeader(text: string): string {
  const quoted = text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[^\t\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `299 - "${quoted}"`;
}
