// Builds one Framework per profile of the KubeSchedulerConfiguration (--config), with the in-tree
// registry plus plugins from --plugin-modules, and the queue settings the profiles share.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Clock } from '../../lib/client/clock.js';
import type { RestClient } from '../../lib/client/rest-client.js';
import type { Logger } from '../../lib/observe/logger.js';
import type { SchedulerCache } from '../../lib/sched/cache.js';
import { emptyPlugins, EXTENSION_POINTS, Framework, type EnabledPlugin, type ExtensionPoint, type FrameworkProfile, type HandleDeps, type QueuedPodInfo as FrameworkQueuedPodInfo } from '../../lib/sched/framework/index.js';
import { inTreeRegistry } from '../../lib/sched/plugins/registry.js';
import { DEFAULT_PLUGIN_EVENTS, type EventRegistration } from '../../lib/sched/queue/cluster-events.js';
import type { Nominator } from '../../lib/sched/queue/nominator.js';
import { prioritySort, schedulingGatesCheck, type PreEnqueueCheck, type QueuedPodInfo } from '../../lib/sched/queue/queued-pod.js';
import type { PodInfo } from '../../lib/sched/types.js';
import type { Binder } from './binder.js';
import type { EventRecorder } from './event-recorder.js';
import { FrameworkSchedulingProfile } from './framework-profile.js';
import { registerPluginModules } from './plugin-modules.js';
import type { SchedulingProfile } from './profile.js';
import type { RequestPool } from './request-pool.js';
import { PreemptionActions } from './preemption-actions.js';

