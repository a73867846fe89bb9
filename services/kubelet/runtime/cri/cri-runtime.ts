// The real runtime of one node: pods as CRI sandboxes and containers on the node's container
// runtime (containerd), carried out as the kubelet's plan says. A pod's objects are found by the
// labels the kubelet puts on them (labels.ts), so a restarted kubelet finds and adopts them.
// Container logs go in CRI format under <podLogDir>/<namespace>_<name>_<uid>/<container>/<attempt>.log.
import { mkdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import type { Container as SpecContainer, Pod } from 'kubernetes-types/core/v1.js';
import type { CriClient } from '../../../../lib/cri/client.js';
import { isNotFound } from '../../../../lib/cri/errors.js';
import { removeCgroup } from '../../../../lib/host/cgroups.js';
import type { AuthConfig, Container, ContainerStatus, Mount, PodSandbox, PodSandboxConfig } from '../../../../lib/cri/types.js';
import { unmountUnder } from '../../../../lib/host/mounts.js';
import type {
  ContainerObservation,
  ContainerRunState,
  ExecResult,
  NodeImage,
  PodKillTarget,
  PodObservation,
  PodRuntime,
  PodSyncPlan,
  PodSyncResult,
  RuntimeHealth,
  RuntimeVersion,
  SandboxObservation,
  SyncFailure,
} from '../pod-runtime.js';
import { ContainerConfigError, containerConfig, type ContainerContext } from './container-config.js';
import { runHook } from './hooks.js';
import { ensureImage } from './image-pull.js';
import { CONTAINER_NAME_LABEL, POD_UID_LABEL, TERMINATION_MESSAGE_PATH_ANNOTATION, TERMINATION_MESSAGE_POLICY_ANNOTATION } from './labels.js';
import { podLogDirectory, sandboxConfig, type SandboxSettings } from './sandbox-config.js';
import { emptyEnvSources, readEnvSources } from './env-sources.js';
import { containerMounts } from '../../volumes/container-mounts.js';
import { writeEtcHosts } from '../../volumes/etc-hosts.js';
import type { PodObjects } from '../../volumes/pod-objects.js';
import type { MountedVolume, VolumeManager } from '../../volumes/volume-manager.js';

export interface CriRuntimeConfig extends SandboxSettings {
  client: CriClient;
  /** The node's InternalIP (status.hostIP, host-network pods' IP). */
  nodeIP: string;
  /** Where per-pod files live (the kubelet's <root-dir>/pods): termination-message files. */
  podsDir: string;
  /** The node's memory (oom_score_adj of Burstable pods, resourceFieldRefs of unset limits); default: the host's. */
  memoryCapacity?: number;
  /** The node's cpu in millicores (resourceFieldRefs of unset limits). */
  milliCpuCapacity?: number;
  /** The node's configured pod CIDR: a different one given later is logged, as CNI keeps the configured one. */
  podCIDR?: string;
  /** Registry credentials for the pod's image (from its imagePullSecrets), tried in turn before none. */
  pullCredentials?: (pod: Pod, image: string) => Promise<AuthConfig[]>;
  /** Sets up the pods' volumes (none: a pod with volumes waits in ContainerCreating). */
  volumes?: VolumeManager;
  /** The ConfigMaps and Secrets containers' environments name (none: such references fail the container). */
  objects?: PodObjects;
  warn?: (message: string, fields?: Record<string, unknown>) => void;
}

const MAX_TERMINATION_MESSAGE = 4096;

function nsToMs(ns: number): number | undefined {
  return ns > 0 ? Math.floor(ns / 1e6) : undefined;
}

function runState(state: Container['state']): ContainerRunState {
  switch (state) {
    case 'CONTAINER_CREATED':
      return 'created';
    case 'CONTAINER_RUNNING':
      return 'running';
    case 'CONTAINER_EXITED':
      return 'exited';
    default:
      return 'unknown';
  }
}

/** Kubernetes' terminated reason: the runtime's, else Completed / Error from the exit code. */
function exitReason(status: ContainerStatus): string {
  if (status.reason) return status.reason;
  return status.exitCode === 0 ? 'Completed' : 'Error';
}

function findSpec(pod: Pod, name: string): SpecContainer | undefined {
  return pod.spec?.initContainers?.find((c) => c.name === name) ?? pod.spec?.containers?.find((c) => c.name === name);
}

export class CriRuntime implements PodRuntime {
  private readonly client: CriClient;
  private readonly memoryCapacity: number;
  private readonly milliCpuCapacity: number;
  private runtimeName = 'containerd';
  /**
   * Container statuses by id. A running container's status changes only when it exits, and an
   * exited one's never: while the listed state is the cached one, the relist asks nothing more.
   */
  private readonly statuses = new Map<string, ContainerStatus>();
  /** Sandbox IPs by sandbox id (fixed for a sandbox's life). */
  private readonly sandboxIPs = new Map<string, string[]>();

  constructor(private readonly config: CriRuntimeConfig) {
    this.client = config.client;
    this.memoryCapacity = config.memoryCapacity ?? totalmem();
    this.milliCpuCapacity = config.milliCpuCapacity ?? 1000;
  }

  async version(): Promise<RuntimeVersion> {
    const version = await this.client.version();
    this.runtimeName = version.runtimeName;
    return { runtimeName: version.runtimeName, runtimeVersion: version.runtimeVersion };
  }

  async health(): Promise<RuntimeHealth> {
    try {
      const status = await this.client.status();
      const failing = status.conditions.filter((c) => (c.type === 'RuntimeReady' || c.type === 'NetworkReady') && !c.status);
      if (failing.length === 0) return { ready: true };
      return { ready: false, message: `container runtime ${failing.map((c) => `${c.type}=false reason:${c.reason} message:${c.message}`).join(', ')}` };
    } catch (error) {
      return { ready: false, message: `container runtime is down: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  async setPodCIDRs(cidrs: string[]): Promise<void> {
    const ipv4 = cidrs.find((c) => c.includes('.'));
    if (!ipv4) return;
    await this.client.updateRuntimeConfig(ipv4);
    if (this.config.podCIDR && ipv4 !== this.config.podCIDR) {
      this.config.warn?.('the node was given a pod CIDR other than the one its CNI network uses; pods keep getting addresses from the configured one', { given: ipv4, configured: this.config.podCIDR });
    }
  }

  async syncPod(pod: Pod, plan: PodSyncPlan): Promise<PodSyncResult> {
    const uid = pod.metadata?.uid ?? '';
    const failures: SyncFailure[] = [];
    let current = await this.observeSandboxes(uid);
    let sandbox = current.newest;
    let sandboxConf = sandboxConfig(pod, sandbox?.metadata.attempt ?? 0, this.config);

    if (plan.ensureSandbox && (!sandbox || sandbox.state !== 'SANDBOX_READY')) {
      // A sandbox that is not ready is replaced by a new attempt; its containers go with it.
      for (const old of current.all) await this.stopSandbox(old.id);
      sandboxConf = sandboxConfig(pod, sandbox ? sandbox.metadata.attempt + 1 : 0, this.config);
      try {
        mkdirSync(sandboxConf.logDirectory!, { recursive: true });
        await this.client.runPodSandbox(sandboxConf);
      } catch (error) {
        failures.push({ reason: 'FailedCreatePodSandBox', message: `Failed to create pod sandbox: ${error instanceof Error ? error.message : String(error)}` });
        return { observed: await this.observePod(uid, pod), failures };
      }
      current = await this.observeSandboxes(uid);
      sandbox = current.newest;
    }

    const observed = await this.observePod(uid, pod);
    for (const kill of plan.kill) {
      const target = observed.containers.find((c) => c.name === kill.name);
      if (target && (target.state === 'running' || target.state === 'created')) await this.stopContainer(pod, target, kill.gracePeriodSeconds);
    }

    if (sandbox && sandbox.state === 'SANDBOX_READY') {
      const podIPs = observed.sandbox?.ips ?? [];
      // Running pods (adopted after a restart too) keep their volumes followed by the refreshes;
      // a failure here is reported when a container next needs the volumes.
      if (plan.start.length === 0 && pod.spec?.volumes?.length) await this.config.volumes?.setUp(pod, this.containerContext(pod, podIPs)).catch(() => undefined);
      for (const name of plan.start) {
        const failure = await this.startContainer(pod, name, sandbox.id, sandboxConf, observed, podIPs);
        if (failure) {
          failures.push(failure);
          break;
        }
      }
    } else if (plan.start.length > 0) {
      failures.push({ reason: 'FailedCreatePodSandBox', message: 'the pod has no ready sandbox' });
    }
    if (current.all.length > 1 && sandbox) await this.removeEmptySandboxes(current.all.filter((s) => s.id !== sandbox.id));
    return { observed: await this.observePod(uid, pod), failures };
  }

  /** Former sandboxes of a pod go once none of their containers is left (those keep the pod's last states). */
  private async removeEmptySandboxes(former: PodSandbox[]): Promise<void> {
    for (const old of former) {
      if ((await this.client.listContainers({ podSandboxId: old.id })).length > 0) continue;
      await this.stopSandbox(old.id);
      await this.client.removePodSandbox(old.id).catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
    }
  }

  private async startContainer(pod: Pod, name: string, sandboxId: string, sandboxConf: PodSandboxConfig, observed: PodObservation, podIPs: string[]): Promise<SyncFailure | undefined> {
    const spec = findSpec(pod, name);
    if (!spec) return { container: name, reason: 'CreateContainerError', message: `no container named "${name}" in the pod's spec` };
    const previous = observed.containers.find((c) => c.name === name);
    if (previous && (previous.state === 'running' || previous.state === 'created')) return undefined;
    const attempt = previous ? previous.attempt + 1 : 0;

    const credentials = this.config.pullCredentials && pod.spec?.imagePullSecrets?.length ? await this.config.pullCredentials(pod, spec.image ?? '') : [];
    const pulled = await ensureImage(this.client, spec, sandboxConf, credentials);
    if ('reason' in pulled) return { container: name, reason: pulled.reason, message: pulled.message };

    const uid = pod.metadata?.uid ?? '';
    const context = this.containerContext(pod, podIPs);
    let volumes: ReadonlyMap<string, MountedVolume> = new Map();
    if (pod.spec?.volumes?.length) {
      if (!this.config.volumes) return { container: name, reason: 'ContainerCreating', message: 'this node cannot mount volumes' };
      try {
        volumes = await this.config.volumes.setUp(pod, context);
      } catch (error) {
        return { container: name, reason: 'ContainerCreating', message: error instanceof Error ? error.message : String(error) };
      }
    }
    const messageFile = join(this.config.podsDir, uid, 'containers', name, String(attempt));
    let containerId: string;
    try {
      const envSources = this.config.objects ? await readEnvSources(this.config.objects, pod, spec) : emptyEnvSources();
      const mounts = (env: ReadonlyMap<string, string>) => [...containerMounts(spec, volumes, env), ...this.etcHostsMount(pod, spec, context.podIPs)];
      const config = containerConfig(pod, spec, { image: spec.image ?? '', attempt, context, memoryCapacity: this.memoryCapacity, terminationMessageFile: messageFile, envSources, mounts });
      mkdirSync(join(this.config.podsDir, uid, 'containers', name), { recursive: true });
      writeFileSync(messageFile, '');
      containerId = await this.client.createContainer(sandboxId, config, sandboxConf);
    } catch (error) {
      if (error instanceof ContainerConfigError) return { container: name, reason: 'CreateContainerConfigError', message: error.message };
      return { container: name, reason: 'CreateContainerError', message: error instanceof Error ? error.message : String(error) };
    }
    try {
      await this.client.startContainer(containerId);
    } catch (error) {
      return { container: name, reason: 'RunContainerError', message: error instanceof Error ? error.message : String(error) };
    }
    // Kubernetes keeps one dead instance per container (for `logs --previous`): older ones go.
    await this.removeOlderInstances(uid, name, attempt - 1);

    const postStart = spec.lifecycle?.postStart;
    if (postStart) {
      const grace = pod.spec?.terminationGracePeriodSeconds ?? 30;
      const problem = await runHook(this.client, postStart, { containerId, container: spec, podIP: context.podIPs[0] ?? '' }, grace);
      if (problem) {
        await this.client.stopContainer(containerId, grace).catch(() => undefined);
        return { container: name, reason: 'PostStartHookError', message: problem };
      }
    }
    return undefined;
  }

  private containerContext(pod: Pod, podIPs: string[]): ContainerContext {
    return { nodeName: this.config.nodeName, hostIP: this.config.nodeIP, podIPs: pod.spec?.hostNetwork ? [this.config.nodeIP] : podIPs, nodeMilliCpu: this.milliCpuCapacity, nodeMemoryBytes: this.memoryCapacity };
  }

  /** The pod's managed /etc/hosts (not for host-network pods, nor over a volume mounted there). */
  private etcHostsMount(pod: Pod, spec: SpecContainer, podIPs: readonly string[]): Mount[] {
    if (pod.spec?.hostNetwork || spec.volumeMounts?.some((m) => m.mountPath === '/etc/hosts')) return [];
    const path = join(this.config.podsDir, pod.metadata?.uid ?? '', 'etc-hosts');
    writeEtcHosts(path, pod, podIPs, this.config.clusterDomain);
    return [{ containerPath: '/etc/hosts', hostPath: path }];
  }

  /** preStop hook (within the grace period), then the stop signal and SIGKILL once the rest of the grace period passed. */
  private async stopContainer(pod: Pod | undefined, container: ContainerObservation, gracePeriodSeconds: number): Promise<void> {
    const id = container.id.replace(/^[^:]+:\/\//, '');
    const started = Date.now();
    const spec = pod ? findSpec(pod, container.name) : undefined;
    const preStop = spec?.lifecycle?.preStop;
    if (preStop && container.state === 'running' && gracePeriodSeconds > 0) {
      const podIP = (await this.observeSandboxes(pod?.metadata?.uid ?? '')).newestIPs[0] ?? '';
      const problem = await runHook(this.client, preStop, { containerId: id, container: spec!, podIP }, gracePeriodSeconds);
      if (problem) this.config.warn?.('preStop hook failed', { container: container.name, pod: pod?.metadata?.name, reason: problem });
    }
    const left = Math.max(0, Math.ceil(gracePeriodSeconds - (Date.now() - started) / 1000));
    try {
      await this.client.stopContainer(id, left);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async killPod(target: PodKillTarget, gracePeriodSeconds: number): Promise<void> {
    const observed = await this.observePod(target.uid, target.pod);
    const running = observed.containers.filter((c) => c.state === 'running' || c.state === 'created');
    await Promise.all(running.map((c) => this.stopContainer(target.pod, c, gracePeriodSeconds)));
    for (const sandbox of (await this.observeSandboxes(target.uid)).all) await this.stopSandbox(sandbox.id);
  }

  async removePod(uid: string): Promise<void> {
    const containers = await this.client.listContainers({ labelSelector: { [POD_UID_LABEL]: uid } });
    for (const container of containers) await this.removeContainer(container.id);
    const sandboxes = await this.client.listPodSandbox({ labelSelector: { [POD_UID_LABEL]: uid } });
    for (const sandbox of sandboxes) {
      await this.stopSandbox(sandbox.id);
      await this.client.removePodSandbox(sandbox.id).catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
      this.sandboxIPs.delete(sandbox.id);
      rmSync(podLogDirectory(this.config.podLogDir, sandbox.metadata.namespace, sandbox.metadata.name, uid), { recursive: true, force: true });
    }
    // the volumes are unmounted before the pod's directory goes
    if (this.config.volumes) await this.config.volumes.tearDown(uid);
    else await unmountUnder(join(this.config.podsDir, uid));
    rmSync(join(this.config.podsDir, uid), { recursive: true, force: true });
    // runc made the pod's cgroup above its containers'; as the kubelet's cgroup manager, remove it.
    for (const path of podCgroupCandidates(this.config.cgroupRoot, uid)) {
      try {
        removeCgroup(path);
      } catch (error) {
        this.config.warn?.('could not remove the pod\'s cgroup', { pod: uid, cgroup: path, reason: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  async podStatus(uid: string): Promise<PodObservation | undefined> {
    const observed = await this.observePod(uid);
    return observed.sandbox || observed.containers.length > 0 ? observed : undefined;
  }

  async relist(): Promise<PodObservation[]> {
    // Volumes are set up only once their pod has a sandbox, so those found before the listing
    // whose pod has nothing in the runtime were left by a removal that did not finish.
    const withVolumes = this.config.volumes?.podsWithVolumes() ?? [];
    const [sandboxes, containers] = await Promise.all([this.client.listPodSandbox(), this.client.listContainers()]);
    const byUid = new Map<string, { sandboxes: PodSandbox[]; containers: Container[] }>();
    const entry = (uid: string) => {
      let found = byUid.get(uid);
      if (!found) byUid.set(uid, (found = { sandboxes: [], containers: [] }));
      return found;
    };
    for (const sandbox of sandboxes) {
      const uid = sandbox.labels[POD_UID_LABEL];
      if (uid) entry(uid).sandboxes.push(sandbox);
    }
    for (const container of containers) {
      const uid = container.labels[POD_UID_LABEL];
      if (uid) entry(uid).containers.push(container);
    }
    this.forgetGone(new Set(containers.map((c) => c.id)), new Set(sandboxes.map((s) => s.id)));
    for (const uid of withVolumes) {
      if (byUid.has(uid)) continue;
      await this.config.volumes?.tearDown(uid).catch((error: unknown) => this.config.warn?.('could not remove the volumes of a gone pod', { pod: uid, reason: error instanceof Error ? error.message : String(error) }));
    }
    return Promise.all([...byUid].map(([uid, found]) => this.observation(uid, found.sandboxes, found.containers)));
  }

  onChange(): () => void {
    // containerd 1.6 serves no CRI container events; the PLEG's periodic relist follows changes.
    return () => undefined;
  }

  async execSync(uid: string, container: string, command: string[], timeoutSeconds: number): Promise<ExecResult> {
    const running = await this.client.listContainers({ state: { state: 'CONTAINER_RUNNING' }, labelSelector: { [POD_UID_LABEL]: uid, [CONTAINER_NAME_LABEL]: container } });
    const target = running[0];
    if (!target) throw new Error(`container ${container} of pod ${uid} is not running`);
    const result = await this.client.execSync(target.id, command, timeoutSeconds);
    return { exitCode: result.exitCode, stdout: result.stdout.toString('utf8'), stderr: result.stderr.toString('utf8') };
  }

  async capacity(): Promise<Record<string, string>> {
    const info = await this.client.imageFsInfo();
    const mountpoint = info.imageFilesystems[0]?.fsId?.mountpoint;
    if (!mountpoint) return {};
    const fs = statfsSync(mountpoint);
    return { 'ephemeral-storage': String(fs.blocks * fs.bsize) };
  }

  async images(): Promise<NodeImage[]> {
    const images = await this.client.listImages();
    return images.map((image) => ({ names: [...image.repoDigests, ...image.repoTags], sizeBytes: image.size }));
  }

  async close(): Promise<void> {
    this.config.volumes?.close();
    this.client.close();
  }

  // --- observation

  private async observeSandboxes(uid: string): Promise<{ all: PodSandbox[]; newest: PodSandbox | undefined; newestIPs: string[] }> {
    const all = await this.client.listPodSandbox({ labelSelector: { [POD_UID_LABEL]: uid } });
    const newest = all.reduce<PodSandbox | undefined>((best, s) => (!best || s.createdAt > best.createdAt ? s : best), undefined);
    return { all, newest, newestIPs: newest ? await this.ipsOf(newest) : [] };
  }

  private async observePod(uid: string, pod?: Pod): Promise<PodObservation> {
    const [sandboxes, containers] = await Promise.all([this.client.listPodSandbox({ labelSelector: { [POD_UID_LABEL]: uid } }), this.client.listContainers({ labelSelector: { [POD_UID_LABEL]: uid } })]);
    const observation = await this.observation(uid, sandboxes, containers);
    if (!observation.name && pod) {
      observation.name = pod.metadata?.name ?? '';
      observation.namespace = pod.metadata?.namespace ?? '';
    }
    return observation;
  }

  private async observation(uid: string, sandboxes: PodSandbox[], containers: Container[]): Promise<PodObservation> {
    const newest = sandboxes.reduce<PodSandbox | undefined>((best, s) => (!best || s.createdAt > best.createdAt ? s : best), undefined);
    const latest = new Map<string, Container>();
    for (const container of containers) {
      const name = container.labels[CONTAINER_NAME_LABEL] ?? container.metadata.name;
      const seen = latest.get(name);
      if (!seen || container.metadata.attempt > seen.metadata.attempt || (container.metadata.attempt === seen.metadata.attempt && container.createdAt > seen.createdAt)) latest.set(name, container);
    }
    const observation: PodObservation = {
      uid,
      name: newest?.metadata.name ?? '',
      namespace: newest?.metadata.namespace ?? '',
      containers: await Promise.all([...latest.values()].map((c) => this.containerObservation(c))),
    };
    if (newest) {
      const sandbox: SandboxObservation = { id: newest.id, ready: newest.state === 'SANDBOX_READY', createdAt: nsToMs(newest.createdAt) ?? 0, ips: newest.state === 'SANDBOX_READY' ? await this.ipsOf(newest) : [] };
      observation.sandbox = sandbox;
    }
    return observation;
  }

  private async ipsOf(sandbox: PodSandbox): Promise<string[]> {
    let ips = this.sandboxIPs.get(sandbox.id);
    if (!ips) {
      const status = await this.client.podSandboxStatus(sandbox.id);
      const network = status.status.network;
      ips = network?.ip ? [network.ip, ...network.additionalIps.map((a) => a.ip)] : [];
      this.sandboxIPs.set(sandbox.id, ips);
    }
    return ips;
  }

  /** The container's status; `listed` is its state as just listed, which a cached status must match. */
  private async containerStatus(id: string, listed?: Container['state']): Promise<ContainerStatus | undefined> {
    const cached = this.statuses.get(id);
    if (cached && (cached.state === 'CONTAINER_EXITED' || (cached.state === 'CONTAINER_RUNNING' && listed === 'CONTAINER_RUNNING'))) return cached;
    try {
      const status = (await this.client.containerStatus(id)).status;
      if (status.state === 'CONTAINER_EXITED' || status.state === 'CONTAINER_RUNNING') this.statuses.set(id, status);
      return status;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private async containerObservation(container: Container): Promise<ContainerObservation> {
    const status = await this.containerStatus(container.id, container.state);
    const name = container.labels[CONTAINER_NAME_LABEL] ?? container.metadata.name;
    const observation: ContainerObservation = {
      name,
      id: `${this.runtimeName}://${container.id}`,
      image: status?.image?.image || container.image?.image || '',
      imageRef: status?.imageId || status?.imageRef || container.imageId || container.imageRef,
      attempt: container.metadata.attempt,
      state: runState(status?.state ?? container.state),
      createdAt: nsToMs(status?.createdAt ?? container.createdAt) ?? 0,
    };
    if (!status) return observation;
    const startedAt = nsToMs(status.startedAt);
    if (startedAt !== undefined) observation.startedAt = startedAt;
    if (status.state === 'CONTAINER_EXITED') {
      const finishedAt = nsToMs(status.finishedAt);
      if (finishedAt !== undefined) observation.finishedAt = finishedAt;
      observation.exitCode = status.exitCode;
      observation.reason = exitReason(status);
      const message = this.terminationMessage(status);
      if (message) observation.message = message;
    }
    return observation;
  }

  /** The container's termination-message file, else (FallbackToLogsOnError, on failure) the end of its log. */
  private terminationMessage(status: ContainerStatus): string | undefined {
    const uid = status.labels[POD_UID_LABEL];
    const name = status.labels[CONTAINER_NAME_LABEL];
    let message: string | undefined = status.message;
    if (uid && name && status.annotations[TERMINATION_MESSAGE_PATH_ANNOTATION]) {
      try {
        message = readFileSync(join(this.config.podsDir, uid, 'containers', name, String(status.metadata.attempt)), 'utf8').slice(0, MAX_TERMINATION_MESSAGE) || message;
      } catch {
        // removed with the pod
      }
    }
    if (!message && status.exitCode !== 0 && status.annotations[TERMINATION_MESSAGE_POLICY_ANNOTATION] === 'FallbackToLogsOnError' && status.logPath) {
      message = lastLogLines(status.logPath);
    }
    return message || undefined;
  }

  private forgetGone(containers: Set<string>, sandboxes: Set<string>): void {
    for (const id of this.statuses.keys()) if (!containers.has(id)) this.statuses.delete(id);
    for (const id of this.sandboxIPs.keys()) if (!sandboxes.has(id)) this.sandboxIPs.delete(id);
  }

  private async stopSandbox(id: string): Promise<void> {
    await this.client.stopPodSandbox(id).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
    this.sandboxIPs.delete(id);
  }

  private async removeOlderInstances(uid: string, name: string, keepFrom: number): Promise<void> {
    const instances = await this.client.listContainers({ labelSelector: { [POD_UID_LABEL]: uid, [CONTAINER_NAME_LABEL]: name } });
    for (const instance of instances) {
      if (instance.metadata.attempt >= keepFrom || instance.state === 'CONTAINER_RUNNING') continue;
      await this.removeContainer(instance.id);
    }
  }

  /** Removes the container and its log file (the runtime keeps the file). */
  private async removeContainer(id: string): Promise<void> {
    const logPath = (await this.containerStatus(id).catch(() => undefined))?.logPath;
    await this.client.removeContainer(id).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
    this.statuses.delete(id);
    if (logPath) rmSync(logPath, { force: true });
  }
}

/** Where the pod's cgroup may be: under the node's root by QoS class (the pod object may be gone). */
function podCgroupCandidates(root: string, uid: string): string[] {
  const base = root.replace(/\/+$/, '');
  return [`${base}/pod${uid}`, `${base}/burstable/pod${uid}`, `${base}/besteffort/pod${uid}`];
}

/** The last 80 lines (at most 2 KiB) of a CRI-format log, message parts only. */
function lastLogLines(path: string): string | undefined {
  try {
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n').slice(-80);
    const text = lines.map((line) => line.split(' ').slice(3).join(' ')).join('\n');
    return text.slice(-2048);
  } catch {
    return undefined;
  }
}
