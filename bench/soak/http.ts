// The soak's HTTP client: one keep-alive pool per replica (trusting the cluster CA), a deadline
// on every request, and every outcome as data: an answer with its status, or the error of a
// request that got none (a refused or reset connection while a replica is down, a timeout).
import type { Dispatcher, Pool } from 'undici';
import type { ReplicaSet } from '../../lib/launch/replica-set.js';
import { pool } from '../lib/load.js';

export type Outcome = { kind: 'answer'; status: number; contentType: string; body: Buffer } | { kind: 'error'; error: string };

export interface SoakRequest {
  method: Dispatcher.HttpMethod;
  path: string;
  body?: Buffer | string;
  contentType?: string;
  accept?: string;
  /** Another Authorization header (or none: ''), for the bad-token clients. */
  authorization?: string;
  timeoutMs?: number;
}

export class ReplicaClients {
  private readonly pools = new Map<number, Pool>();

  constructor(private readonly set: ReplicaSet) {}

  private poolOf(id: number): Pool {
    let found = this.pools.get(id);
    if (!found) {
      const replica = this.set.replica(id);
      found = pool({ url: replica.url, caPem: this.set.caPem }, 16);
      this.pools.set(id, found);
    }
    return found;
  }

  /** A replica id chosen at random: clients spread over the replicas, followers forward writes. */
  anyReplica(): number {
    const ids = this.set.replicas.map((r) => r.id);
    return ids[Math.floor(Math.random() * ids.length)]!;
  }

  async send(id: number, request: SoakRequest): Promise<Outcome> {
    const headers: Record<string, string> = { accept: request.accept ?? 'application/json' };
    const authorization = request.authorization ?? `Bearer ${this.set.token}`;
    if (authorization !== '') headers.authorization = authorization;
    if (request.body !== undefined) headers['content-type'] = request.contentType ?? 'application/json';
    const timeoutMs = request.timeoutMs ?? 15_000;
    try {
      const res = await this.poolOf(id).request({ method: request.method, path: request.path, body: request.body, headers, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
      const body = Buffer.from(await res.body.arrayBuffer());
      return { kind: 'answer', status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), body };
    } catch (error) {
      return { kind: 'error', error: (error as { code?: string }).code ?? (error as Error).message };
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close().catch(() => undefined)));
  }
}

/** The JSON an answer carries, or undefined. */
export function answerJson<T>(outcome: Outcome): T | undefined {
  if (outcome.kind !== 'answer') return undefined;
  try {
    return JSON.parse(outcome.body.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}
