// The simple JSON paths a CustomResourceDefinition names fields with (".spec.replicas",
// ".status.conditions[0].type", ".metadata.labels['app']"): its printer columns and the scale
// subresource's replica and selector paths.
import { isPlainObject } from '../object.js';

export type PathStep = string | number;

/** The steps of a simple JSON path, or undefined when it is not one. */
export function parseSimplePath(path: string): PathStep[] | undefined {
  const text = path.startsWith('{') && path.endsWith('}') ? path.slice(1, -1) : path;
  const steps: PathStep[] = [];
  const pattern = /\.([A-Za-z0-9_$-]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/y;
  let at = 0;
  if (text === '' || !text.startsWith('.') && !text.startsWith('[')) return undefined;
  while (at < text.length) {
    pattern.lastIndex = at;
    const m = pattern.exec(text);
    if (!m) return undefined;
    if (m[1] !== undefined) steps.push(m[1]);
    else if (m[2] !== undefined) steps.push(Number(m[2]));
    else steps.push((m[3] ?? m[4])!);
    at = pattern.lastIndex;
  }
  return steps;
}

/** The value at a path, or undefined when any step is missing. */
export function readPath(obj: unknown, steps: readonly PathStep[]): unknown {
  let current: unknown = obj;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(current) || step >= current.length) return undefined;
      current = current[step];
    } else {
      if (!isPlainObject(current) || !Object.prototype.hasOwnProperty.call(current, step)) return undefined;
      current = current[step];
    }
  }
  return current;
}

/** Sets the value at a path of object steps, making the objects on the way. */
export function writePath(obj: Record<string, unknown>, steps: readonly PathStep[], value: unknown): void {
  let current: Record<string, unknown> = obj;
  steps.forEach((step, i) => {
    const key = String(step);
    if (i === steps.length - 1) {
      current[key] = value;
      return;
    }
    if (!isPlainObject(current[key])) current[key] = {};
    current = current[key] as Record<string, unknown>;
  });
}
