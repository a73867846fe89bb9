// The sync loop, as kube-proxy's iptables proxier runs it: informer changes mark their service
// changed and ask for a sync; syncs run at most every --min-sync-period, write only the chains of
// changed services (partial sync) except at start, after a failure and every --sync-period (full
// sync, which also ensures the jumps from the built-in chains and deletes stale chains), apply
// with iptables-restore --noflush --counters (or write --rules-file in dry-run), then flush the
// conntrack entries of removed UDP endpoints. One syncer serves one IP family, as kube-proxy has
// one proxier per family; its Services and EndpointSlices are held natively (NativeProxyState),
// so a sync hands the compiler only what changed since the last one.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { Node, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Clock, Timer } from '../../lib/client/clock.js';
import type { Logger } from '../../lib/observe/logger.js';
import type { NativeProxyState } from '../../lib/native/proxy.js';
import type { NodeSettings } from '../../lib/proxy/model.js';
import type { Iptables } from './iptables.js';
import type { ProxyMetrics } from './metrics.js';
import { removedUdpEndpoints, udpEndpoints, type UdpEndpoints } from './udp-endpoints.js';

const TRIGGER_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';

export type IPFamily = 'IPv4' | 'IPv6';

export interface SyncerConfig {
  family: IPFamily;
  /** The node's settings for this family (node IPs come from the Node). */
  settings: NodeSettings;
  /** The native compiler state this syncer feeds, made with `settings`. */
  state: NativeProxyState;
  /** Absent in dry-run. */
  iptables?: Iptables;
  rulesFile?: string;
  syncPeriodMs: number;
  minSyncPeriodMs: number;
  metrics: ProxyMetrics;
  clock: Clock;
  log: Logger;
}

const serviceOfSlice = (s: EndpointSlice) => `${s.metadata?.namespace ?? ''}/${s.metadata?.labels?.['kubernetes.io/service-name'] ?? ''}`;

export class Syncer {
  private readonly services = new Map<string, Service>();
  private readonly slices = new Map<string, EndpointSlice>();
  private nodeIPs: string[] = [];
  private readonly changed = new Set<string>();
  private readonly triggerTimes: number[] = [];
  private needFullSync = true;
  private lastFullSync = 0;
  private lastSyncStart = -Infinity;
  private lastSuccess = 0;
  private timer: Timer | undefined;
  private periodic: Timer | undefined;
  private running: Promise<void> | undefined;
  private pending = false;
  private stopped = false;
  private servicesSynced = false;
  private slicesSynced = false;
  private lastUdp: UdpEndpoints = new Map();

  constructor(private readonly config: SyncerConfig) {}

  setService(service: Service | undefined, key: string): void {
    if (service) this.services.set(key, service);
    else this.services.delete(key);
    this.config.state.setService(key, service);
    this.changed.add(key);
    this.requestSync();
  }

  setSlice(slice: EndpointSlice | undefined, key: string, before?: EndpointSlice): void {
    const service = slice ? serviceOfSlice(slice) : before ? serviceOfSlice(before) : undefined;
    if (slice) {
      this.slices.set(key, slice);
      const trigger = Date.parse(slice.metadata?.annotations?.[TRIGGER_ANNOTATION] ?? '');
      if (!Number.isNaN(trigger)) this.triggerTimes.push(trigger);
    } else this.slices.delete(key);
    this.config.state.setSlice(key, slice);
    if (service) this.changed.add(service);
    this.requestSync();
  }

  setNode(node: Node | undefined): void {
    const ips = (node?.status?.addresses ?? []).filter((a) => a.type === 'InternalIP' || a.type === 'ExternalIP').map((a) => a.address);
    if (ips.join(',') === this.nodeIPs.join(',')) return;
    this.nodeIPs = ips;
    this.config.state.setSettings({ ...this.config.settings, nodeIPs: ips });
    this.needFullSync = true;
    this.requestSync();
  }

  markSynced(kind: 'services' | 'slices'): void {
    if (kind === 'services') this.servicesSynced = true;
    else this.slicesSynced = true;
    this.requestSync();
  }

  /** Seconds since the last successful sync (Infinity before the first). */
  sinceLastSuccess(): number {
    return this.lastSuccess === 0 ? Infinity : (this.config.clock.now() - this.lastSuccess) / 1000;
  }

  /** kube-proxy's /healthz: unhealthy once no sync has succeeded for two sync periods. */
  healthy(): boolean {
    if (!this.servicesSynced || !this.slicesSynced) return true;
    return this.sinceLastSuccess() * 1000 < 2 * this.config.syncPeriodMs;
  }

  start(): void {
    this.schedulePeriodic();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.periodic?.cancel();
    await this.running;
  }

