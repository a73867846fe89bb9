// Plugin factories by plugin name → factory (framework/runtime.Registry). Factories receive the
// plugin's args from pluginConfig (undefined when none) and the framework handle.
import type { FrameworkHandle, Plugin } from './interfaces.js';

export type PluginFactory = (args: unknown, handle: FrameworkHandle) => Plugin;

export class PluginFactories {
  private readonly factories = new Map<string, PluginFactory>();

  constructor(entries: Iterable<readonly [string, PluginFactory]> = []) {
    for (const [name, factory] of entries) this.register(name, factory);
  }

  register(name: string, factory: PluginFactory): this {
    if (this.factories.has(name)) throw new Error(`a plugin named ${name} already exists`);
    this.factories.set(name, factory);
    return this;
  }

  has(name: string): boolean {
    return this.factories.has(name);
  }

  get(name: string): PluginFactory | undefined {
    return this.factories.get(name);
  }

  names(): string[] {
    return [...this.factories.keys()];
  }

  /** A new registry with the entries of both; names must not collide. */
  merge(other: PluginFactories): PluginFactories {
    const r = new PluginFactories(this.factories);
    for (const name of other.names()) r.register(name, other.get(name)!);
    return r;
  }
}
