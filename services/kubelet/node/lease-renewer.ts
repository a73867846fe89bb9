// The node Leases in kube-node-lease (the kubelet's heartbeat), renewed every quarter of their
// duration (10 s for 40 s) for every hosted node from ONE ticker: renewals are spread evenly over
// the interval and go through the shared request pool, so thousands of simulated nodes cost a
// steady trickle of writes instead of a burst. A renewal is an update of the cached Lease; a
// conflict re-reads it, a missing Lease is created again.
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { findResource } from '../../../lib/api/resources.js';
import { StatusError } from '../../../lib/api/status.js';
import type { Clock, Timer } from '../../../lib/client/clock.js';
import type { RequestPool } from '../../../lib/client/request-pool.js';
import type { RestClient } from '../../../lib/client/rest-client.js';
import type { Logger } from '../../../lib/observe/logger.js';

const LEASES = findResource('coordination.k8s.io', 'v1', 'leases')!;
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** Up to this many nodes, their Leases are read one by one rather than listed. */
const FEW_NODES = 10;
const TICK_MS = 200;

/** metav1.MicroTime. */
function microTime(ms: number): string {
  return new Date(Math.floor(ms)).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

interface Entry {
  node: string;
  nodeUid: string;
  lease: Lease | undefined;
  dueAt: number;
  inFlight: boolean;
}

export interface LeaseRenewerConfig {
  client: RestClient;
  pool: RequestPool;
  clock: Clock;
  log: Logger;
  leaseDurationSeconds: number;
  /** Called after each renewal attempt (true when it was written). */
  onRenew?: (node: string, ok: boolean) => void;
}

export class LeaseRenewer {
  private readonly entries = new Map<string, Entry>();
  private timer: Timer | undefined;
  private stopped = false;
  readonly intervalMs: number;

  constructor(private readonly config: LeaseRenewerConfig) {
    if (!(config.leaseDurationSeconds >= 1)) throw new Error(`the node lease duration must be at least 1 s, got ${config.leaseDurationSeconds}`);
    this.intervalMs = (config.leaseDurationSeconds * 1000) / 4;
  }

  /** Adds nodes (name -> uid) and writes their first renewal now, spread over the next interval afterwards. */
  async add(nodes: ReadonlyMap<string, string>): Promise<void> {
    const existing = new Map<string, Lease>();
    if (nodes.size <= FEW_NODES) {
      // A kubelet of a few nodes reads each node's Lease: a node's own identity may read only its own.
      for (const node of nodes.keys()) {
        const lease = await this.config.client.get<Lease>(LEASES, { namespace: NODE_LEASE_NAMESPACE, name: node }).catch((error: unknown) => {
          if (error instanceof StatusError && error.code === 404) return undefined;
          throw error;
        });
        if (lease) existing.set(node, lease);
      }
    } else {
      for (const lease of (await this.config.client.listAll<Lease>(LEASES, { namespace: NODE_LEASE_NAMESPACE, pageSize: 5000 })).items) existing.set(lease.metadata?.name ?? '', lease);
    }
    const now = this.config.clock.now();
    let i = 0;
    const count = nodes.size;
    const first: Promise<void>[] = [];
    for (const [node, nodeUid] of nodes) {
      const entry: Entry = { node, nodeUid, lease: existing.get(node), dueAt: now + (this.intervalMs * i++) / Math.max(1, count), inFlight: false };
      this.entries.set(node, entry);
      first.push(this.renew(entry));
    }
    await Promise.all(first);
    this.schedule();
  }

  /** Whether the node's last renewal (or creation) is recent enough to count as a heartbeat. */
  renewedAt(node: string): number | undefined {
    const renew = this.entries.get(node)?.lease?.spec?.renewTime;
    return renew ? Date.parse(renew) : undefined;
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.config.clock.setTimer(() => this.tick(), TICK_MS);
  }

  private tick(): void {
    const now = this.config.clock.now();
    for (const entry of this.entries.values()) {
      if (entry.inFlight || entry.dueAt > now) continue;
      void this.renew(entry);
    }
    this.schedule();
  }

  private desired(entry: Entry, now: number): Lease {
    const base: Lease = entry.lease ?? {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: entry.node, namespace: NODE_LEASE_NAMESPACE },
    };
    return {
      ...base,
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { ...base.metadata, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: entry.node, uid: entry.nodeUid }] },
      spec: { ...base.spec, holderIdentity: entry.node, leaseDurationSeconds: this.config.leaseDurationSeconds, renewTime: microTime(now) },
    };
  }

  private async renew(entry: Entry): Promise<void> {
    entry.inFlight = true;
    const { client, pool, clock } = this.config;
    let ok = false;
    try {
      // Renewals ride the background lane: a Lease has 40 s and is renewed every 10, a pod's start waits on its status.
      await pool.run('background', async () => {
        const lease = this.desired(entry, clock.now());
        entry.lease = entry.lease ? await client.update<Lease>(LEASES, lease) : await client.create<Lease>(LEASES, lease, { namespace: NODE_LEASE_NAMESPACE });
      });
      ok = true;
      entry.dueAt += this.intervalMs;
      if (entry.dueAt <= clock.now()) entry.dueAt = clock.now() + this.intervalMs;
    } catch (error) {
      if (error instanceof StatusError && (error.code === 409 || error.code === 404)) {
        // Stale or gone: re-read (or recreate) at the next tick.
        entry.lease = error.code === 404 ? undefined : await client.get<Lease>(LEASES, { namespace: NODE_LEASE_NAMESPACE, name: entry.node }).catch(() => undefined);
      } else {
        this.config.log.warn({ node: entry.node, err: (error as Error).message }, 'node lease not renewed');
      }
      entry.dueAt = clock.now() + 1000;
    } finally {
      entry.inFlight = false;
      this.config.onRenew?.(entry.node, ok);
    }
  }
}
