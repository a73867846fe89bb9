// Reading a KubeSchedulerConfiguration file (YAML or JSON): parse, default, validate.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { defaultConfiguration } from './defaults.js';
import { ConfigError, type KubeSchedulerConfiguration } from './types.js';
import { validateConfiguration } from './validate.js';

/** Parses YAML or JSON text (JSON is YAML), defaults it and validates it; throws ConfigError. */
export function parseSchedulerConfiguration(text: string): KubeSchedulerConfiguration {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    throw new ConfigError([`cannot parse scheduler configuration: ${e instanceof Error ? e.message : String(e)}`]);
  }
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(['scheduler configuration must be an object']);
  return loadSchedulerConfiguration(raw as Partial<KubeSchedulerConfiguration>);
}

export function loadSchedulerConfiguration(raw: Partial<KubeSchedulerConfiguration>): KubeSchedulerConfiguration {
  if (raw.profiles !== undefined && !Array.isArray(raw.profiles)) throw new ConfigError(['profiles: Invalid value: must be a list']);
  const cfg = defaultConfiguration(raw);
  const problems = validateConfiguration(cfg);
  if (problems.length > 0) throw new ConfigError(problems);
  return cfg;
}

export async function readSchedulerConfiguration(path: string): Promise<KubeSchedulerConfiguration> {
  return parseSchedulerConfiguration(await readFile(path, 'utf8'));
}
