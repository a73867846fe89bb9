// The kubelet's probe manager: a worker for every liveness, readiness and startup probe of a
// pod's containers (sidecars included), and their counted results by container id. The pod worker
// asks it after each look at the runtime: it marks each running container started (startup probe)
// and ready (readiness probe), and names the containers whose liveness or startup probe failed,
// to be killed (and restarted per restartPolicy) with the probe's or the pod's grace period.
// A counted result that changes re-queues the pod, so its status follows the probes.
import type { Container, Pod, Probe } from 'kubernetes-types/core/v1.js';
import type { Clock } from '../../../lib/client/clock.js';
import type { EventRecorder } from '../../../lib/client/event-recorder.js';
import type { KubeletMetrics } from '../metrics.js';
import { recordPodEvent } from '../pods/pod-events.js';
import type { ContainerKill, PodObservation, PodRuntime } from '../runtime/pod-runtime.js';
import type { ProbeResult } from './probe-outcome.js';
import { ProbeWorker, type ProbeType } from './probe-worker.js';

export interface ProbeManagerConfig {
  clock: Clock;
  events?: EventRecorder;
  /** prober_probe_total and prober_probe_duration_seconds. */
  metrics?: Pick<KubeletMetrics, 'probes' | 'probeDuration'>;
  /** A probe's counted result changed: the pod's worker should sync it. */
  onChange(uid: string): void;
}

/** A container to kill because a probe failed, with the message of its Killing event. */
export interface UnhealthyKill extends ContainerKill {
  message: string;
}

const PROBES: readonly [ProbeType, (c: Container) => Probe | undefined][] = [
  ['Liveness', (c) => c.livenessProbe],
  ['Readiness', (c) => c.readinessProbe],
  ['Startup', (c) => c.startupProbe],
];

/** The result label of Kubernetes' prober metrics. */
const PROBE_METRIC_RESULT = { success: 'successful', failure: 'failed', error: 'unknown' } as const;

