// kube-scheduler's metrics for scheduling attempts, by result (scheduled, unschedulable, error)
// and profile.
import { Counter, Histogram, type Registry } from 'prom-client';

export type AttemptResult = 'scheduled' | 'unschedulable' | 'error';

export class SchedulerMetrics {
  private readonly attempts: Counter<'result' | 'profile'>;
  private readonly duration: Histogram<'result' | 'profile'>;

  constructor(registry: Registry) {
    this.attempts = new Counter({
      name: 'scheduler_schedule_attempts_total',
      help: 'Scheduling attempts, by result (scheduled, unschedulable, error) and profile.',
      labelNames: ['result', 'profile'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'scheduler_scheduling_attempt_duration_seconds',
      help: 'Latency of one scheduling attempt (algorithm and binding), by result and profile.',
      labelNames: ['result', 'profile'],
      // kube-scheduler: exponential buckets from 1 ms, factor 2, 15 buckets.
      buckets: Array.from({ length: 15 }, (_, i) => 0.001 * 2 ** i),
      registers: [registry],
    });
  }

  attempt(result: AttemptResult, profile: string, seconds: number): void {
    this.attempts.inc({ result, profile });
    this.duration.observe({ result, profile }, seconds);
  }
}
