// From a validated KubeSchedulerConfiguration to one Framework per profile (schedulerName).
import type { FrameworkOptions } from '../framework/framework.js';
import { Framework } from '../framework/framework.js';
import type { HandleDeps } from '../framework/interfaces.js';
import { EXTENSION_POINTS, emptyPlugins, type FrameworkProfile } from '../framework/extension-points.js';
import type { PluginFactories } from '../framework/plugin-factories.js';
import { ConfigError, type KubeSchedulerConfiguration, type KubeSchedulerProfile } from './types.js';

/**
 * The FrameworkProfile of a defaulted profile. Plugins the registry lacks are dropped from
 * multiPoint (the default set names plugins that may not be registered yet); a missing
 * plugin named explicitly at an extension point is an error.
 */
export function frameworkProfile(cfg: KubeSchedulerConfiguration, profile: KubeSchedulerProfile, registry: PluginFactories, index: number): FrameworkProfile {
  const plugins = emptyPlugins();
  const disabled: Partial<Record<(typeof EXTENSION_POINTS)[number], string[]>> = {};
  const problems: string[] = [];
  for (const point of EXTENSION_POINTS) {
    const set = profile.plugins?.[point];
    for (const [j, e] of (set?.enabled ?? []).entries()) {
      if (!registry.has(e.name)) problems.push(`profiles[${index}].plugins.${point}.enabled[${j}]: Invalid value: ${JSON.stringify(e.name)}: plugin does not exist`);
      plugins[point].push(e.weight !== undefined ? { name: e.name, weight: e.weight } : { name: e.name });
    }
    disabled[point] = (set?.disabled ?? []).map((d) => d.name);
  }
  const multiPoint = (profile.plugins?.multiPoint?.enabled ?? []).filter((e) => registry.has(e.name));
  const pluginConfig: Record<string, unknown> = {};
  for (const c of profile.pluginConfig ?? []) pluginConfig[c.name] = c.args;
  if (problems.length > 0) throw new ConfigError(problems);
  const percentage = profile.percentageOfNodesToScore ?? cfg.percentageOfNodesToScore;
  return {
    schedulerName: profile.schedulerName,
    ...(percentage ? { percentageOfNodesToScore: percentage } : {}),
    plugins,
    multiPoint,
    disabled,
    pluginConfig,
  };
}

/** One Framework per profile, keyed by schedulerName. Plugin construction errors name the profile. */
export function buildFrameworks(
  cfg: KubeSchedulerConfiguration,
  registry: PluginFactories,
  handleDeps: HandleDeps,
  options: FrameworkOptions = {},
): Map<string, Framework> {
  const out = new Map<string, Framework>();
  cfg.profiles.forEach((p, i) => {
    const profile = frameworkProfile(cfg, p, registry, i);
    try {
      out.set(p.schedulerName, new Framework(profile, registry, handleDeps, options));
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      throw new ConfigError([`profiles[${i}] (${p.schedulerName}): ${e instanceof Error ? e.message : String(e)}`]);
    }
  });
  return out;
}
