// Researchers' plugins: --plugin-module PATH loads an ES module whose `plugins` export (or default
// export) maps plugin names to factories; each is registered so a profile can enable it by name,
// beside the in-tree plugins.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PluginFactories, PluginFactory } from './plugin-factories.js';

export async function registerPluginModules(registry: PluginFactories, paths: readonly string[]): Promise<string[]> {
  const names: string[] = [];
  for (const path of paths) {
    const module = (await import(pathToFileURL(resolve(path)).href)) as { plugins?: unknown; default?: unknown };
    const factories = module.plugins ?? module.default;
    if (!factories || typeof factories !== 'object') throw new Error(`${path}: export "plugins" (or a default export) mapping plugin names to factories`);
    for (const [name, factory] of Object.entries(factories as Record<string, unknown>)) {
      if (typeof factory !== 'function') throw new Error(`${path}: plugin "${name}" is not a factory function`);
      registry.register(name, factory as PluginFactory);
      names.push(name);
    }
  }
  return names;
}
