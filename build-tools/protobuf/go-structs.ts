// Reads the Go API structs (types.go and friends) for the facts of lib/api/protobuf/go-fields.ts.
// A struct field is tied to its proto field by the number in its `protobuf:"..."` tag.
import type { GoField } from '../../lib/api/protobuf/go-fields.js';

/** Go struct name → proto field number → facts. */
export type GoStructFields = Map<string, Map<number, GoField>>;

const STRUCT_START = /^type\s+([A-Z]\w*)\s+struct\s*\{\s*$/;
// An optional field name, a type (no spaces or backticks), then the tag literal.
const FIELD = /^\s*(?:([A-Za-z_]\w*)\s+)?([^\s`]+)\s+`([^`]*)`/;

function tagValue(tags: string, key: string): string | undefined {
  const match = new RegExp(`(?:^|\\s)${key}:"([^"]*)"`).exec(tags);
  return match?.[1];
}

/** Parses one Go source file; only fields with a protobuf tag are kept. */
export function parseGoStructs(source: string, into: GoStructFields = new Map()): GoStructFields {
  let current: Map<number, GoField> | undefined;
  for (const line of source.split('\n')) {
    if (current === undefined) {
      const start = STRUCT_START.exec(line);
      if (start) {
        current = new Map();
        into.set(start[1]!, current);
      }
      continue;
    }
    if (/^\}/.test(line)) {
      current = undefined;
      continue;
    }
    if (/^\s*\/\//.test(line)) continue;
    const field = FIELD.exec(line);
    if (!field) continue;
    const [, name, goType, tags] = field as unknown as [string, string | undefined, string, string];
    const protobuf = tagValue(tags, 'protobuf');
    if (protobuf === undefined || protobuf === '-') continue;
    const number = Number(protobuf.split(',')[1]);
    if (!Number.isInteger(number)) throw new Error(`unreadable protobuf tag ${JSON.stringify(protobuf)} in line: ${line.trim()}`);
    const json = tagValue(tags, 'json');
    if (json === '-') continue;
    const [jsonName = '', ...options] = (json ?? '').split(',');
    const entry: GoField = { json: jsonName };
    if (jsonName === '') {
      if (name === undefined) entry.inline = true;
      else entry.json = name;
    }
    if (options.includes('omitempty')) entry.omitempty = true;
    if (goType.startsWith('*')) entry.pointer = true;
    current.set(number, entry);
  }
  return into;
}
