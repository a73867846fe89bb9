// The DNS server over a set of cluster records: answers, cache, forwarder and listeners put
// together, listening on host:port. The process (main.ts) feeds the records from informers; tests
// and the benchmark feed them directly.
import type { Registry } from 'prom-client';
import type { Logger } from '../../lib/observe/logger.js';
import { AnswerCache } from './answer-cache.js';
import { ClusterAnswers } from './cluster-answers.js';
import type { ClusterRecords } from './cluster-records.js';
import { Forwarder } from './forwarder.js';
import { DnsListeners } from './listeners.js';
import { DnsMetrics } from './metrics.js';
import { QueryHandler } from './query-handler.js';
import type { Upstream } from './upstreams.js';

export interface DnsServerConfig {
  records: ClusterRecords;
  host: string;
  /** 0: a free port. */
  port: number;
  zone: string;
  ttl: number;
  upstreams: readonly Upstream[];
  cacheSize: number;
  registry: Registry;
  log: Logger;
  now: () => number;
  forwardTimeoutMs?: number;
}

export interface RunningDnsServer {
  port: number;
  close(): Promise<void>;
}

export async function startDnsServer(config: DnsServerConfig): Promise<RunningDnsServer> {
  const zone = config.zone.replace(/\.$/, '').toLowerCase();
  const cache = new AnswerCache(config.cacheSize);
  const server = `dns://:${config.port}`;
  const metrics = new DnsMetrics(config.registry, server, () => cache.size);
  const forwarder = new Forwarder(config.upstreams, config.forwardTimeoutMs);
  const answers = new ClusterAnswers(config.records, { zone, ttl: config.ttl });
  const handler = new QueryHandler({ records: config.records, answers, forwarder, cache, metrics, ttl: config.ttl, server, now: config.now });
  const listeners = new DnsListeners(handler, config.log);
  const port = await listeners.listen(config.host, config.port);
  return {
    port,
    async close() {
      forwarder.close();
      await listeners.close();
    },
  };
}
