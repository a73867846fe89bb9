// A store event as the binding delivers it: its values stay msgpack bytes until someone reads
// them. Most commits concern no watcher (a heartbeat, a write nobody follows), and decoding every
// value of every commit was a large part of the apiserver's work per write; now a value is
// decoded on its first read and kept, so every listener after that shares the same object.
import type { StoreEvent } from './store.js';

/** An event as the binding encodes it: values as msgpack `bin`. */
export interface WireEvent {
  type: 'put' | 'delete';
  revision: number;
  key: string;
  value: Uint8Array | null;
  prevValue: Uint8Array | null;
  createRevision: number;
  version: number;
}

/** Decodes the value stored under `key`. */
type Decode = (bytes: Uint8Array, key: string) => unknown;

/** A value not decoded yet: its bytes. */
class Encoded {
  constructor(readonly bytes: Uint8Array) {}
}

function settle<T>(value: T | null | Encoded, key: string, decode: Decode): T | null {
  return value instanceof Encoded ? (decode(value.bytes, key) as T) : value;
}

export class CommittedEvent<T = unknown> implements StoreEvent<T> {
  readonly type: 'put' | 'delete';
  readonly revision: number;
  readonly key: string;
  readonly createRevision: number;
  readonly version: number;
  #value: T | null | Encoded;
  #prevValue: T | null | Encoded;
  readonly #decode: Decode;

  constructor(wire: WireEvent, decode: Decode) {
    this.type = wire.type;
    this.revision = wire.revision;
    this.key = wire.key;
    this.createRevision = wire.createRevision;
    this.version = wire.version;
    this.#value = wire.value === null ? null : new Encoded(wire.value);
    this.#prevValue = wire.prevValue === null ? null : new Encoded(wire.prevValue);
    this.#decode = decode;
  }

  get value(): T | null {
    if (this.#value instanceof Encoded) this.#value = settle<T>(this.#value, this.key, this.#decode);
    return this.#value;
  }

  set value(value: T | null) {
    this.#value = value;
  }

  get prevValue(): T | null {
    if (this.#prevValue instanceof Encoded) this.#prevValue = settle<T>(this.#prevValue, this.key, this.#decode);
    return this.#prevValue;
  }

  set prevValue(value: T | null) {
    this.#prevValue = value;
  }
}

/** The binding's events as StoreEvents whose values decode when first read. */
export function committedEvents<T>(wire: readonly WireEvent[], decode: Decode): StoreEvent<T>[] {
  const events = new Array<StoreEvent<T>>(wire.length);
  for (let i = 0; i < wire.length; i++) events[i] = new CommittedEvent<T>(wire[i]!, decode);
  return events;
}
