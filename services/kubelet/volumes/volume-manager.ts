// The kubelet's volume manager for one node: sets up a pod's volumes under
// <pods dir>/<uid>/volumes/kubernetes.io~<plugin>/<name> before its containers start, keeps the
// ones made of API objects (configMap, secret, downwardAPI, projected) up to date every refresh
// period (changed ConfigMaps and Secrets, renewed tokens, the pod's new labels and annotations), and unmounts and removes
// them all once the pod is gone. What it needs to go on refreshing (the pod and its context) is
// kept in <pods dir>/<uid>/volume-manager.json, so that a restarted kubelet, which adopts running
// pods without setting them up again, still follows their volumes.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pod, Volume } from 'kubernetes-types/core/v1.js';
import type { Clock, Timer } from '../../../lib/client/clock.js';
import { unmountUnder } from '../../../lib/host/mounts.js';
import type { ContainerContext } from '../runtime/cri/container-config.js';
import { writeAtomically, type Payload } from './atomic-writer.js';
import { configMapPayload } from './config-map.js';
import { downwardAPIPayload } from './downward-api.js';
import { setUpEmptyDir } from './empty-dir.js';
import { checkHostPath } from './host-path.js';
import { DEFAULT_MODE } from './key-projection.js';
import { claimPath } from './persistent-volume-claim.js';
import type { PodObjects } from './pod-objects.js';
import { projectedPayload } from './projected.js';
import { roundCache } from './round-cache.js';
import { secretPayload } from './secret.js';
import { ensureTmpfs } from './tmpfs.js';
import type { TokenManager } from './token-manager.js';
import { VolumeError } from './volume-error.js';

/** A volume ready to be mounted into the pod's containers. */
export interface MountedVolume {
  /** Where it is on the node. */
  path: string;
  /** Mounted read-only whatever the volumeMount says (API-object volumes, read-only claims). */
  readOnly: boolean;
}

export interface VolumeManagerConfig {
  /** The kubelet's <root-dir>/pods. */
  podsDir: string;
  objects: PodObjects;
  tokens: TokenManager;
  clock: Clock;
  /** How often API-object volumes are brought up to date (Kubernetes' --sync-frequency). */
  refreshPeriodMs: number;
  warn?: (message: string, fields?: Record<string, unknown>) => void;
}

interface PodVolumes {
  pod: Pod;
  context: ContainerContext;
  volumes: Map<string, MountedVolume>;
}

const CHECKPOINT = 'volume-manager.json';

const PLUGIN_DIRS: Record<string, string> = {
  emptyDir: 'kubernetes.io~empty-dir',
  configMap: 'kubernetes.io~configmap',
  secret: 'kubernetes.io~secret',
  downwardAPI: 'kubernetes.io~downward-api',
  projected: 'kubernetes.io~projected',
};

/** Volumes written from API objects, and whether their directory is a tmpfs (everything but configMap). */
function apiObjectKind(volume: Volume): 'disk' | 'memory' | undefined {
  if (volume.configMap) return 'disk';
  if (volume.secret || volume.downwardAPI || volume.projected) return 'memory';
  return undefined;
}

function apiObjectPlugin(volume: Volume): string | undefined {
  if (!apiObjectKind(volume)) return undefined;
  return volume.configMap ? 'configMap' : volume.secret ? 'secret' : volume.downwardAPI ? 'downwardAPI' : 'projected';
}

export class VolumeManager {
  private readonly pods = new Map<string, PodVolumes>();
  private timer: Timer | undefined;
  private closed = false;

  constructor(private readonly config: VolumeManagerConfig) {
    this.restore();
    this.schedule();
  }

  /** The API-object volumes of the pods an earlier kubelet set up, to go on refreshing them. */
  private restore(): void {
    let uids: string[];
    try {
      uids = readdirSync(this.config.podsDir);
    } catch {
      return;
    }
    for (const uid of uids) {
      try {
        const saved = JSON.parse(readFileSync(join(this.config.podsDir, uid, CHECKPOINT), 'utf8')) as Omit<PodVolumes, 'volumes'>;
        const volumes = new Map<string, MountedVolume>();
        for (const volume of saved.pod.spec?.volumes ?? []) {
          const plugin = apiObjectPlugin(volume);
          const dir = plugin && this.volumeDir(uid, plugin, volume.name);
          if (dir && existsSync(dir)) volumes.set(volume.name, { path: dir, readOnly: true });
        }
        this.pods.set(uid, { ...saved, volumes });
      } catch {
        // no checkpoint: a pod without volumes, or one being removed
      }
    }
  }

  private podVolumesDir(uid: string): string {
    return join(this.config.podsDir, uid, 'volumes');
  }

  private volumeDir(uid: string, plugin: string, name: string): string {
    return join(this.podVolumesDir(uid), PLUGIN_DIRS[plugin] ?? `kubernetes.io~${plugin}`, name);
  }

  private async payload(pod: Pod, volume: Volume, context: ContainerContext, objects: PodObjects = this.config.objects): Promise<Payload> {
    const namespace = pod.metadata?.namespace ?? '';
    const { tokens } = this.config;
    if (volume.configMap) return configMapPayload(objects, namespace, volume.configMap, volume.configMap.defaultMode ?? DEFAULT_MODE);
    if (volume.secret) return secretPayload(objects, namespace, { ...volume.secret, name: volume.secret.secretName ?? '' }, volume.secret.defaultMode ?? DEFAULT_MODE);
    if (volume.downwardAPI) return downwardAPIPayload(pod, volume.downwardAPI.items, volume.downwardAPI.defaultMode ?? DEFAULT_MODE, context);
    return projectedPayload(pod, volume.projected ?? {}, { objects, tokens, context });
  }

