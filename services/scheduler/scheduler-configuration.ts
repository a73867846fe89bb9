// One Framework per profile of the KubeSchedulerConfiguration (--config, read and defaulted by
// lib/sched/config), with the in-tree registry plus the plugins of --plugin-module, and the
// queue settings the profiles share.
import type { Clock } from '../../lib/client/clock.js';
import type { Logger } from '../../lib/observe/logger.js';
import { buildFrameworks, loadSchedulerConfiguration, readSchedulerConfiguration, type KubeSchedulerConfiguration } from '../../lib/sched/config/index.js';
import type { FilterScoreAccelerator, Framework, HandleDeps, PluginFactories } from '../../lib/sched/framework/index.js';
import { registerPluginModules } from '../../lib/sched/framework/plugin-modules.js';
import { inTreePluginFactories } from '../../lib/sched/plugins/in-tree.js';
import type { Nominator } from '../../lib/sched/queue/nominator.js';
import { queueSettings, type QueueSettings } from '../../lib/sched/queue/queue-settings.js';
import type { PodInfo } from '../../lib/sched/types.js';
import type { Binder } from './binder.js';
import { FrameworkSchedulingProfile } from '../../lib/sched/framework/framework-adapter.js';
import type { PreemptionActions } from './preemption-actions.js';
import type { SchedulingProfile } from '../../lib/sched/framework/scheduling-framework.js';
import type { WorkloadInformers } from './workload-informers.js';

export interface BuildProfilesDeps {
  configFile?: string;
  pluginModules: readonly string[];
  nominator: Nominator<PodInfo>;
  binder: Binder;
  preemption: PreemptionActions;
  workloads: WorkloadInformers;
  /** Runs the plugins it supports natively; its Rust extension plugins join the registry. */
  accelerator?: FilterScoreAccelerator & { extensionPluginFactories(): PluginFactories };
  clock: Clock;
  log: Logger;
}

export interface BuiltProfiles {
  profiles: Map<string, SchedulingProfile>;
  frameworks: Map<string, Framework>;
  configuration: KubeSchedulerConfiguration;
  queue: QueueSettings;
}

export async function buildProfiles(deps: BuildProfilesDeps): Promise<BuiltProfiles> {
  const configuration = deps.configFile ? await readSchedulerConfiguration(deps.configFile) : loadSchedulerConfiguration({});
  const registry = deps.accelerator ? inTreePluginFactories().merge(deps.accelerator.extensionPluginFactories()) : inTreePluginFactories();
  const extra = await registerPluginModules(registry, deps.pluginModules);
  if (extra.length > 0) deps.log.info({ plugins: extra }, 'registered plugins from plugin modules');
  const handleDeps: HandleDeps = {
    binder: (podInfo, nodeName) => deps.binder.bind(podInfo.pod, nodeName),
    nominator: deps.nominator,
    deletePod: (podInfo, reason, preemptor) => deps.preemption.deletePod(podInfo, reason, preemptor),
    clearNominatedNodeName: (podInfo) => deps.preemption.clearNominatedNodeName(podInfo),
    namespaceLabels: (namespace) => deps.workloads.namespaceLabels(namespace),
    workloads: deps.workloads,
    podDisruptionBudgets: () => deps.workloads.podDisruptionBudgets(),
    clock: () => deps.clock.now(),
    logger: deps.log,
  };
  const frameworks = buildFrameworks(configuration, registry, handleDeps, { accelerator: deps.accelerator });
  const profiles = new Map<string, SchedulingProfile>();
  for (const [name, framework] of frameworks) {
    // As kube-scheduler's NewFramework: a profile must bind somehow.
    if (framework.bindPlugins.length === 0) throw new Error(`at least one bind plugin is needed for profile with scheduler name "${name}"`);
    if (!framework.queueSortPlugin) throw new Error(`one queue sort plugin required for profile with scheduler name "${name}"`);
    profiles.set(name, new FrameworkSchedulingProfile(framework));
  }
  // One queue for all profiles: validation made them share the queue sort plugin.
  const queue = queueSettings(frameworks, configuration);
  return { profiles, frameworks, configuration, queue };
}
