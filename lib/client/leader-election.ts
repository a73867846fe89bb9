// Leader election on a coordination.k8s.io/v1 Lease, with client-go's semantics: a candidate
// takes the lease when it is free or its holder has not renewed it for leaseDuration; the leader
// renews every retryPeriod and steps down if it cannot renew within renewDeadline; a clean stop
// releases the lease so another candidate takes over at once. Writes carry the lease's
// resourceVersion, so two candidates never both win the same update.
//
// Expiry is judged by this candidate's own clock: the time it observed the holder's last
// renewal (the renewTime recorded in the lease, bounded by when this candidate last looked and
// now). Since leaseDuration exceeds renewDeadline by more than a retry period, a holder that can
// no longer renew has stepped down before anyone else may take the lease.
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { findResource } from '../api/resources.js';
import { StatusError } from '../api/status.js';
import type { Logger } from '../observe/logger.js';
import { realClock, type Clock } from './clock.js';
import type { RestClient } from './rest-client.js';

const LEASES = findResource('coordination.k8s.io', 'v1', 'leases')!;
/** client-go's wait.JitterUntil factor for retries while not leading. */
const JITTER = 0.2;

export interface LeaderCallbacks {
  /** Called when this candidate becomes leader; `signal` aborts when it stops leading. */
  onStartedLeading(signal: AbortSignal): void;
  /** Called when this candidate stops leading (lost, released or stopped). */
  onStoppedLeading(): void;
  /** Called when the observed leader changes (this candidate included). */
  onNewLeader?(identity: string): void;
}

export interface LeaderElectionConfig {
  client: RestClient;
  namespace: string;
  name: string;
  /** Unique per candidate (e.g. hostname plus a random suffix). */
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Release the lease when run() is stopped (default true). */
  releaseOnCancel?: boolean;
  callbacks: LeaderCallbacks;
  clock?: Clock;
  log?: Logger;
  random?: () => number;
}

