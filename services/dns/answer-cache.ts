// Encoded answers by the query's bytes after its message ID (flags, question, EDNS record) and
// transport, so a repeated question is answered without decoding it: the cached bytes with the
// new ID. A cluster answer is good while the records it came from are unchanged (their
// generation) and for at most its TTL; a forwarded one for its smallest TTL.
export interface CachedAnswer {
  response: Buffer;
  expiresAt: number;
  /** The cluster records' generation it was made from; undefined for a forwarded answer. */
  generation?: number;
  /** NXDOMAIN or NODATA: counted as CoreDNS's cache counts "denial". */
  denial: boolean;
}

export class AnswerCache {
  private readonly entries = new Map<string, CachedAnswer>();

  constructor(private readonly capacity: number) {}

  static key(query: Buffer, tcp: boolean): string {
    return (tcp ? 't' : 'u') + query.toString('latin1', 2);
  }

  /** The cached answer for the key, valid at `now` for records of `generation`, or undefined. */
  get(key: string, now: number, generation: number): CachedAnswer | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now || (entry.generation !== undefined && entry.generation !== generation)) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  set(key: string, entry: CachedAnswer): void {
    // The oldest entry goes first (a Map keeps insertion order).
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, entry);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** A copy of a cached answer carrying the query's message ID. */
export function withId(response: Buffer, query: Buffer): Buffer {
  const copy = Buffer.allocUnsafe(response.length);
  response.copy(copy);
  copy[0] = query[0]!;
  copy[1] = query[1]!;
  return copy;
}
