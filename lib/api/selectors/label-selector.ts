// Label selectors as k8s.io/apimachinery/pkg/labels parses and matches them: the same lexer,
// the same grammar, the same normalised string form and the same error messages, so that
// `kubectl get -l` behaves and fails here as it does against a real apiserver.
import { errors } from '../status.js';
import { fieldErrors, formatFieldError } from '../field-errors.js';
import { isQualifiedName, isValidLabelValue } from '../names.js';

/** The operator names of k8s.io/apimachinery/pkg/selection. */
export type LabelOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  /** Empty for exists and !; one value for =, ==, !=, gt, lt; one or more for in and notin. */
  readonly values: readonly string[];
}

export type Labels = Readonly<Record<string, string>>;

export interface LabelSelector {
  /** Sorted by key, as the apiserver keeps them. */
  readonly requirements: readonly LabelRequirement[];
  matches(labels: Labels | null | undefined): boolean;
  /** True when the selector selects everything. */
  isEmpty(): boolean;
  /** True only for the selector of a missing (nil) metav1.LabelSelector, which selects nothing. */
  matchesNothing(): boolean;
  /** The normalised form, e.g. "app=web,tier in (a,b)". */
  toString(): string;
  /** The value a selector pins a key to (=, == or a one-value in), for index lookups. */
  requiresExactMatch(key: string): string | undefined;
}

const BINARY_OPERATORS: readonly LabelOperator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];

/** Errors carry Go's exact wording; callers decide what Status they become. */
export class LabelSelectorError extends Error {
  override name = 'LabelSelectorError';
}

// ---------------------------------------------------------------- requirements

function childPath(parent: string | undefined, name: string): string {
  return parent === undefined || parent === '' ? name : `${parent}.${name}`;
}

/** Go's %#v of a []string, which is how NewRequirement quotes a bad value set. */
function goStringSlice(values: readonly string[] | null): string {
  if (values === null) return '[]string(nil)';
  return `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;
}

function invalidSlice(path: string, values: readonly string[] | null, detail: string): string {
  return `${path}: Invalid value: ${goStringSlice(values)}: ${detail}`;
}

/** The message of a Go errors aggregate: one error alone, several in brackets, duplicates once. */
export function aggregateMessage(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`;
}

const GO_INT64_MIN = -(2n ** 63n);
const GO_INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64): an optional sign, decimal digits, within int64. */
export function parseGoInt64(text: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const value = BigInt(text);
  return value < GO_INT64_MIN || value > GO_INT64_MAX ? undefined : value;
}

function labelKeyErrors(key: string, path: string): string | undefined {
  const errs = isQualifiedName(key);
  return errs.length === 0 ? undefined : formatFieldError(fieldErrors.invalid(path, key, errs.join('; ')));
}

/**
 * labels.NewRequirement: validates key, operator arity and values. `values === null` stands
 * for a nil Go slice (only its printing differs). `path` undefined is a nil field path.
 */
