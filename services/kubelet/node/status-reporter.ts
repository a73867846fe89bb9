// Node status for every hosted node from ONE ticker: computed every update period (10 s), written
// when it changed and otherwise at least every report period (5 min). Each node's periodic
// report is spread over the first report period so many simulated nodes do not write at once.
import type { Node } from 'kubernetes-types/core/v1.js';
import { createMergePatch } from '../../../lib/api/patch/merge-patch.js';
import { findResource } from '../../../lib/api/resources.js';
import type { Clock, Timer } from '../../../lib/client/clock.js';
import type { RequestPool } from '../../../lib/client/request-pool.js';
import type { RestClient } from '../../../lib/client/rest-client.js';
import type { Logger } from '../../../lib/observe/logger.js';
import type { HostedNode } from '../hosted-node.js';
import { nodeStatus, statusFingerprint } from './node-object.js';

const NODES = findResource('', 'v1', 'nodes')!;

export interface StatusReporterConfig {
  nodes: ReadonlyMap<string, HostedNode>;
  client: RestClient;
  pool: RequestPool;
  clock: Clock;
  log: Logger;
  updatePeriodMs: number;
  reportPeriodMs: number;
  random?: () => number;
}

interface Reported {
  fingerprint: string;
  nextReportAt: number;
  inFlight: boolean;
}

export class NodeStatusReporter {
  private readonly reported = new Map<string, Reported>();
  private timer: Timer | undefined;
  private stopped = false;

  constructor(private readonly config: StatusReporterConfig) {}

  /** Writes each node's status now unless the stored one is current, then keeps it current. */
  async start(): Promise<void> {
    const random = this.config.random ?? Math.random;
    for (const hosted of this.config.nodes.values()) {
      const stored = hosted.node.status ? statusFingerprint(hosted.node.status) : '';
      this.reported.set(hosted.identity.name, { fingerprint: stored, nextReportAt: this.config.clock.now() + random() * this.config.reportPeriodMs, inFlight: false });
    }
    await Promise.all([...this.config.nodes.values()].map((hosted) => this.report(hosted)));
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.config.clock.setTimer(() => {
      void Promise.all([...this.config.nodes.values()].map((hosted) => this.report(hosted))).finally(() => this.schedule());
    }, this.config.updatePeriodMs);
  }

  private async report(hosted: HostedNode): Promise<void> {
    const { clock } = this.config;
    const name = hosted.identity.name;
    const entry = this.reported.get(name) ?? { fingerprint: '', nextReportAt: 0, inFlight: false };
    this.reported.set(name, entry);
    if (entry.inFlight) return;
    const now = clock.now();
    const health = await hosted.runtime.health().catch((error: unknown) => ({ ready: false, message: (error as Error).message }));
    const images = (await hosted.runtime.images?.().catch(() => [])) ?? [];
    const status = nodeStatus(hosted.identity, { runtimeReady: health.ready, runtimeMessage: health.message }, hosted.runtimeVersion, images, hosted.node.status, now);
    const print = statusFingerprint(status);
    if (print === entry.fingerprint && now < entry.nextReportAt) return;
    entry.inFlight = true;
    try {
      const patch = { status: createMergePatch((hosted.node.status ?? {}) as Record<string, unknown>, JSON.parse(JSON.stringify(status)) as Record<string, unknown>) };
      hosted.node = await this.config.pool.run('urgent', () => this.config.client.patch<Node>(NODES, { name, subresource: 'status' }, patch, 'merge'));
      entry.fingerprint = print;
      entry.nextReportAt = now + this.config.reportPeriodMs;
    } catch (error) {
      this.config.log.warn({ node: name, err: (error as Error).message }, 'node status not written');
    } finally {
      entry.inFlight = false;
    }
  }
}