  private schedulePeriodic(): void {
    if (this.stopped) return;
    this.periodic = this.config.clock.setTimer(() => {
      this.needFullSync = true;
      this.requestSync();
      this.schedulePeriodic();
    }, this.config.syncPeriodMs);
  }

  /** Asks for a sync; runs one now or when --min-sync-period allows. */
  requestSync(): void {
    if (this.stopped || !this.servicesSynced || !this.slicesSynced) return;
    this.pending = true;
    if (this.running || this.timer) return;
    const wait = this.lastSyncStart + this.config.minSyncPeriodMs - this.config.clock.now();
    if (wait > 0) {
      this.timer = this.config.clock.setTimer(() => {
        this.timer = undefined;
        this.requestSync();
      }, wait);
      return;
    }
    this.pending = false;
    this.running = this.sync().finally(() => {
      this.running = undefined;
      if (this.pending) this.requestSync();
    });
  }

  /** Waits for the sync under way (if any). */
  async idle(): Promise<void> {
    while (this.running || this.timer) await (this.running ?? this.config.clock.sleep(10));
  }

  private async sync(): Promise<void> {
    const { clock, metrics, log, iptables } = this.config;
    const start = clock.now();
    this.lastSyncStart = start;
    const full = this.needFullSync || start - this.lastFullSync > this.config.syncPeriodMs;
    const changed = [...this.changed];
    this.changed.clear();
    const triggers = this.triggerTimes.splice(0);
    const family = { ip_family: this.config.family };
    try {
      if (full && iptables) await iptables.ensureJumps();
      // A full dry-run sync deletes the chains the state's last sync used (no kernel to ask).
      const existing = full && iptables ? await iptables.natChains() : undefined;
      const ruleset = await this.config.state.sync({ full, ...(existing ? { existingNatChains: existing } : {}) });
      if (iptables) await iptables.restore(ruleset.rules);
      else if (this.config.rulesFile) writeFileSync(this.config.rulesFile, ruleset.rules);
      this.needFullSync = false;
      if (full) this.lastFullSync = start;
      const end = clock.now();
      this.lastSuccess = end;
      const seconds = (end - start) / 1000;
      metrics.syncDuration.observe(family, seconds);
      (full ? metrics.syncFullDuration : metrics.syncPartialDuration).observe(family, seconds);
      metrics.rulesTotal.set({ table: 'filter', ...family }, ruleset.filterRules);
      metrics.rulesTotal.set({ table: 'nat', ...family }, ruleset.natRulesTotal);
      metrics.rulesLastSync.set({ table: 'filter', ...family }, ruleset.filterRules);
      metrics.rulesLastSync.set({ table: 'nat', ...family }, ruleset.natRules);
      metrics.lastSyncTimestamp.set(family, end / 1000);
      metrics.noLocalEndpoints.set({ traffic_policy: 'internal', ...family }, ruleset.noLocalEndpointsInternal);
      metrics.noLocalEndpoints.set({ traffic_policy: 'external', ...family }, ruleset.noLocalEndpointsExternal);
      for (const trigger of triggers) metrics.programmingDuration.observe(family, Math.max(0, (end - trigger) / 1000));
      log.info({ ipFamily: this.config.family, full, changedServices: changed.length, seconds, bytes: ruleset.rules.length }, 'synced proxy rules');
      await this.flushConntrack();
    } catch (error) {
      metrics.restoreFailures.inc(family);
      if (!full) metrics.partialRestoreFailures.inc(family);
      this.needFullSync = true;
      log.error({ err: error, full }, 'sync failed; the next sync is a full one');
      this.config.clock.setTimer(() => this.requestSync(), this.config.minSyncPeriodMs);
    }
  }

  private async flushConntrack(): Promise<void> {
    const bySvc = new Map<string, EndpointSlice[]>();
    for (const slice of this.slices.values()) {
      const key = serviceOfSlice(slice);
      bySvc.set(key, [...(bySvc.get(key) ?? []), slice]);
    }
    const now = udpEndpoints(this.services.values(), bySvc, this.config.family);
    const removed = removedUdpEndpoints(this.lastUdp, now);
    this.lastUdp = now;
    if (!this.config.iptables) return;
    for (const [serviceIP, endpointIP] of removed) {
      await new Promise<void>((resolve) => {
        execFile('conntrack', [...(this.config.family === 'IPv6' ? ['-f', 'ipv6'] : []), '-D', '-p', 'udp', '--orig-dst', serviceIP, '--dst-nat', endpointIP], (error) => {
          // conntrack exits 1 when no entry matched.
          if (error && (error as { code?: number }).code !== 1) this.config.log.warn({ err: error, serviceIP, endpointIP }, 'conntrack flush failed');
          resolve();
        });
      });
    }
  }
}

