// One probe of one container, run every periodSeconds as Kubernetes' probe worker runs it: not
// before initialDelaySeconds after the container started; liveness and readiness only once the
// startup probe succeeded, the startup probe no more after; a result counts once it repeats
// successThreshold (success) or failureThreshold (failure) times in a row; a failed liveness or
// startup probe holds the worker until the container is replaced (a new container id).
import type { Container, Probe } from 'kubernetes-types/core/v1.js';
import type { Clock, Timer } from '../../../lib/client/clock.js';
import type { ContainerObservation, PodRuntime } from '../runtime/pod-runtime.js';
import type { ProbeOutcome, ProbeResult } from './probe-outcome.js';
import { runProbe } from './prober.js';

export type ProbeType = 'Liveness' | 'Readiness' | 'Startup';

export interface ProbeWorkerConfig {
  type: ProbeType;
  probe: Probe;
  spec: Container;
  uid: string;
  runtime: PodRuntime;
  clock: Clock;
  /** A counted result for the container (after the thresholds). */
  onResult(containerId: string, result: ProbeResult): void;
  /** Every run, with how long it took (metrics; failed and errored runs make the Unhealthy event). */
  onProbed(outcome: ProbeOutcome, seconds: number): void;
}

/** What the worker knows of its container, told by the pod worker after every sync. */
export interface ProbedContainer {
  container: ContainerObservation | undefined;
  podIP: string;
  /** The startup probe succeeded (or there is none). */
  started: boolean;
}

export class ProbeWorker {
  private current: ProbedContainer = { container: undefined, podIP: '', started: false };
  private containerId = '';
  private lastResult: ProbeResult | undefined;
  private resultRun = 0;
  private onHold = false;
  private timer: Timer | undefined;
  private stopped = false;
  private probing = false;
  /** The container an immediate probe was run for (once per container). */
  private triggeredFor = '';

  constructor(private readonly config: ProbeWorkerConfig) {}

  update(state: ProbedContainer): void {
    this.current = state;
    const id = state.container?.id ?? '';
    if (id && id !== this.containerId) {
      this.containerId = id;
      this.lastResult = undefined;
      this.resultRun = 0;
      this.onHold = false;
    }
  }

  start(): void {
    this.schedule(0);
  }

  /** Probes the current container now instead of at the next period, once (a readiness not known yet). */
  trigger(): void {
    if (this.probing || this.stopped || !this.containerId || this.triggeredFor === this.containerId) return;
    this.triggeredFor = this.containerId;
    this.timer?.cancel();
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.config.clock.setTimer(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    this.probing = true;
    try {
      await this.doProbe();
    } finally {
      this.probing = false;
      this.schedule((this.config.probe.periodSeconds || 10) * 1000);
    }
  }

  private async doProbe(): Promise<void> {
    const { container, podIP, started } = this.current;
    if (this.onHold || !container || container.state !== 'running' || container.id !== this.containerId) return;
    const { type, probe } = this.config;
    if (type === 'Startup' ? started : !started) return;
    const startedAt = container.startedAt ?? container.createdAt;
    if (this.config.clock.now() - startedAt < (probe.initialDelaySeconds ?? 0) * 1000) return;

    const id = this.containerId;
    const began = this.config.clock.now();
    const outcome = await runProbe(probe, { runtime: this.config.runtime, uid: this.config.uid, container: this.config.spec, podIP });
    if (this.stopped || id !== this.containerId) return;
    this.config.onProbed(outcome, (this.config.clock.now() - began) / 1000);
    if (outcome.result === 'error') return;
    if (outcome.result === this.lastResult) this.resultRun++;
    else {
      this.lastResult = outcome.result;
      this.resultRun = 1;
    }
    const threshold = outcome.result === 'failure' ? (probe.failureThreshold || 3) : (probe.successThreshold || 1);
    if (this.resultRun < threshold) return;
    this.config.onResult(id, outcome.result);
    if (type !== 'Readiness' && outcome.result === 'failure') {
      this.onHold = true;
      this.resultRun = 0;
    }
  }
}
