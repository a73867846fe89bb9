// The read-back invariant: an object the apiserver acknowledged is the same object in every
// format and every way of reading it — GET as JSON, msgpack and protobuf, LIST in the three
// formats (protobuf list items carry no apiVersion and kind, as in Kubernetes), and the event of
// that resourceVersion on every open watch.
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../lib/api/object.js';
import type { ResourceInfo } from '../../lib/api/resources.js';
import { escapeFieldValue } from '../../lib/api/selectors/field-selector.js';
import { Finding, formatsOf, type FuzzClient, type ReadFormat } from './client.js';
import { collectionPath, objectPath } from './paths.js';
import type { WatchSet } from './watches.js';

export interface Acknowledged {
  info: ResourceInfo;
  /** The object the write's answer carried. */
  object: KubeObject;
  /** How it appears on a watch; undefined for a write that changed nothing (no new resourceVersion, no event). */
  eventType: 'ADDED' | 'MODIFIED' | undefined;
  /** What was sent, for the report. */
  request: string;
}

/** Where two values first differ, as a path and both sides. */
export function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const found = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
      if (found !== undefined) return found;
    }
  }
  const show = (v: unknown): string => (v === undefined ? 'absent' : `${JSON.stringify(v)?.slice(0, 200)} (${Object.prototype.toString.call(v)})`);
  return `${path === '' ? 'the object' : path}: ${show(a)} vs ${show(b)}`;
}

function withoutTypeMeta(object: KubeObject): KubeObject {
  const { apiVersion: _a, kind: _k, ...rest } = object;
  return rest;
}

export class ReadBack {
  /** Objects checked, by the format they were read in. */
  readonly checked = new Map<ReadFormat, number>();

  constructor(
    private readonly client: FuzzClient,
    private readonly watches: WatchSet,
    private readonly formats: readonly Exclude<ReadFormat, 'yaml'>[],
  ) {}

  async check(ack: Acknowledged): Promise<void> {
    const { info, object } = ack;
    const name = object.metadata?.name;
    const namespace = object.metadata?.namespace;
    const resourceVersion = object.metadata?.resourceVersion;
    const fail = (what: string): never => {
      throw new Finding(`${what}\nacknowledged ${info.kind}: ${JSON.stringify(object).slice(0, 3000)}\nafter: ${ack.request}`);
    };
    if (typeof name !== 'string' || typeof resourceVersion !== 'string') return fail('the acknowledged object has no name or resourceVersion');

    for (const format of formatsOf(info, this.formats)) {
      const got = (await this.client.read(objectPath(info, namespace, name), format)) as KubeObject;
      const difference = firstDifference(object, got);
      if (difference !== undefined) fail(`GET as ${format} differs from the acknowledged object at ${difference}`);
      this.checked.set(format, (this.checked.get(format) ?? 0) + 1);
    }

    const selector = `fieldSelector=${encodeURIComponent(`metadata.name=${escapeFieldValue(name)}`)}`;
    for (const format of formatsOf(info, this.formats)) {
      const list = (await this.client.read(`${collectionPath(info, namespace)}?${selector}`, format)) as { items?: KubeObject[] };
      const items = list.items ?? [];
      if (items.length !== 1) fail(`LIST as ${format} with ${selector} has ${items.length} items`);
      const expected = format === 'protobuf' ? withoutTypeMeta(object) : object;
      const difference = firstDifference(expected, items[0]);
      if (difference !== undefined) fail(`LIST as ${format} differs from the acknowledged object at ${difference}`);
    }

    if (ack.eventType === undefined) return;
    // A broken watch stays broken: say so at once rather than wait for its events.
    if (this.watches.problems.length > 0) fail(`the watches broke: ${this.watches.problems.join('; ')}`);
    const events = await this.watches.take(info, namespace, name, resourceVersion);
    for (const format of formatsOf(info, this.watches.formats)) {
      const event = events.get(format);
      if (event === undefined) fail(`no ${ack.eventType} event at resourceVersion ${resourceVersion} on the ${format} watch`);
      else if (event.type !== ack.eventType) fail(`the ${format} watch says ${event.type}, not ${ack.eventType}`);
      else {
        const difference = firstDifference(object, event.object);
        if (difference !== undefined) fail(`the ${format} watch event differs from the acknowledged object at ${difference}`);
      }
    }
  }
}
