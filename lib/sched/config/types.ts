// KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1), the fields the scheduler reads.
import type { ExtensionPoint } from '../framework/extension-points.js';

export const API_VERSION = 'kubescheduler.config.k8s.io/v1';
export const KIND = 'KubeSchedulerConfiguration';
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export interface PluginEntry {
  name: string;
  weight?: number;
}

export interface PluginSet {
  enabled?: PluginEntry[];
  disabled?: PluginEntry[];
}

export type Plugins = Partial<Record<ExtensionPoint | 'multiPoint', PluginSet>>;

export interface PluginConfig {
  name: string;
  args?: unknown;
}

export interface KubeSchedulerProfile {
  schedulerName: string;
  percentageOfNodesToScore?: number;
  plugins?: Plugins;
  pluginConfig?: PluginConfig[];
}

export interface KubeSchedulerConfiguration {
  apiVersion: string;
  kind: string;
  parallelism: number;
  /** 0 means adaptive. */
  percentageOfNodesToScore: number;
  podInitialBackoffSeconds: number;
  podMaxBackoffSeconds: number;
  profiles: KubeSchedulerProfile[];
  leaderElection?: { leaderElect?: boolean; leaseDuration?: string; renewDeadline?: string; retryPeriod?: string; resourceNamespace?: string; resourceName?: string };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(problems.length === 1 ? problems[0]! : `[${problems.join(', ')}]`);
  }
}