/** "2024-01-01T00:00:00.000000Z": metav1.MicroTime. */
function microTime(ms: number): string {
  return new Date(Math.floor(ms)).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function parseTime(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

export class LeaderElector {
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  private readonly clock: Clock;
  private readonly random: () => number;
  private observed: Lease | undefined;
  private observedAt = 0;
  private lastLookAt = 0;
  private leading = false;
  private reportedLeader: string | undefined;

  constructor(private readonly config: LeaderElectionConfig) {
    this.leaseDurationMs = config.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = config.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = config.retryPeriodMs ?? 2_000;
    if (!config.identity) throw new Error('leader election needs a non-empty identity');
    if (!(this.leaseDurationMs > this.renewDeadlineMs)) throw new Error(`leaseDuration (${this.leaseDurationMs} ms) must be greater than renewDeadline (${this.renewDeadlineMs} ms)`);
    if (!(this.renewDeadlineMs > this.retryPeriodMs * (1 + JITTER))) {
      throw new Error(`renewDeadline (${this.renewDeadlineMs} ms) must be greater than retryPeriod × ${1 + JITTER} (${this.retryPeriodMs * (1 + JITTER)} ms)`);
    }
    if (!(this.retryPeriodMs > 0)) throw new Error('retryPeriod must be positive');
    this.clock = config.clock ?? realClock;
    this.random = config.random ?? Math.random;
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The holder this candidate last saw ('' when none). */
  getLeader(): string {
    return this.observed?.spec?.holderIdentity ?? '';
  }

  /**
   * Campaigns until `signal` aborts: acquires, leads while it can renew, and campaigns again
   * after losing the lease. On abort it releases the lease if it holds it.
   */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (!(await this.acquire(signal))) break;
      const leadership = new AbortController();
      const stop = (): void => leadership.abort();
      signal.addEventListener('abort', stop, { once: true });
      this.leading = true;
      this.config.log?.info({ lease: `${this.config.namespace}/${this.config.name}`, identity: this.config.identity }, 'started leading');
      this.safely(() => this.config.callbacks.onStartedLeading(leadership.signal));
      await this.renew(leadership.signal);
      signal.removeEventListener('abort', stop);
      this.leading = false;
      leadership.abort();
      if (signal.aborted && (this.config.releaseOnCancel ?? true)) await this.release();
      this.config.log?.info({ lease: `${this.config.namespace}/${this.config.name}`, identity: this.config.identity }, 'stopped leading');
      this.safely(() => this.config.callbacks.onStoppedLeading());
    }
  }

  /** Tries until it holds the lease (true) or `signal` aborts (false). */
  private async acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew()) return true;
      let wait = this.retryPeriodMs * (1 + JITTER * this.random());
      // Look again right when the holder's lease runs out, not up to a retry period later.
      const expiry = this.expiresAt();
      if (expiry !== undefined) wait = Math.min(wait, Math.max(1, expiry - this.clock.now() + 1));
      try {
        await this.clock.sleep(wait, signal);
      } catch {
        return false;
      }
    }
    return false;
  }

  /** Renews every retry period until a renewal fails to land within renewDeadline or `signal` aborts. */
  private async renew(signal: AbortSignal): Promise<void> {
    let lastRenewal = this.clock.now();
    while (!signal.aborted) {
      try {
        await this.clock.sleep(this.retryPeriodMs, signal);
      } catch {
        return;
      }
      for (;;) {
        if (signal.aborted) return;
        if (await this.tryAcquireOrRenew()) {
          lastRenewal = this.clock.now();
          break;
        }
        if (this.clock.now() - lastRenewal >= this.renewDeadlineMs || this.heldByOther()) {
          this.config.log?.warn({ lease: `${this.config.namespace}/${this.config.name}`, identity: this.config.identity }, 'failed to renew the lease in time');
          return;
        }
        try {
          await this.clock.sleep(Math.min(this.retryPeriodMs, this.renewDeadlineMs - (this.clock.now() - lastRenewal)), signal);
        } catch {
          return;
        }
      }
    }
  }

  private heldByOther(): boolean {
    const holder = this.getLeader();
    return holder !== '' && holder !== this.config.identity && !this.expired();
  }

  private expiresAt(): number | undefined {
    const holder = this.getLeader();
    if (holder === '' || holder === this.config.identity || !this.observed) return undefined;
    return this.observedAt + (this.observed.spec?.leaseDurationSeconds ?? this.leaseDurationMs / 1000) * 1000;
  }

  private expired(): boolean {
    const expiry = this.expiresAt();
    return expiry === undefined || expiry <= this.clock.now();
  }

  /** Records what was read; the observed time moves only when the lease changed. */
  private observe(lease: Lease | undefined, lookedAt: number): void {
    const changed = JSON.stringify(lease?.spec ?? null) !== JSON.stringify(this.observed?.spec ?? null);
    if (changed) {
      const renewed = parseTime(lease?.spec?.renewTime);
      // The change happened after our previous look and no later than now; on a first look there
      // is no earlier bound, so (as client-go) the lease counts from now.
      this.observedAt = renewed === undefined || this.lastLookAt === 0 ? lookedAt : Math.min(lookedAt, Math.max(this.lastLookAt, renewed));
    }
    this.observed = lease;
    this.lastLookAt = lookedAt;
    const holder = lease?.spec?.holderIdentity ?? '';
    if (changed && holder !== '' && holder !== this.reportedLeader) {
      this.reportedLeader = holder;
      this.safely(() => this.config.callbacks.onNewLeader?.(holder));
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { client, namespace, name, identity } = this.config;
    const now = this.clock.now();
    const spec = (acquireTime: number, transitions: number): NonNullable<Lease['spec']> => ({
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
      acquireTime: microTime(acquireTime),
      renewTime: microTime(now),
      leaseTransitions: transitions,
    });
    let current: Lease;
    try {
      current = await client.get<Lease>(LEASES, { namespace, name });
    } catch (error) {
      if (!(error instanceof StatusError && error.code === 404)) return this.failed(error);
      try {
        const lease: Lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { namespace, name }, spec: spec(now, 0) };
        const created = await client.create<Lease>(LEASES, lease);
        this.observe(created, now);
        return true;
      } catch (createError) {
        return this.failed(createError);
      }
    }
    this.observe(current, now);
    const holder = current.spec?.holderIdentity ?? '';
    if (holder !== '' && holder !== identity && !this.expired()) return false;
    const mine = holder === identity;
    const next: Lease = {
      ...current,
      spec: {
        ...current.spec,
        ...spec(mine ? (parseTime(current.spec?.acquireTime) ?? now) : now, (current.spec?.leaseTransitions ?? 0) + (mine ? 0 : 1)),
      },
    };
    try {
      const updated = await client.update<Lease>(LEASES, next);
      this.observe(updated, now);
      return true;
    } catch (error) {
      return this.failed(error);
    }
  }

  private failed(error: unknown): false {
    if (!(error instanceof StatusError && error.code === 409)) {
      this.config.log?.debug({ lease: `${this.config.namespace}/${this.config.name}`, err: (error as Error)?.message }, 'lease request failed');
    }
    return false;
  }

  /** Gives the lease up: no holder, a one-second duration, so the next candidate takes it at once. */
  private async release(): Promise<void> {
    const current = this.observed;
    if (!current || current.spec?.holderIdentity !== this.config.identity) return;
    const now = this.clock.now();
    try {
      const lease: Lease = {
        ...current,
        spec: { leaseDurationSeconds: 1, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: current.spec?.leaseTransitions ?? 0 },
      };
      const released = await this.config.client.update<Lease>(LEASES, lease);
      this.observe(released, now);
    } catch (error) {
      this.config.log?.warn({ lease: `${this.config.namespace}/${this.config.name}`, err: (error as Error)?.message }, 'could not release the lease');
    }
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.config.log?.error({ err: (error as Error)?.message }, 'leader election callback failed');
    }
  }
}
