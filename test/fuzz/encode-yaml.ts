// Writes any value as YAML text with what YAML has and JSON has not: tags (!!set, !!omap, !!pairs,
// !!binary, !!timestamp, !!str, !!int, !!float, !!bool, local tags), anchors and aliases (also
// to an enclosing node, which makes a cycle), merge keys (<<), 1.1 spellings (yes, on, 0x1F,
// 1_000), duplicate keys, directives, several documents, and alias bombs. Half the time the
// `yaml` package writes the value (block style), and its output is then damaged lightly.
import { stringify } from 'yaml';
import type { Dice } from './dice.js';

function bytesOf(value: ArrayBufferView | ArrayBuffer): Buffer {
  return value instanceof ArrayBuffer ? Buffer.from(value) : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

interface Anchor {
  name: string;
  mapping: boolean;
  /** The anchored node has been written (an alias to an unfinished one would make a cycle). */
  done: boolean;
}

class FlowWriter {
  private readonly anchors: Anchor[] = [];
  private nextAnchor = 0;

  constructor(private readonly d: Dice) {}

  /** Maybe an anchor for the node about to be written; `finish` marks it written. */
  private anchor(mapping: boolean): { text: string; finish(): void } {
    if (!this.d.chance(0.08)) return { text: '', finish: () => undefined };
    const anchor: Anchor = { name: `a${this.nextAnchor++}`, mapping, done: false };
    this.anchors.push(anchor);
    return { text: `&${anchor.name} `, finish: () => (anchor.done = true) };
  }

  private alias(): string | undefined {
    const usable = this.anchors.filter((a) => a.done || this.d.chance(0.05));
    if (usable.length === 0 || !this.d.chance(0.06)) return undefined;
    return `*${this.d.pick(usable).name}`;
  }

  private scalarString(text: string): string {
    const d = this.d;
    if (/^[a-zA-Z][a-zA-Z0-9 _.-]*$/.test(text) && d.chance(0.5)) return text;
    if (!/[\u0000-\u001f'\u007f-\u009f\ud800-\udfff]/.test(text) && d.chance(0.3)) return `'${text}'`;
    if (d.chance(0.05)) return `!!str ${JSON.stringify(text)}`;
    return JSON.stringify(text);
  }

  private number(value: number): string {
    const d = this.d;
    if (Number.isNaN(value)) return d.pick(['.nan', '.NaN', '!!float .nan']);
    if (value === Infinity) return d.pick(['.inf', '+.inf', '.Inf']);
    if (value === -Infinity) return d.pick(['-.inf', '-.Inf']);
    if (Object.is(value, -0)) return d.pick(['-0', '-0.0']);
    if (Number.isSafeInteger(value) && value >= 0 && d.chance(0.1)) return d.pick([`0x${value.toString(16)}`, `0o${value.toString(8)}`, `!!int "${value}"`]);
    if (Number.isInteger(value) && d.chance(0.05)) return `!!float ${value}`;
    return String(value);
  }

  write(value: unknown, depth: number): string {
    const d = this.d;
    const alias = this.alias();
    if (alias !== undefined) return alias;
    switch (typeof value) {
      case 'undefined':
        return d.pick(['', '~', 'null', '!!null ""']);
      case 'boolean':
        return value ? d.pick(['true', 'True', 'yes', 'on', '!!bool true']) : d.pick(['false', 'FALSE', 'no', 'off']);
      case 'number':
        return this.number(value);
      case 'bigint':
        return d.chance(0.1) ? `!!int ${value}` : value.toString();
      case 'string':
        return this.scalarString(value);
      case 'symbol':
      case 'function':
        return 'null';
      case 'object':
        break;
    }
    if (value === null) return d.pick(['null', '~', 'Null']);
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) return '!!timestamp not-a-time';
      const iso = value.toISOString();
      return d.pick([`!!timestamp ${iso}`, iso, iso.slice(0, 10), `"${iso}"`]);
    }
    if (value instanceof String || value instanceof Number || value instanceof Boolean) return this.write(value.valueOf(), depth);
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
      const base64 = bytesOf(value).toString('base64');
      return d.chance(0.5) ? `!!binary ${base64 === '' ? '""' : base64}` : `!!binary "${base64}"`;
    }
    if (value instanceof Set) {
      const anchor = this.anchor(false);
      const text = `${anchor.text}!!set {${[...value].map((item) => `? ${this.write(item, depth + 1)}`).join(', ')}}`;
      anchor.finish();
      return text;
    }
    if (value instanceof Map) {
      const entries = [...value.entries()];
      switch (d.int(0, 2)) {
        case 0:
          return `!!omap [${entries.map(([k, v]) => `{${this.write(k, depth + 2)}: ${this.write(v, depth + 2)}}`).join(', ')}]`;
        case 1:
          return `!!pairs [${entries.map(([k, v]) => `{${this.write(k, depth + 2)}: ${this.write(v, depth + 2)}}`).join(', ')}]`;
        default: {
          const anchor = this.anchor(true);
          const text = `${anchor.text}{${entries.map(([k, v]) => `? ${this.write(k, depth + 1)} : ${this.write(v, depth + 1)}`).join(', ')}}`;
          anchor.finish();
          return text;
        }
      }
    }
    if (value instanceof Error || value instanceof RegExp) return d.pick(['{}', `!error ${JSON.stringify(String(value))}`, `!<tag:example.com,2024:thing> {message: ${JSON.stringify(String(value))}}`]);
    if (Array.isArray(value)) {
      const anchor = this.anchor(false);
      const items: string[] = [];
      for (let i = 0; i < value.length; i++) items.push(this.write(i in value ? value[i] : null, depth + 1));
      anchor.finish();
      return `${anchor.text}[${items.join(', ')}]`;
    }
    const anchor = this.anchor(true);
    const parts = Object.keys(value).map((key) => `${this.scalarString(key)}: ${this.write((value as Record<string, unknown>)[key], depth + 1)}`);
    const mappings = this.anchors.filter((a) => a.mapping && a.done);
    anchor.finish();
    if (mappings.length > 0 && d.chance(0.1)) parts.splice(d.int(0, parts.length), 0, `<<: ${d.chance(0.5) ? `*${d.pick(mappings).name}` : `[${mappings.slice(0, 3).map((a) => `*${a.name}`).join(', ')}]`}`);
    if (parts.length > 0 && d.chance(0.02)) parts.push(parts[d.int(0, parts.length - 1)]!);
    return `${anchor.text}{${parts.join(', ')}}`;
  }
}

