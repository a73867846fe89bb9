// Field selectors as k8s.io/apimachinery/pkg/fields parses and matches them: comma-separated
// terms "field=value", "field==value" or "field!=value", with \, \= and \\ escapes in values.
import { errors } from '../status.js';

export interface FieldRequirement {
  readonly field: string;
  /** "==" is read as "=", as the apiserver does. */
  readonly operator: '=' | '!=';
  readonly value: string;
}

export type Fields = Readonly<Record<string, string>>;

export interface FieldSelector {
  /** In the order the apiserver keeps them: the terms' texts sorted. */
  readonly requirements: readonly FieldRequirement[];
  /** A missing field reads as the empty string, as in Kubernetes. */
  matches(fields: Fields): boolean;
  isEmpty(): boolean;
  toString(): string;
  /** The value a selector pins a field to, for index lookups (e.g. spec.nodeName). */
  requiresExactMatch(field: string): string | undefined;
}

export class FieldSelectorError extends Error {
  override name = 'FieldSelectorError';
}

/** Backslash-escapes the characters that delimit selectors. */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (ch) => `\\${ch}`);
}

/** fields.UnescapeValue, with its errors' wording (Go prints the offending rune as a number). */
export function unescapeFieldValue(text: string): string {
  if (!/[\\,=]/.test(text)) return text;
  let out = '';
  let inSlash = false;
  for (const ch of text) {
    if (inSlash) {
      if (ch !== '\\' && ch !== ',' && ch !== '=') {
        throw new FieldSelectorError(`invalid field selector: invalid escape sequence: \\${ch}`);
      }
      out += ch;
      inSlash = false;
    } else if (ch === '\\') {
      inSlash = true;
    } else if (ch === ',' || ch === '=') {
      throw new FieldSelectorError(`invalid field selector: unescaped character in value: ${ch.codePointAt(0)}`);
    } else {
      out += ch;
    }
  }
  if (inSlash) throw new FieldSelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Splits on commas that are not escaped; the escapes stay in the terms. */
function splitTerms(text: string): string[] {
  if (text.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inSlash) inSlash = false;
    else if (ch === '\\') inSlash = true;
    else if (ch === ',') {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

const TERM_OPERATORS = ['!=', '==', '='] as const;

/** The first operator occurrence splits a term; field names cannot be escaped. */
function splitTerm(term: string): { field: string; operator: (typeof TERM_OPERATORS)[number]; rawValue: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const operator of TERM_OPERATORS) {
      if (term.startsWith(operator, i)) return { field: term.slice(0, i), operator, rawValue: term.slice(i + operator.length) };
    }
  }
  return undefined;
}

class TermsSelector implements FieldSelector {
  constructor(readonly requirements: readonly FieldRequirement[]) {
    Object.freeze(this.requirements);
  }

  matches(fields: Fields): boolean {
    return this.requirements.every((r) => {
      const actual = Object.prototype.hasOwnProperty.call(fields, r.field) ? fields[r.field] : '';
      return r.operator === '=' ? actual === r.value : actual !== r.value;
    });
  }

  isEmpty(): boolean {
    return this.requirements.length === 0;
  }

  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',');
  }

  requiresExactMatch(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator === '=')?.value;
  }
}

export function fieldSelectorOf(requirements: readonly FieldRequirement[]): FieldSelector {
  return new TermsSelector([...requirements]);
}

/** Parses a selector; the error message is Go's, e.g. "invalid selector: 'x'; can't understand 'x'". */
export function parseFieldSelectorOrError(text: string): FieldSelector {
  const parts = splitTerms(text).sort();
  const requirements: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (!split) throw new FieldSelectorError(`invalid selector: '${text}'; can't understand '${part}'`);
    const value = unescapeFieldValue(split.rawValue);
    requirements.push({ field: split.field, operator: split.operator === '!=' ? '!=' : '=', value });
  }
  return fieldSelectorOf(requirements);
}

/** Parses a fieldSelector query parameter; a malformed one throws the 400 BadRequest Status. */
export function parseFieldSelector(text: string): FieldSelector {
  try {
    return parseFieldSelectorOrError(text);
  } catch (error) {
    if (error instanceof FieldSelectorError) throw errors.badRequest(error.message);
    throw error;
  }
}