  private async setUpVolume(pod: Pod, volume: Volume, context: ContainerContext): Promise<MountedVolume> {
    const uid = pod.metadata?.uid ?? '';
    const kind = apiObjectKind(volume);
    if (kind) {
      const dir = this.volumeDir(uid, apiObjectPlugin(volume)!, volume.name);
      const payload = await this.payload(pod, volume, context);
      if (kind === 'memory') await ensureTmpfs(dir);
      else mkdirSync(dir, { recursive: true, mode: 0o755 });
      writeAtomically(dir, payload);
      return { path: dir, readOnly: true };
    }
    if (volume.emptyDir) {
      const dir = this.volumeDir(uid, 'emptyDir', volume.name);
      await setUpEmptyDir(dir, volume.emptyDir);
      return { path: dir, readOnly: false };
    }
    if (volume.hostPath) {
      checkHostPath(volume.hostPath.path, volume.hostPath.type);
      return { path: volume.hostPath.path, readOnly: false };
    }
    if (volume.persistentVolumeClaim) {
      const path = await claimPath(this.config.objects, pod.metadata?.namespace ?? '', volume.persistentVolumeClaim);
      return { path, readOnly: volume.persistentVolumeClaim.readOnly ?? false };
    }
    throw new VolumeError(`volume "${volume.name}": its type is not supported by this node`);
  }

  /**
   * Sets up every volume of the pod not yet set up (and remembers the pod for the refreshes);
   * throws a VolumeError naming the first volume that could not be. `context` is the pod's node
   * and addresses, for downward-API files.
   */
  async setUp(pod: Pod, context: ContainerContext): Promise<Map<string, MountedVolume>> {
    const uid = pod.metadata?.uid ?? '';
    let entry = this.pods.get(uid);
    if (!entry) this.pods.set(uid, (entry = { pod, context, volumes: new Map() }));
    const changed = entry.volumes.size === 0 || entry.pod.metadata?.resourceVersion !== pod.metadata?.resourceVersion || JSON.stringify(entry.context) !== JSON.stringify(context);
    entry.pod = pod;
    entry.context = context;
    if (changed) {
      mkdirSync(join(this.config.podsDir, uid), { recursive: true });
      writeFileSync(join(this.config.podsDir, uid, CHECKPOINT), JSON.stringify({ pod, context }));
    }
    for (const volume of pod.spec?.volumes ?? []) {
      if (entry.volumes.has(volume.name)) continue;
      try {
        entry.volumes.set(volume.name, await this.setUpVolume(pod, volume, context));
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new VolumeError(`MountVolume.SetUp failed for volume "${volume.name}" : ${reason}`);
      }
    }
    return entry.volumes;
  }

  /** The pod as it is now when its files show its labels or annotations (which change without a sync). */
  private async currentPod(entry: PodVolumes): Promise<void> {
    const shown = (entry.pod.spec?.volumes ?? []).some((volume) => {
      const items = [...(volume.downwardAPI?.items ?? []), ...(volume.projected?.sources ?? []).flatMap((source) => source.downwardAPI?.items ?? [])];
      return items.some((item) => item.fieldRef?.fieldPath.startsWith('metadata.labels') || item.fieldRef?.fieldPath.startsWith('metadata.annotations'));
    });
    if (!shown) return;
    const current = await this.config.objects.pod(entry.pod.metadata?.namespace ?? '', entry.pod.metadata?.name ?? '');
    if (current && current.metadata?.uid === entry.pod.metadata?.uid) entry.pod = current;
  }

  /** Brings the API-object volumes of every pod up to date. */
  async refresh(): Promise<void> {
    const objects = roundCache(this.config.objects);
    for (const [uid, entry] of [...this.pods]) {
      await this.currentPod(entry).catch((error: unknown) => this.config.warn?.('could not read a pod for its downward-API files', { pod: uid, reason: error instanceof Error ? error.message : String(error) }));
      for (const volume of entry.pod.spec?.volumes ?? []) {
        const mounted = entry.volumes.get(volume.name);
        if (!mounted || !apiObjectKind(volume)) continue;
        try {
          const payload = await this.payload(entry.pod, volume, entry.context, objects);
          // the pod may have gone while the objects were read
          if (this.pods.get(uid) === entry) writeAtomically(mounted.path, payload);
        } catch (error) {
          this.config.warn?.('could not update a volume', { pod: uid, volume: volume.name, reason: error instanceof Error ? error.message : String(error) });
        }
      }
    }
  }

  /** The pods with volumes set up on disk (by this kubelet or an earlier one). */
  podsWithVolumes(): string[] {
    try {
      return readdirSync(this.config.podsDir).filter((uid) => existsSync(this.podVolumesDir(uid)) || existsSync(join(this.config.podsDir, uid, CHECKPOINT)));
    } catch {
      return [];
    }
  }

  /** Unmounts and removes every volume of a pod that is gone (idempotent; also for pods set up by an earlier kubelet). */
  async tearDown(uid: string): Promise<void> {
    this.pods.delete(uid);
    this.config.tokens.forgetPod(uid);
    const dir = this.podVolumesDir(uid);
    await unmountUnder(dir);
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(this.config.podsDir, uid, CHECKPOINT), { force: true });
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = this.config.clock.setTimer(() => {
      void this.refresh().finally(() => this.schedule());
    }, this.config.refreshPeriodMs);
  }

  close(): void {
    this.closed = true;
    this.timer?.cancel();
  }
}
