// Rust extension plugins (crates/sched/src/plugins) in the TypeScript registry: a profile
// enables them by name like any plugin, the framework places them at Filter or Score, and the
// native accelerator runs them (it `supports` every extension plugin). Without the
// accelerator the entries have nothing to run and report an error status instead.
import type { KernelExtensionPlugins } from '../../native/sched.js';
import type { FilterPlugin, Plugin, ScorePlugin } from '../framework/interfaces.js';
import { PluginFactories } from '../framework/plugin-factories.js';
import { Code, Status } from '../framework/status.js';

function nativeOnly(name: string): Status {
  return new Status(Code.Error, [`plugin ${name} runs only in the native scheduling kernel (enable the kernel accelerator)`], name);
}

function filterEntry(name: string): FilterPlugin {
  return { name, filter: () => nativeOnly(name) };
}

function scoreEntry(name: string): ScorePlugin {
  return { name, score: () => nativeOnly(name) };
}

/** PluginFactories entries for the kernel's extension plugins (names from `kernel.extensionPlugins()`). */
export function extensionPluginFactories(plugins: KernelExtensionPlugins): PluginFactories {
  const registry = new PluginFactories();
  const scores = new Set(plugins.scores);
  for (const name of new Set([...plugins.filters, ...plugins.scores])) {
    const isFilter = plugins.filters.includes(name);
    registry.register(name, (): Plugin => {
      if (isFilter && scores.has(name)) return { ...filterEntry(name), ...scoreEntry(name) };
      return isFilter ? filterEntry(name) : scoreEntry(name);
    });
  }
  return registry;
}