/** Containers whose probes run: the containers and the sidecars (init containers with restartPolicy Always). */
function probedSpecs(pod: Pod): Container[] {
  return [...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'), ...(pod.spec?.containers ?? [])];
}

export class ProbeManager {
  private readonly workers = new Map<string, ProbeWorker>();
  private readonly results = new Map<string, ProbeResult>();
  /** Containers whose Killing event was recorded (a kill is asked for on every sync until it happened). */
  private readonly killing = new Set<string>();
  private readonly pods = new Map<string, Pod>();
  /** The container ids of each pod seen last, whose results are kept. */
  private readonly containerIds = new Map<string, Set<string>>();

  constructor(private readonly config: ProbeManagerConfig) {}

  /**
   * Keeps the pod's workers in line with its spec and what runs, sets started and ready on the
   * running containers of `observed`, and returns the containers a failed probe must kill.
   */
  apply(pod: Pod, runtime: PodRuntime, observed: PodObservation | undefined, hostIP: string): UnhealthyKill[] {
    const uid = pod.metadata?.uid ?? '';
    this.pods.set(uid, pod);
    const podIP = pod.spec?.hostNetwork ? hostIP : (observed?.sandbox?.ips[0] ?? '');
    const wanted = new Set<string>();
    const kills: UnhealthyKill[] = [];
    for (const spec of probedSpecs(pod)) {
      const container = observed?.containers.find((c) => c.name === spec.name);
      const id = container?.id ?? '';
      const started = !spec.startupProbe || this.results.get(`Startup/${id}`) === 'success';
      for (const [type, probeOf] of PROBES) {
        const probe = probeOf(spec);
        if (!probe) continue;
        const key = `${uid}/${spec.name}/${type}`;
        wanted.add(key);
        let worker = this.workers.get(key);
        if (!worker) {
          worker = this.newWorker(type, probe, spec, uid, runtime);
          this.workers.set(key, worker);
          worker.update({ container, podIP, started });
          worker.start();
        } else worker.update({ container, podIP, started });
      }
      if (!container || container.state !== 'running') continue;
      container.started = started;
      if (!started) container.ready = false;
      else if (spec.readinessProbe) {
        const readiness = this.results.get(`Readiness/${id}`);
        container.ready = readiness === 'success';
        // As Kubernetes' prober manager: a readiness not known yet is probed at once, not a period later.
        if (readiness === undefined) this.workers.get(`${uid}/${spec.name}/Readiness`)?.trigger();
      }
      const failed = this.results.get(`Liveness/${id}`) === 'failure' ? 'liveness' : this.results.get(`Startup/${id}`) === 'failure' ? 'startup' : undefined;
      if (failed) {
        const probe = failed === 'liveness' ? spec.livenessProbe : spec.startupProbe;
        const gracePeriodSeconds = probe?.terminationGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
        const restarts = pod.spec?.restartPolicy !== 'Never' || spec.restartPolicy === 'Always';
        const message = `Container ${spec.name} failed ${failed} probe${restarts ? ', will be restarted' : ''}`;
        kills.push({ name: spec.name, gracePeriodSeconds, reason: 'Unhealthy', message });
        if (!this.killing.has(id)) {
          this.killing.add(id);
          recordPodEvent(this.config.events, pod, 'Normal', 'Killing', 'Killing', message);
        }
      }
    }
    for (const [key, worker] of this.workers) {
      if (key.startsWith(`${uid}/`) && !wanted.has(key)) this.stopWorker(key, worker);
    }
    this.forgetReplaced(uid, observed);
    return kills;
  }

  /** Stops the pod's workers (deleted, finished or gone). */
  removePod(uid: string): void {
    for (const [key, worker] of this.workers) if (key.startsWith(`${uid}/`)) this.stopWorker(key, worker);
    this.pods.delete(uid);
    for (const id of this.containerIds.get(uid) ?? []) this.forgetContainer(id);
    this.containerIds.delete(uid);
  }

  stop(): void {
    for (const worker of this.workers.values()) worker.stop();
    this.workers.clear();
  }

  /** Stops a worker and drops its metric series (key: uid/container/type). */
  private stopWorker(key: string, worker: ProbeWorker): void {
    worker.stop();
    this.workers.delete(key);
    const [uid = '', container = '', type = ''] = key.split('/');
    const pod = this.pods.get(uid);
    const labels = { probe_type: type, container, pod: pod?.metadata?.name ?? '', namespace: pod?.metadata?.namespace ?? '', pod_uid: uid };
    for (const result of Object.values(PROBE_METRIC_RESULT)) this.config.metrics?.probes.remove({ ...labels, result });
    this.config.metrics?.probeDuration.remove(labels);
  }

  private newWorker(type: ProbeType, probe: Probe, spec: Container, uid: string, runtime: PodRuntime): ProbeWorker {
    return new ProbeWorker({
      type,
      probe,
      spec,
      uid,
      runtime,
      clock: this.config.clock,
      onResult: (containerId, result) => {
        const key = `${type}/${containerId}`;
        if (this.results.get(key) === result) return;
        this.results.set(key, result);
        this.config.onChange(uid);
      },
      onProbed: (outcome, seconds) => {
        const pod = this.pods.get(uid);
        if (!pod) return;
        const labels = { probe_type: type, container: spec.name, pod: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? '', pod_uid: uid };
        this.config.metrics?.probes.inc({ ...labels, result: PROBE_METRIC_RESULT[outcome.result] });
        this.config.metrics?.probeDuration.observe(labels, seconds);
        if (outcome.result === 'success') return;
        const verb = outcome.result === 'error' ? 'errored' : 'failed';
        recordPodEvent(this.config.events, pod, 'Warning', 'Unhealthy', 'Probing', `${type} probe ${verb}: ${outcome.output.trimEnd()}`);
      },
    });
  }

  /** Results and kill marks of the pod's containers that are no longer its latest instances go. */
  private forgetReplaced(uid: string, observed: PodObservation | undefined): void {
    const current = new Set((observed?.containers ?? []).map((c) => c.id));
    const before = this.containerIds.get(uid) ?? new Set<string>();
    for (const id of before) if (!current.has(id)) this.forgetContainer(id);
    this.containerIds.set(uid, current);
  }

  private forgetContainer(id: string): void {
    for (const [type] of PROBES) this.results.delete(`${type}/${id}`);
    this.killing.delete(id);
  }
}