export function newLabelRequirement(
  key: string,
  operator: LabelOperator,
  values: readonly string[] | null,
  path?: string,
): LabelRequirement {
  const messages: string[] = [];
  const keyError = labelKeyErrors(key, childPath(path, 'key'));
  if (keyError) messages.push(keyError);
  const valuesPath = childPath(path, 'values');
  const list = values ?? [];
  switch (operator) {
    case 'in':
    case 'notin':
      if (list.length === 0) messages.push(invalidSlice(valuesPath, values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (list.length !== 1) messages.push(invalidSlice(valuesPath, values, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (list.length !== 0) messages.push(invalidSlice(valuesPath, values, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (list.length !== 1) messages.push(invalidSlice(valuesPath, values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      list.forEach((value, i) => {
        if (parseGoInt64(value) === undefined) {
          messages.push(formatFieldError(fieldErrors.invalid(`${valuesPath}[${i}]`, value, "for 'Gt', 'Lt' operators, the value must be an integer")));
        }
      });
      break;
  }
  list.forEach((value, i) => {
    const errs = isValidLabelValue(value);
    if (errs.length > 0) messages.push(formatFieldError(fieldErrors.invalid(`${valuesPath}[${i}][${key}]`, value, errs.join('; '))));
  });
  if (messages.length > 0) throw new LabelSelectorError(aggregateMessage(messages));
  return { key, operator, values: [...list] };
}

export function requirementMatches(requirement: LabelRequirement, labels: Labels): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, requirement.key);
  const value = has ? labels[requirement.key] : undefined;
  switch (requirement.operator) {
    case 'in':
    case '=':
    case '==':
      return has && requirement.values.includes(value!);
    case 'notin':
    case '!=':
      return !has || !requirement.values.includes(value!);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || requirement.values.length !== 1) return false;
      const actual = parseGoInt64(value!);
      const bound = parseGoInt64(requirement.values[0]!);
      if (actual === undefined || bound === undefined) return false;
      return requirement.operator === 'gt' ? actual > bound : actual < bound;
    }
  }
}

const OPERATOR_TEXT: Record<LabelOperator, string> = {
  '=': '=',
  '==': '==',
  '!=': '!=',
  in: ' in ',
  notin: ' notin ',
  gt: '>',
  lt: '<',
  exists: '',
  '!': '',
};

export function requirementToString(requirement: LabelRequirement): string {
  const { key, operator, values } = requirement;
  if (operator === 'exists') return key;
  if (operator === '!') return `!${key}`;
  const list = values.length === 1 ? values[0]! : [...values].sort().join(',');
  const valueText = operator === 'in' || operator === 'notin' ? `(${list})` : list;
  return `${key}${OPERATOR_TEXT[operator]}${valueText}`;
}

// ---------------------------------------------------------------- selectors

function byKey(a: LabelRequirement, b: LabelRequirement): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

class RequirementsSelector implements LabelSelector {
  readonly requirements: readonly LabelRequirement[];

  constructor(requirements: readonly LabelRequirement[]) {
    // Array.prototype.sort is stable, like Go's insertion sort on the short lists selectors have.
    this.requirements = Object.freeze([...requirements].sort(byKey));
  }

  matches(labels: Labels | null | undefined): boolean {
    const set = labels ?? {};
    return this.requirements.every((r) => requirementMatches(r, set));
  }

  isEmpty(): boolean {
    return this.requirements.length === 0;
  }

  matchesNothing(): boolean {
    return false;
  }

  toString(): string {
    return this.requirements.map(requirementToString).join(',');
  }

  requiresExactMatch(key: string): string | undefined {
    const found = this.requirements.find((r) => r.key === key);
    if (!found) return undefined;
    const pins = found.operator === '=' || found.operator === '==' || found.operator === 'in';
    return pins && found.values.length === 1 ? found.values[0] : undefined;
  }
}

const NOTHING: LabelSelector = Object.freeze({
  requirements: Object.freeze([]) as readonly LabelRequirement[],
  matches: () => false,
  isEmpty: () => false,
  matchesNothing: () => true,
  toString: () => '',
  requiresExactMatch: () => undefined,
});

const EVERYTHING: LabelSelector = new RequirementsSelector([]);

export function everythingSelector(): LabelSelector {
  return EVERYTHING;
}

export function nothingSelector(): LabelSelector {
  return NOTHING;
}

/** A selector from already-valid requirements (sorted by key on the way in). */
export function labelSelectorOf(requirements: readonly LabelRequirement[]): LabelSelector {
  return requirements.length === 0 ? EVERYTHING : new RequirementsSelector(requirements);
}

/** labels.SelectorFromSet: key=value for every entry; an empty or missing set selects everything. */
export function labelSelectorFromSet(set: Labels | null | undefined): LabelSelector {
  if (!set) return EVERYTHING;
  return labelSelectorOf(Object.entries(set).map(([key, value]) => ({ key, operator: '=' as const, values: [value] })));
}

// ---------------------------------------------------------------- lexer

type Token =
  | 'error'
  | 'end'
  | 'closedPar'
  | 'comma'
  | 'doesNotExist'
  | 'doubleEquals'
  | 'equals'
  | 'greaterThan'
  | 'identifier'
  | 'in'
  | 'lessThan'
  | 'notEquals'
  | 'notIn'
  | 'openPar';

const STRING_TO_TOKEN: ReadonlyMap<string, Token> = new Map<string, Token>([
  [')', 'closedPar'],
  [',', 'comma'],
  ['!', 'doesNotExist'],
  ['==', 'doubleEquals'],
  ['=', 'equals'],
  ['>', 'greaterThan'],
  ['in', 'in'],
  ['<', 'lessThan'],
  ['!=', 'notEquals'],
  ['notin', 'notIn'],
  ['(', 'openPar'],
]);

interface ScannedItem {
  token: Token;
  literal: string;
}

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

function isSpecialSymbol(ch: string): boolean {
  return ch === '=' || ch === '!' || ch === '(' || ch === ')' || ch === ',' || ch === '>' || ch === '<';
}

/** Reads the string as Go's lexer does; a NUL character ends it, as Go's 0 byte does. */
class Lexer {
  private pos = 0;

  constructor(private readonly text: string) {}

  private read(): string {
    return this.pos < this.text.length ? this.text[this.pos++]! : '\0';
  }

  private unread(): void {
    this.pos--;
  }

  lex(): ScannedItem {
    let ch = this.read();
    while (isWhitespace(ch)) ch = this.read();
    if (ch === '\0') return { token: 'end', literal: '' };
    this.unread();
    return isSpecialSymbol(ch) ? this.scanSpecialSymbol() : this.scanIdentifierOrKeyword();
  }

  private scanIdentifierOrKeyword(): ScannedItem {
    let buffer = '';
    for (;;) {
      const ch = this.read();
      if (ch === '\0') break;
      if (isSpecialSymbol(ch) || isWhitespace(ch)) {
        this.unread();
        break;
      }
      buffer += ch;
    }
    return { token: STRING_TO_TOKEN.get(buffer) ?? 'identifier', literal: buffer };
  }

  private scanSpecialSymbol(): ScannedItem {
    let last: ScannedItem | undefined;
    let buffer = '';
    for (;;) {
      const ch = this.read();
      if (ch === '\0') break;
      if (!isSpecialSymbol(ch)) {
        this.unread();
        break;
      }
      buffer += ch;
      const token = STRING_TO_TOKEN.get(buffer);
      if (token) {
        last = { token, literal: buffer };
      } else if (last) {
        this.unread();
        break;
      }
    }
    return last ?? { token: 'error', literal: `error expected: keyword found '${buffer}'` };
  }
}

// ---------------------------------------------------------------- parser

type Context = 'keyAndOperator' | 'values';

class Parser {
  private readonly items: ScannedItem[] = [];
  private position = 0;

  constructor(text: string) {
    const lexer = new Lexer(text);
    for (;;) {
      const item = lexer.lex();
      this.items.push(item);
      if (item.token === 'end') break;
    }
  }

  /** In value context the keywords in and notin are plain identifiers. */
  private view(item: ScannedItem, context: Context): ScannedItem {
    if (context === 'values' && (item.token === 'in' || item.token === 'notIn')) return { token: 'identifier', literal: item.literal };
    return item;
  }

  private lookahead(context: Context): ScannedItem {
    return this.view(this.items[this.position]!, context);
  }

  private consume(context: Context): ScannedItem {
    return this.view(this.items[this.position++]!, context);
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const { token, literal } = this.lookahead('values');
      if (token === 'identifier' || token === 'doesNotExist') {
        let requirement: LabelRequirement;
        try {
          requirement = this.parseRequirement();
        } catch (error) {
          if (error instanceof LabelSelectorError) throw new LabelSelectorError(`unable to parse requirement: ${error.message}`);
          throw error;
        }
        requirements.push(requirement);
        const next = this.consume('values');
        if (next.token === 'end') return requirements;
        if (next.token !== 'comma') throw new LabelSelectorError(`found '${next.literal}', expected: ',' or 'end of string'`);
        const after = this.lookahead('values');
        if (after.token !== 'identifier' && after.token !== 'doesNotExist') {
          throw new LabelSelectorError(`found '${after.literal}', expected: identifier after ','`);
        }
      } else if (token === 'end') {
        return requirements;
      } else {
        throw new LabelSelectorError(`found '${literal}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private parseRequirement(): LabelRequirement {
    const { key, operator } = this.parseKeyAndInferOperator();
    if (operator === 'exists' || operator === '!') return newLabelRequirement(key, operator, []);
    const binary = this.parseOperator();
    const values = binary === 'in' || binary === 'notin' ? this.parseValues() : this.parseExactValue();
    return newLabelRequirement(key, binary, [...values].sort());
  }

  private parseKeyAndInferOperator(): { key: string; operator: LabelOperator | undefined } {
    let operator: LabelOperator | undefined;
    let item = this.consume('values');
    if (item.token === 'doesNotExist') {
      operator = '!';
      item = this.consume('values');
    }
    if (item.token !== 'identifier') throw new LabelSelectorError(`found '${item.literal}', expected: identifier`);
    // The parser's own field path is nil, which Go prints as "<nil>".
    const keyError = labelKeyErrors(item.literal, '<nil>');
    if (keyError) throw new LabelSelectorError(keyError);
    const next = this.lookahead('values').token;
    if ((next === 'end' || next === 'comma') && operator !== '!') operator = 'exists';
    return { key: item.literal, operator };
  }

  private parseOperator(): LabelOperator {
    const { token, literal } = this.consume('keyAndOperator');
    switch (token) {
      case 'in':
        return 'in';
      case 'equals':
        return '=';
      case 'doubleEquals':
        return '==';
      case 'greaterThan':
        return 'gt';
      case 'lessThan':
        return 'lt';
      case 'notIn':
        return 'notin';
      case 'notEquals':
        return '!=';
      default:
        throw new LabelSelectorError(`found '${literal}', expected: ${BINARY_OPERATORS.join(', ')}`);
    }
  }

  private parseValues(): Set<string> {
    const open = this.consume('values');
    if (open.token !== 'openPar') throw new LabelSelectorError(`found '${open.literal}' expected: '('`);
    const { token, literal } = this.lookahead('values');
    if (token === 'identifier' || token === 'comma') {
      const values = this.parseIdentifiersList();
      if (this.consume('values').token !== 'closedPar') throw new LabelSelectorError(`found '${literal}', expected: ')'`);
      return values;
    }
    if (token === 'closedPar') {
      this.consume('values');
      return new Set(['']);
    }
    throw new LabelSelectorError(`found '${literal}', expected: ',', ')' or identifier`);
  }

  /** A list of comma-separated, possibly empty, identifiers: "(a,,b)" holds a, "" and b. */
  private parseIdentifiersList(): Set<string> {
    const values = new Set<string>();
    for (;;) {
      const { token, literal } = this.consume('values');
      if (token === 'identifier') {
        values.add(literal);
        const next = this.lookahead('values');
        if (next.token === 'comma') continue;
        if (next.token === 'closedPar') return values;
        throw new LabelSelectorError(`found '${next.literal}', expected: ',' or ')'`);
      }
      if (token === 'comma') {
        if (values.size === 0) values.add('');
        const next = this.lookahead('values').token;
        if (next === 'closedPar') {
          values.add('');
          return values;
        }
        if (next === 'comma') {
          this.consume('values');
          values.add('');
        }
        continue;
      }
      throw new LabelSelectorError(`found '${literal}', expected: ',', or identifier`);
    }
  }

  private parseExactValue(): Set<string> {
    const next = this.lookahead('values').token;
    if (next === 'end' || next === 'comma') return new Set(['']);
    const { token, literal } = this.consume('values');
    if (token === 'identifier') return new Set([literal]);
    throw new LabelSelectorError(`found '${literal}', expected: identifier`);
  }
}

/** Parses a selector; the error message is Go's, e.g. "unable to parse requirement: ...". */
export function parseLabelSelectorOrError(text: string): LabelSelector {
  return labelSelectorOf(new Parser(text).parse());
}

/**
 * Parses a labelSelector query parameter. A malformed selector throws the 400 BadRequest
 * Status the apiserver answers with.
 */
export function parseLabelSelector(text: string): LabelSelector {
  try {
    return parseLabelSelectorOrError(text);
  } catch (error) {
    if (error instanceof LabelSelectorError) throw errors.badRequest(error.message);
    throw error;
  }
}
