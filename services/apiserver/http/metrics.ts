// apiserver_request_total and apiserver_request_duration_seconds, labelled like Kubernetes' by
// verb, group, version, resource, subresource, scope and code.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';

export interface RequestLabels {
  verb: string;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  scope: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    metricLabels?: RequestLabels;
  }
}

const LABELS = ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'code'] as const;

export class RequestMetrics {
  private readonly total: Counter<(typeof LABELS)[number]>;
  private readonly duration: Histogram<(typeof LABELS)[number]>;

  constructor(registry: Registry) {
    this.total = new Counter({
      name: 'apiserver_request_total',
      help: 'Counter of apiserver requests broken out for each verb, group, version, resource, subresource, scope and HTTP response code.',
      labelNames: LABELS,
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'apiserver_request_duration_seconds',
      help: 'Response latency distribution in seconds for each verb, group, version, resource, subresource, scope and code.',
      labelNames: LABELS,
      buckets: [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60],
      registers: [registry],
    });
  }

  /** Label sets seen so far, so a request costs a map lookup rather than a label hash. */
  private readonly children = new Map<string, { total: { inc(): void }; duration: { observe(value: number): void } }>();

  observe(labels: RequestLabels, code: number, seconds: number): void {
    const key = `${labels.verb} ${labels.group} ${labels.version} ${labels.resource} ${labels.subresource} ${labels.scope} ${code}`;
    let child = this.children.get(key);
    if (!child) {
      const all = { ...labels, code: String(code) };
      child = { total: this.total.labels(all), duration: this.duration.labels(all) };
      this.children.set(key, child);
    }
    child.total.inc();
    child.duration.observe(seconds);
  }

  /** Counts every request that completes through Fastify; hijacked watches report themselves. */
  install(app: FastifyInstance): void {
    app.addHook('onResponse', (request: FastifyRequest, reply, done) => {
      const labels = request.metricLabels ?? { verb: request.method, group: '', version: '', resource: '', subresource: '', scope: '' };
      this.observe(labels, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
  }
}
