// The DNS server's metrics, by CoreDNS's names (plugin/metrics, plugin/cache, plugin/forward).
// Label children are looked up once per label set, since every query counts.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

const DURATION_BUCKETS = [0.00025, 0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192];

type Child = { inc(value?: number): void };
type Observer = { observe(value: number): void };

function children<L extends string, C>(metric: { labels(labels: Record<L, string>): C }): (labels: Record<L, string>) => C {
  const made = new Map<string, C>();
  return (labels) => {
    const key = Object.values(labels).join('\u0000');
    let child = made.get(key);
    if (!child) made.set(key, (child = metric.labels(labels)));
    return child;
  };
}

export class DnsMetrics {
  readonly requests: (labels: Record<'server' | 'zone' | 'proto' | 'family' | 'type', string>) => Child;
  readonly responses: (labels: Record<'server' | 'zone' | 'rcode' | 'plugin', string>) => Child;
  readonly duration: (labels: Record<'server' | 'zone' | 'type', string>) => Observer;
  readonly cacheHits: (labels: Record<'server' | 'type', string>) => Child;
  readonly cacheMisses: (labels: Record<'server', string>) => Child;
  readonly cacheEntries: Gauge<'server' | 'type'>;
  readonly forwardRequests: (labels: Record<'to', string>) => Child;
  readonly forwardResponses: (labels: Record<'to' | 'rcode', string>) => Child;
  readonly truncated: (labels: Record<'server', string>) => Child;

  constructor(registry: Registry, server: string, cacheSize: () => number) {
    const registers = [registry];
    this.requests = children(new Counter({ name: 'coredns_dns_requests_total', help: 'Counter of DNS requests made per zone, protocol and family.', labelNames: ['server', 'zone', 'proto', 'family', 'type'], registers }));
    this.responses = children(new Counter({ name: 'coredns_dns_responses_total', help: 'Counter of response status codes.', labelNames: ['server', 'zone', 'rcode', 'plugin'], registers }));
    this.duration = children(new Histogram({ name: 'coredns_dns_request_duration_seconds', help: 'Histogram of the time (in seconds) each request took per zone.', labelNames: ['server', 'zone', 'type'], buckets: DURATION_BUCKETS, registers }));
    this.cacheHits = children(new Counter({ name: 'coredns_cache_hits_total', help: 'The count of cache hits.', labelNames: ['server', 'type'], registers }));
    this.cacheMisses = children(new Counter({ name: 'coredns_cache_misses_total', help: 'The count of cache misses.', labelNames: ['server'], registers }));
    this.cacheEntries = new Gauge({
      name: 'coredns_cache_entries',
      help: 'The number of elements in the cache.',
      labelNames: ['server', 'type'],
      registers,
      collect() {
        this.set({ server, type: 'success' }, cacheSize());
      },
    });
    this.forwardRequests = children(new Counter({ name: 'coredns_forward_requests_total', help: 'Counter of requests made per upstream.', labelNames: ['to'], registers }));
    this.forwardResponses = children(new Counter({ name: 'coredns_forward_responses_total', help: 'Counter of responses received per upstream.', labelNames: ['to', 'rcode'], registers }));
    this.truncated = children(new Counter({ name: 'coredns_dns_truncated_responses_total', help: 'Counter of UDP responses truncated to fit (TC bit set).', labelNames: ['server'], registers }));
  }
}
