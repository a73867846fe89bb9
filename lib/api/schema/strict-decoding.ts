// Server-side field validation for request bodies (the fieldValidation query parameter).
// Unknown fields are always dropped, as decoding into Kubernetes' Go types drops them; Strict
// also fails on them and on duplicate fields, Warn (Kubernetes' default) reports each as a
// Warning header, Ignore says nothing. Values of the wrong type fail the request in every
// mode, as they fail Kubernetes' decoder. Messages are worded as the Kubernetes apiserver
// words them, so kubectl prints what users know:
//   Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo"
//   Warning: unknown field "spec.foo"
import { loadServedDefinitions } from '../openapi/load.js';
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
  defaultDecoder ??= new StrictDecoder(loadServedDefinitions());
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

/** What one character of a warning becomes in the header: itself, or a \\-escape. */
function escapeWarningChar(c: string): string {
  if (c === '\\' || c === '"') return `\\${c}`;
  if (/^[\t\x20-\x7e]$/.test(c)) return c;
  // Each UTF-16 unit of characters outside printable ASCII (an emoji takes two).
  return [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');
}

/**
 * The value of a Warning response header carrying `text` (RFC 7234 warn-code 299, agent "-").
 * Field names in the text are a client's, so it may hold any character, and Node refuses control
 * characters and characters above U+00FF in a header (and writes the others as UTF-8 or Latin-1
 * depending on the body): every character outside printable ASCII is written as a \uXXXX escape,
 * as in the JSON-quoted field names around it.
 */
export function warningHeader(text: string): string {
  return `299 - "${escapedPrefix(text, Number.POSITIVE_INFINITY)}"`;
}

/** kube-apiserver's warning recorder: 4 Ki characters of warnings in all, then 256 per warning. */
const WARNINGS_TOTAL = 4 * 1024;
const WARNING_ITEM = 256;

/** The text as the header writes it, cut (between characters) to at most `max` characters of escaped text. */
function escapedPrefix(text: string, max: number): string {
  let out = '';
  for (const c of text) {
    const escaped = escapeWarningChar(c);
    if (out.length + escaped.length > max) break;
    out += escaped;
  }
  return out;
}

/**
 * The Warning header values of one response, bounded as kube-apiserver bounds them (a field name
 * can be megabytes long, and HTTP clients refuse headers past 16 KiB or so): each text once, in
 * order; once the texts pass 4,096 characters in all, every warning is cut to 256 characters and
 * those past the total are left out. Characters are counted as the header writes them (escaped).
 */
export function warningHeaders(texts: readonly string[]): string[] {
  const recorded: string[] = [];
  let values: string[] = [];
  let written = 0;
  let truncating = false;
  for (const text of texts) {
    if (text === '' || (truncating && written >= WARNINGS_TOTAL) || recorded.includes(text)) continue;
    recorded.push(text);
    const escaped = escapedPrefix(text, truncating ? WARNING_ITEM : Number.POSITIVE_INFINITY);
    if (truncating || written + escaped.length <= WARNINGS_TOTAL) {
      values.push(`299 - "${escaped}"`);
      written += escaped.length;
      continue;
    }
    // Past the total for the first time: every warning so far is written again, cut short.
    truncating = true;
    const cut = recorded.map((earlier) => escapedPrefix(earlier, WARNING_ITEM));
    values = cut.map((item) => `299 - "${item}"`);
    written = cut.reduce((sum, item) => sum + item.length, 0);
  }
  return values;
}
