// How a ConfigMap's or Secret's keys become a volume's files (pkg/volume/configmap, secret): every
// key as a file of its name, or only the listed items at their paths; each file with the item's
// mode, else the volume's defaultMode. A listed key that is missing fails the volume unless the
// source is optional.
import type { KeyToPath } from 'kubernetes-types/core/v1.js';
import type { Payload } from './atomic-writer.js';
import { VolumeError } from './volume-error.js';

/** Kubernetes' default file mode of API-object volumes (0644). */
export const DEFAULT_MODE = 0o644;

/** An object's keys as files; `data` undefined: the object does not exist (fine when optional). */
export function projectObject(kind: 'configmap' | 'secret', name: string, data: ReadonlyMap<string, Buffer> | undefined, source: { items?: KeyToPath[]; optional?: boolean }, defaultMode: number): Payload {
  if (!data) {
    if (source.optional) return new Map();
    throw new VolumeError(`${kind} "${name}" not found`);
  }
  return projectKeys(`${kind} "${name}"`, data, source.items, defaultMode, source.optional ?? false);
}

function projectKeys(what: string, data: ReadonlyMap<string, Buffer>, items: readonly KeyToPath[] | undefined, defaultMode: number, optional: boolean): Payload {
  const payload: Payload = new Map();
  if (!items || items.length === 0) {
    for (const [key, bytes] of data) payload.set(key, { data: bytes, mode: defaultMode });
    return payload;
  }
  for (const item of items) {
    const bytes = data.get(item.key);
    if (!bytes) {
      if (optional) continue;
      throw new VolumeError(`${what} references non-existent key ${item.key}`);
    }
    payload.set(item.path, { data: bytes, mode: item.mode ?? defaultMode });
  }
  return payload;
}
