// Server-managed metadata: what the apiserver sets on create and carries over on update, so
// clients can never forge uid, creationTimestamp, generation or deletion state.
import { randomUUID, randomInt } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject, ObjectMeta } from '../../../lib/api/object.js';

/** The alphabet Kubernetes uses for generateName suffixes (no vowels, no look-alikes). */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function generateNameSuffix(length = 5): string {
  let out = '';
  for (let i = 0; i < length; i++) out += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  return out;
}

let lastSecond = Number.NaN;
let lastText = '';

/** RFC 3339 with second precision, as metav1.Time serialises. */
export function formatTime(date: Date): string {
  // Writes in the same second share the text.
  const second = Math.floor(date.getTime() / 1000);
  if (second !== lastSecond) {
    lastText = date.toISOString().replace(/\.\d{3}Z$/, 'Z');
    lastSecond = second;
  }
  return lastText;
}

export function newUid(): string {
  return randomUUID();
}

/** Everything but apiVersion, kind, metadata and status: what a generation counts changes of. */
export function specOf(obj: KubeObject): Record<string, unknown> {
  const { apiVersion: _a, kind: _k, metadata: _m, status: _s, ...rest } = obj;
  return rest;
}

export function specChanged(next: KubeObject, old: KubeObject): boolean {
  return !isDeepStrictEqual(specOf(next), specOf(old));
}

/** Sets the fields a create owns; client-supplied values for them are dropped. */
export function prepareCreateMeta(meta: ObjectMeta, now: Date, tracksGeneration: boolean): void {
  meta.uid = newUid();
  meta.creationTimestamp = formatTime(now);
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.selfLink;
  if (tracksGeneration) meta.generation = 1;
  else delete meta.generation;
}

/** Copies the fields an update may not change from the stored object. */
export function carryServerMeta(meta: ObjectMeta, old: ObjectMeta): void {
  meta.uid = old.uid;
  meta.creationTimestamp = old.creationTimestamp;
  if (old.deletionTimestamp !== undefined) meta.deletionTimestamp = old.deletionTimestamp;
  else delete meta.deletionTimestamp;
  if (old.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = old.deletionGracePeriodSeconds;
  else delete meta.deletionGracePeriodSeconds;
  if (old.generation !== undefined) meta.generation = old.generation;
  else delete meta.generation;
  delete meta.selfLink;
}
