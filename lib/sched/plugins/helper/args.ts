// Reading plugin args (plain JSON from pluginConfig) with errors that name the field.

export class PluginArgsError extends Error {
  override name = 'PluginArgsError';
}

export function argsObject(plugin: string, args: unknown): Record<string, unknown> {
  if (args === undefined || args === null) return {};
  if (typeof args !== 'object' || Array.isArray(args)) throw new PluginArgsError(`${plugin}: args must be an object`);
  return args as Record<string, unknown>;
}
