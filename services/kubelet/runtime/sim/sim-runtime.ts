// The simulated runtime of one node (KWOK-like): no processes, only containers whose state moves
// through the configured stages on the injected clock. Sandboxes get addresses from the node's
// pod CIDR; everything lives in the process's SimCheckpoint so a restarted kubelet adopts it.
import { randomBytes } from 'node:crypto';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { Clock, Timer } from '../../../../lib/client/clock.js';
import { nthPodAddress, parseCidr, podAddressCount, type Cidr } from '../../network/cidr.js';
import type {
  PodKillTarget,
  PodObservation,
  PodRuntime,
  PodSyncPlan,
  PodSyncResult,
  RuntimeHealth,
  RuntimeVersion,
  SyncFailure,
} from '../pod-runtime.js';
import type { SimCheckpoint, SimContainerRecord, SimPodRecord } from './checkpoint.js';
import { stageDelay, stagesFor, type PodStages, type Stage } from './stages.js';

export const SIM_RUNTIME_VERSION = '0.1.0';
/** How a container killed at the end of its grace period exits (SIGKILL). */
const KILLED_EXIT_CODE = 137;

export interface SimRuntimeConfig {
  nodeName: string;
  clock: Clock;
  stages: readonly Stage[];
  checkpoint: SimCheckpoint;
  random?: () => number;
}

function newId(): string {
  return randomBytes(16).toString('hex');
}

function exitReason(code: number): string {
  return code === 0 ? 'Completed' : 'Error';
}

export class SimRuntime implements PodRuntime {
  private readonly pods: Map<string, SimPodRecord>;
  private readonly timers = new Map<string, Timer>();
  private readonly listeners = new Set<(uid: string) => void>();
  private readonly random: () => number;
  private subnet: Cidr | undefined;
  private readonly usedAddresses = new Set<string>();
  private nextAddress = 0;

  constructor(private readonly config: SimRuntimeConfig) {
    this.random = config.random ?? Math.random;
    this.pods = config.checkpoint.pods(config.nodeName);
    // Containers adopted from the checkpoint keep their pending stages.
    for (const pod of this.pods.values()) {
      if (pod.sandbox?.ready) for (const ip of pod.sandbox.ips) this.usedAddresses.add(ip);
      for (const container of Object.values(pod.containers)) this.armStages(pod, container);
    }
  }

  async version(): Promise<RuntimeVersion> {
    return { runtimeName: 'sim', runtimeVersion: SIM_RUNTIME_VERSION };
  }

  async health(): Promise<RuntimeHealth> {
    return { ready: true };
  }

  async setPodCIDRs(cidrs: string[]): Promise<void> {
    const ipv4 = cidrs.find((c) => c.includes('.'));
    this.subnet = ipv4 ? parseCidr(ipv4) : undefined;
  }

  async syncPod(pod: Pod, plan: PodSyncPlan): Promise<PodSyncResult> {
    const uid = pod.metadata?.uid ?? '';
    let record = this.pods.get(uid);
    if (!record) {
      record = { uid, name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? '', containers: {} };
      this.pods.set(uid, record);
    }
    const failures: SyncFailure[] = [];
    if (plan.ensureSandbox && !record.sandbox?.ready) {
      const ips = pod.spec?.hostNetwork ? [] : this.allocateAddress();
      if (ips === undefined) {
        failures.push({ reason: 'FailedCreatePodSandBox', message: this.subnet ? `no free address left in the node's pod CIDR` : 'the node has no pod CIDR yet' });
        this.config.checkpoint.changed();
        return { observed: this.observe(record), failures };
      }
      if (record.sandbox) this.releaseAddresses(record.sandbox.ips);
      record.sandbox = { id: newId(), ready: true, createdAt: this.config.clock.now(), ips };
    }
    for (const kill of plan.kill) await this.killContainer(record, kill.name, kill.gracePeriodSeconds, pod);
    const stages = stagesFor(this.config.stages, pod);
    for (const name of plan.start) {
      const spec = findContainer(pod, name);
      if (!spec) {
        failures.push({ container: name, reason: 'CreateContainerError', message: `no container named "${name}" in the pod's spec` });
        break;
      }
      this.startContainer(record, spec.container, spec.init, stages);
    }
    this.config.checkpoint.changed();
    return { observed: this.observe(record), failures };
  }

