// Reading a user's YAML or JSON document field by field: each reader returns a usable value and
// records a problem, named by its field path, when the value is wrong, so one error lists them all.
import type { Taint } from 'kubernetes-types/core/v1.js';
import { quantityError } from '../api/schema/scalar-text.js';
import { parseDuration } from './duration.js';

export type Raw = Record<string, unknown>;

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const EFFECTS = new Set(['NoSchedule', 'PreferNoSchedule', 'NoExecute']);

/** Reads untyped YAML/JSON fields, collecting every problem with its field path instead of stopping at the first. */
export class Reader {
  readonly problems: string[] = [];

  fail(path: string, message: string): void {
    this.problems.push(`${path}: ${message}`);
  }

  object(value: unknown, path: string): Raw {
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.fail(path, 'must be an object');
      return {};
    }
    return value as Raw;
  }

  list(value: unknown, path: string): unknown[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.fail(path, 'must be a list');
      return [];
    }
    return value;
  }

  name(value: unknown, path: string): string {
    if (typeof value !== 'string' || !NAME.test(value) || value.length > 200) {
      this.fail(path, `Invalid value: ${JSON.stringify(value)}: a lowercase RFC 1123 name`);
      return 'invalid';
    }
    return value;
  }

  integer(value: unknown, path: string, fallback: number, min: number, max: number): number {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(path, `Invalid value: ${JSON.stringify(value)}: an integer from ${min} to ${max}`);
      return fallback;
    }
    return value;
  }

  /** A duration string ("90s", "5m") or a number of seconds, in milliseconds. */
  duration(value: unknown, path: string): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value * 1000;
    if (typeof value === 'string') {
      try {
        return parseDuration(value);
      } catch (error) {
        this.fail(path, (error as Error).message);
        return undefined;
      }
    }
    this.fail(path, `Invalid value: ${JSON.stringify(value)}: a duration such as 30s or a number of seconds`);
    return undefined;
  }

  quantity(value: unknown, path: string, required: boolean): string | undefined {
    if (value === undefined) {
      if (required) this.fail(path, 'Required value');
      return undefined;
    }
    const text = typeof value === 'number' ? String(value) : value;
    const problem = typeof text === 'string' ? quantityError(text) : 'must be a quantity such as 500m or 2Gi';
    if (problem) {
      this.fail(path, `Invalid value: ${JSON.stringify(value)}: ${problem}`);
      return undefined;
    }
    return text as string;
  }

  strings(value: unknown, path: string): Record<string, string> {
    const o = this.object(value, path);
    for (const [k, v] of Object.entries(o)) if (typeof v !== 'string') this.fail(`${path}.${k}`, 'must be a string');
    return o as Record<string, string>;
  }

  taints(value: unknown, path: string): Taint[] {
    return this.list(value, path).map((t, i) => {
      const o = this.object(t, `${path}[${i}]`);
      if (typeof o.key !== 'string' || o.key === '') this.fail(`${path}[${i}].key`, 'Required value');
      if (!EFFECTS.has(o.effect as string)) this.fail(`${path}[${i}].effect`, `Unsupported value: ${JSON.stringify(o.effect)}: supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"`);
      return { key: String(o.key), ...(o.value !== undefined ? { value: String(o.value) } : {}), effect: String(o.effect) };
    });
  }
}
