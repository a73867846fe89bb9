// The admission webhook metrics kube-apiserver exports, with its names, labels and buckets:
// how long each webhook took (and whether it rejected), its calls by HTTP code, its rejections by
// error type and code, and the failures let through by failurePolicy Ignore.
import { Counter, Histogram, type Registry } from 'prom-client';
import type { WebhookType } from './webhook-configurations.js';

/** kube-apiserver's `type` label: "admit" for mutating webhooks, "validating" for validating ones. */
function typeLabel(type: WebhookType): string {
  return type === 'mutating' ? 'admit' : 'validating';
}

export type RejectionErrorType = 'calling_webhook_error' | 'apiserver_internal_error' | 'no_error';

export class WebhookMetrics {
  private readonly duration: Histogram<'name' | 'type' | 'operation' | 'rejected'>;
  private readonly requests: Counter<'name' | 'type' | 'operation' | 'code' | 'rejected'>;
  private readonly rejections: Counter<'name' | 'type' | 'operation' | 'error_type' | 'rejection_code'>;
  private readonly failOpen: Counter<'name' | 'type'>;

  constructor(registry: Registry) {
    this.duration = new Histogram({
      name: 'apiserver_admission_webhook_admission_duration_seconds',
      help: 'Admission webhook latency histogram in seconds, identified by name and broken out for each operation and API resource and type (validate or admit).',
      labelNames: ['name', 'type', 'operation', 'rejected'],
      buckets: [0.005, 0.025, 0.1, 0.5, 1.0, 2.5, 10, 25],
      registers: [registry],
    });
    this.requests = new Counter({
      name: 'apiserver_admission_webhook_request_total',
      help: 'Admission webhook request total, identified by name and broken out for each admission type (validating or mutating) and operation.',
      labelNames: ['name', 'type', 'operation', 'code', 'rejected'],
      registers: [registry],
    });
    this.rejections = new Counter({
      name: 'apiserver_admission_webhook_rejection_count',
      help: 'Admission webhook rejection count, identified by name and broken out for each admission type (validating or admit) and operation.',
      labelNames: ['name', 'type', 'operation', 'error_type', 'rejection_code'],
      registers: [registry],
    });
    this.failOpen = new Counter({
      name: 'apiserver_admission_webhook_fail_open_count',
      help: 'Admission webhook fail open count, identified by name and broken out for each admission type (validating or mutating).',
      labelNames: ['name', 'type'],
      registers: [registry],
    });
  }

  /** One call that got an answer (`code` the HTTP status; 0 when the call failed). */
  observe(name: string, type: WebhookType, operation: string, seconds: number, rejected: boolean, code: number): void {
    const labels = { name, type: typeLabel(type), operation, rejected: String(rejected) };
    this.duration.observe(labels, seconds);
    this.requests.inc({ ...labels, code: String(code) });
  }

  rejected(name: string, type: WebhookType, operation: string, errorType: RejectionErrorType, code: number): void {
    this.rejections.inc({ name, type: typeLabel(type), operation, error_type: errorType, rejection_code: String(code) });
  }

  failedOpen(name: string, type: WebhookType): void {
    this.failOpen.inc({ name, type: typeLabel(type) });
  }
}