/** kube-scheduler's default plugins per extension point (v1 defaults), with score weights. */
const DEFAULTS: Record<ExtensionPoint, EnabledPlugin[]> = {
  ...emptyPlugins(),
  preEnqueue: [{ name: 'SchedulingGates' }],
  queueSort: [{ name: 'PrioritySort' }],
  preFilter: ['NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity'].map((name) => ({ name })),
  filter: ['NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity'].map((name) => ({ name })),
  postFilter: [{ name: 'DefaultPreemption' }],
  preScore: ['TaintToleration', 'NodeAffinity', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity', 'NodeResourcesBalancedAllocation'].map((name) => ({ name })),
  score: [
    { name: 'TaintToleration', weight: 3 },
    { name: 'NodeAffinity', weight: 2 },
    { name: 'NodeResourcesFit', weight: 1 },
    { name: 'PodTopologySpread', weight: 2 },
    { name: 'InterPodAffinity', weight: 2 },
    { name: 'NodeResourcesBalancedAllocation', weight: 1 },
    { name: 'ImageLocality', weight: 1 },
  ],
  bind: [{ name: 'DefaultBinder' }],
};

interface PluginSet {
  enabled?: { name: string; weight?: number }[];
  disabled?: { name: string }[];
}

interface ProfileDocument {
  schedulerName?: string;
  percentageOfNodesToScore?: number;
  plugins?: Partial<Record<ExtensionPoint, PluginSet>>;
  pluginConfig?: { name: string; args?: unknown }[];
}

interface ConfigurationDocument {
  apiVersion?: string;
  kind?: string;
  percentageOfNodesToScore?: number;
  podInitialBackoffSeconds?: number;
  podMaxBackoffSeconds?: number;
  profiles?: ProfileDocument[];
}

export interface QueueSettings {
  less: (a: QueuedPodInfo<PodInfo>, b: QueuedPodInfo<PodInfo>) => boolean;
  preEnqueue: PreEnqueueCheck<PodInfo>[];
  pluginEvents: Record<string, readonly EventRegistration[]>;
  podInitialBackoffSeconds: number;
  podMaxBackoffSeconds: number;
}

export interface BuildProfilesDeps {
  configFile?: string;
  pluginModules: readonly string[];
  cache: SchedulerCache;
  nominator: Nominator<PodInfo>;
  binder: Binder;
  client: RestClient;
  pool: RequestPool;
  events: EventRecorder;
  clock: Clock;
  log: Logger;
}

function resolvePlugins(doc: ProfileDocument, known: (name: string) => boolean): Record<ExtensionPoint, EnabledPlugin[]> {
  const plugins = emptyPlugins();
  for (const point of EXTENSION_POINTS) {
    const set = doc.plugins?.[point];
    const disabled = new Set((set?.disabled ?? []).map((d) => d.name));
    const base = disabled.has('*') ? [] : DEFAULTS[point].filter((p) => !disabled.has(p.name) && known(p.name));
    const enabled = (set?.enabled ?? []).map((e) => ({ name: e.name, ...(e.weight !== undefined ? { weight: e.weight } : {}) }));
    plugins[point] = [...base.filter((p) => !enabled.some((e) => e.name === p.name)), ...enabled];
  }
  return plugins;
}

export async function buildProfiles(deps: BuildProfilesDeps): Promise<{ profiles: Map<string, SchedulingProfile>; configuration: QueueSettings }> {
  const doc: ConfigurationDocument = deps.configFile ? ((parseYaml(readFileSync(deps.configFile, 'utf8')) ?? {}) as ConfigurationDocument) : {};
  if (doc.kind !== undefined && doc.kind !== 'KubeSchedulerConfiguration') throw new Error(`${deps.configFile}: kind must be KubeSchedulerConfiguration, got ${doc.kind}`);
  const registry = inTreeRegistry();
  const extra = await registerPluginModules(registry, deps.pluginModules);
  if (extra.length > 0) deps.log.info({ plugins: extra }, 'registered plugins from plugin modules');
  const known = (name: string): boolean => registry.get(name) !== undefined;
  const actions = new PreemptionActions(deps.client, deps.pool, deps.events);
  const handleDeps: HandleDeps = {
    binder: (podInfo, nodeName) => deps.binder.bind(podInfo.pod, nodeName),
    nominator: deps.nominator,
    deletePod: (podInfo, reason) => actions.deletePod(podInfo, reason),
    clearNominatedNodeName: (podInfo) => actions.clearNominatedNodeName(podInfo),
    listPods: () => deps.cache.snapshot().nodes.flatMap((n) => n.pods),
    clock: () => deps.clock.now(),
    logger: deps.log,
  };
  const profiles = new Map<string, SchedulingProfile>();
  const frameworks: Framework[] = [];
  for (const profileDoc of doc.profiles ?? [{}]) {
    const schedulerName = profileDoc.schedulerName ?? 'default-scheduler';
    if (profiles.has(schedulerName)) throw new Error(`profile ${schedulerName} is defined twice`);
    const profile: FrameworkProfile = {
      schedulerName,
      percentageOfNodesToScore: profileDoc.percentageOfNodesToScore ?? doc.percentageOfNodesToScore,
      plugins: resolvePlugins(profileDoc, known),
      pluginConfig: Object.fromEntries((profileDoc.pluginConfig ?? []).map((c) => [c.name, c.args])),
    };
    const framework = new Framework(profile, registry, handleDeps);
    frameworks.push(framework);
    profiles.set(schedulerName, new FrameworkSchedulingProfile(framework, deps.binder));
  }
  const first = frameworks[0]!;
  const configuration: QueueSettings = {
    less: known('PrioritySort') ? (a, b) => first.queueSortLess(a as FrameworkQueuedPodInfo, b as FrameworkQueuedPodInfo) : prioritySort,
    preEnqueue: known('SchedulingGates') ? [
      {
        name: 'PreEnqueue',
        check: (podInfo) => {
          const status = frameworks.find((f) => f.profileName === (podInfo.pod.spec?.schedulerName ?? 'default-scheduler'))?.runPreEnqueuePlugins(podInfo);
          return status === undefined || status.code === 0 ? undefined : `${status.plugin}: ${status.reasons.join(', ')}`;
        },
      },
    ] : [schedulingGatesCheck as PreEnqueueCheck<PodInfo>],
    pluginEvents: { ...DEFAULT_PLUGIN_EVENTS },
    podInitialBackoffSeconds: doc.podInitialBackoffSeconds ?? 1,
    podMaxBackoffSeconds: doc.podMaxBackoffSeconds ?? 10,
  };
  return { profiles, configuration };
}