  async killPod(target: PodKillTarget, gracePeriodSeconds: number): Promise<void> {
    const record = this.pods.get(target.uid);
    if (!record) return;
    const running = Object.values(record.containers).filter((c) => c.state === 'running' || c.state === 'created');
    await Promise.all(running.map((c) => this.killContainer(record, c.name, gracePeriodSeconds, target.pod)));
    if (record.sandbox?.ready) {
      record.sandbox.ready = false;
      this.releaseAddresses(record.sandbox.ips);
    }
    this.config.checkpoint.changed();
  }

  async removePod(uid: string): Promise<void> {
    const record = this.pods.get(uid);
    if (!record) return;
    for (const name of Object.keys(record.containers)) this.cancelTimer(uid, name);
    if (record.sandbox?.ready) this.releaseAddresses(record.sandbox.ips);
    this.pods.delete(uid);
    this.config.checkpoint.changed();
  }

  async podStatus(uid: string): Promise<PodObservation | undefined> {
    const record = this.pods.get(uid);
    return record ? this.observe(record) : undefined;
  }

  async relist(): Promise<PodObservation[]> {
    return [...this.pods.values()].map((record) => this.observe(record));
  }

  onChange(listener: (uid: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
    this.listeners.clear();
  }

  private observe(record: SimPodRecord): PodObservation {
    const containers = Object.values(record.containers).map((c) => {
      const { init: _init, startAt: _startAt, readyAt: _readyAt, exitAt: _exitAt, plannedExitCode: _planned, ...observed } = c;
      return observed;
    });
    const observation: PodObservation = { uid: record.uid, name: record.name, namespace: record.namespace, containers };
    if (record.sandbox) observation.sandbox = { ...record.sandbox, ips: [...record.sandbox.ips] };
    return observation;
  }

  private startContainer(record: SimPodRecord, spec: Container, init: boolean, stages: PodStages): void {
    const previous = record.containers[spec.name];
    if (previous && (previous.state === 'running' || previous.state === 'created')) return;
    this.cancelTimer(record.uid, spec.name);
    const now = this.config.clock.now();
    const container: SimContainerRecord = {
      name: spec.name,
      id: `sim://${newId()}`,
      image: spec.image ?? '',
      imageRef: imageRef(spec.image ?? ''),
      attempt: previous ? previous.attempt + 1 : 0,
      state: 'created',
      createdAt: now,
      init,
    };
    record.containers[spec.name] = container;
    const start = stages.start ? stageDelay(stages.start, this.random) : 0;
    const startedAt = now + start;
    // A run-to-completion init container exits 0 once it would be ready; the others follow the stages.
    const ready = stages.ready ? startedAt + stageDelay(stages.ready, this.random) : undefined;
    if (init) {
      container.exitAt = ready ?? startedAt;
      container.plannedExitCode = 0;
    } else {
      if (ready !== undefined) container.readyAt = ready;
      if (stages.exit) {
        container.exitAt = startedAt + stageDelay(stages.exit, this.random);
        container.plannedExitCode = stages.exit.exitCode;
      }
    }
    if (start <= 0) this.markRunning(container, now);
    else container.startAt = startedAt;
    this.armStages(record, container, start > 0 ? startedAt : undefined);
  }

  private markRunning(container: SimContainerRecord, at: number): void {
    container.state = 'running';
    container.startedAt = at;
    container.ready = false;
  }

  /** Arms one timer for the container's next due stage; each firing re-arms for the next. */
  private armStages(record: SimPodRecord, container: SimContainerRecord, startAt?: number): void {
    const step = (): void => {
      const now = this.config.clock.now();
      const pendingStart = container.startAt;
      let changed = false;
      if (container.state === 'created' && pendingStart !== undefined && pendingStart <= now) {
        this.markRunning(container, pendingStart);
        changed = true;
      }
      if (container.state === 'running') {
        if (container.readyAt !== undefined && container.readyAt <= now && !container.ready) {
          container.ready = true;
          changed = true;
        }
        if (container.exitAt !== undefined && container.exitAt <= now) {
          this.markExited(container, container.exitAt, container.plannedExitCode ?? 0);
          changed = true;
        }
      }
      const due = this.nextDue(container);
      if (due !== undefined) this.setTimer(record.uid, container.name, step, due - now);
      else this.timers.delete(timerKey(record.uid, container.name));
      if (changed) {
        this.config.checkpoint.changed();
        for (const listener of this.listeners) listener(record.uid);
      }
    };
    const due = startAt ?? this.nextDue(container);
    if (due === undefined) return;
    const delay = due - this.config.clock.now();
    if (delay <= 0) step();
    else this.setTimer(record.uid, container.name, step, delay);
  }

  private nextDue(container: SimContainerRecord): number | undefined {
    const pendingStart = container.startAt;
    if (container.state === 'created') return pendingStart;
    if (container.state !== 'running') return undefined;
    const candidates: number[] = [];
    if (container.readyAt !== undefined && !container.ready) candidates.push(container.readyAt);
    if (container.exitAt !== undefined) candidates.push(container.exitAt);
    return candidates.length ? Math.min(...candidates) : undefined;
  }

  private markExited(container: SimContainerRecord, at: number, exitCode: number, reason = exitReason(exitCode)): void {
    container.state = 'exited';
    container.finishedAt = at;
    container.exitCode = exitCode;
    container.reason = reason;
    container.ready = false;
    delete container.readyAt;
    delete container.exitAt;
    delete container.plannedExitCode;
    delete container.startAt;
  }

  private async killContainer(record: SimPodRecord, name: string, gracePeriodSeconds: number, pod: Pod | undefined): Promise<void> {
    const container = record.containers[name];
    if (!container || (container.state !== 'running' && container.state !== 'created')) return;
    this.cancelTimer(record.uid, name);
    const stop = pod ? stagesFor(this.config.stages, pod).stop : undefined;
    const wanted = stop ? stageDelay(stop, this.random) : 0;
    const graceMs = Math.max(0, gracePeriodSeconds) * 1000;
    const waited = Math.min(wanted, graceMs);
    if (waited > 0) await this.config.clock.sleep(waited);
    if (container.state !== 'running' && container.state !== 'created') return;
    const killed = wanted > graceMs;
    const exitCode = killed ? KILLED_EXIT_CODE : (stop?.exitCode ?? 0);
    this.markExited(container, this.config.clock.now(), exitCode);
    if (container.startedAt === undefined) container.startedAt = container.finishedAt;
  }

  private setTimer(uid: string, name: string, fn: () => void, delayMs: number): void {
    const key = timerKey(uid, name);
    this.timers.get(key)?.cancel();
    this.timers.set(key, this.config.clock.setTimer(fn, delayMs));
  }

  private cancelTimer(uid: string, name: string): void {
    const key = timerKey(uid, name);
    this.timers.get(key)?.cancel();
    this.timers.delete(key);
  }

  private allocateAddress(): string[] | undefined {
    if (!this.subnet) return undefined;
    const count = podAddressCount(this.subnet);
    for (let tried = 0; tried < count; tried++) {
      const index = (this.nextAddress + tried) % count;
      const ip = nthPodAddress(this.subnet, index);
      if (this.usedAddresses.has(ip)) continue;
      this.usedAddresses.add(ip);
      this.nextAddress = (index + 1) % count;
      return [ip];
    }
    return undefined;
  }

  private releaseAddresses(ips: readonly string[]): void {
    for (const ip of ips) this.usedAddresses.delete(ip);
  }
}

function timerKey(uid: string, name: string): string {
  return `${uid}/${name}`;
}

function findContainer(pod: Pod, name: string): { container: Container; init: boolean } | undefined {
  const init = pod.spec?.initContainers?.find((c) => c.name === name);
  if (init) return { container: init, init: init.restartPolicy !== 'Always' };
  const container = pod.spec?.containers?.find((c) => c.name === name);
  return container ? { container, init: false } : undefined;
}

/** What a simulated node reports as the image run: the reference, qualified as containerd shows it. */
function imageRef(image: string): string {
  const withTag = /:[^/]+$/.test(image) || image.includes('@') ? image : `${image}:latest`;
  const firstPart = withTag.split('/')[0] ?? '';
  const qualified = withTag.includes('/') && (firstPart.includes('.') || firstPart.includes(':') || firstPart === 'localhost') ? withTag : `docker.io/${withTag.includes('/') ? '' : 'library/'}${withTag}`;
  return qualified;
}