/** A "billion laughs" document: each level aliases the previous one ten times. */
function aliasBomb(levels: number): string {
  const lines = ['metadata: {name: lol}', 'lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i < levels; i++) lines.push(`lol${i}: &l${i} [${Array.from({ length: 10 }, () => `*l${i - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

function damage(text: string, d: Dice): string {
  const at = d.int(0, text.length);
  switch (d.int(0, 3)) {
    case 0:
      return text.slice(0, at);
    case 1:
      return `${text.slice(0, at)}${d.pick([':', '\t', '- ', '&', '*', '!!', '{', '"', '\n  ', '#'])}${text.slice(at)}`;
    case 2:
      return `${text}\n---\n${text}`;
    default:
      return text.replace(/\n/g, '\r\n');
  }
}

/** The YAML text of `value`, with the liberties above taken by `d`. */
export function yamlText(value: unknown, d: Dice): string {
  if (d.chance(0.01)) return aliasBomb(d.int(3, 9));
  let text: string | undefined;
  if (d.chance(0.4)) {
    try {
      text = stringify(value, { version: d.chance(0.5) ? '1.1' : '1.2', aliasDuplicateObjects: true });
    } catch {
      text = undefined;
    }
  }
  text ??= new FlowWriter(d).write(value, 1);
  if (d.chance(0.1)) text = `%YAML 1.1\n---\n${text}`;
  else if (d.chance(0.1)) text = `---\n${text}`;
  if (d.chance(0.03)) text = damage(text, d);
  return text;
}
