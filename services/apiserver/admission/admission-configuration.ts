// kube-apiserver's --admission-control-config-file: an AdmissionConfiguration
// (apiserver.config.k8s.io/v1, or v1alpha1/v1beta1, YAML or JSON) naming per plugin either its
// `configuration` inline or a `path` to a file of it (relative to the AdmissionConfiguration's own
// directory). A plugin reads only its own entry; a file that cannot be read or parsed stops the
// apiserver at start, as kube-apiserver does.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';

const API_VERSIONS = ['apiserver.config.k8s.io/v1', 'apiserver.config.k8s.io/v1beta1', 'apiserver.config.k8s.io/v1alpha1', 'apiserver.k8s.io/v1alpha1'];

export interface AdmissionConfiguration {
  /** The configuration object given for a plugin, or undefined when the file names none. */
  pluginConfiguration(name: string): unknown;
}

export const NO_ADMISSION_CONFIGURATION: AdmissionConfiguration = { pluginConfiguration: () => undefined };

interface PluginEntry {
  name?: unknown;
  path?: unknown;
  configuration?: unknown;
}

/** Parses an AdmissionConfiguration's text; `baseDir` resolves relative plugin `path`s. */
export function parseAdmissionConfiguration(text: string, baseDir: string): AdmissionConfiguration {
  const doc = parse(text) as { apiVersion?: unknown; kind?: unknown; plugins?: unknown } | null;
  if (!doc || typeof doc !== 'object') throw new Error('not an AdmissionConfiguration');
  if (doc.kind !== 'AdmissionConfiguration') throw new Error(`kind must be AdmissionConfiguration, got ${JSON.stringify(doc.kind)}`);
  if (!API_VERSIONS.includes(String(doc.apiVersion))) throw new Error(`apiVersion must be one of ${API_VERSIONS.join(', ')}, got ${JSON.stringify(doc.apiVersion)}`);
  const plugins = doc.plugins ?? [];
  if (!Array.isArray(plugins)) throw new Error('plugins must be a list');
  const byName = new Map<string, unknown>();
  for (const [i, raw] of (plugins as PluginEntry[]).entries()) {
    if (!raw || typeof raw.name !== 'string' || raw.name === '') throw new Error(`plugins[${i}].name is required`);
    if (raw.path !== undefined && raw.path !== '') {
      if (typeof raw.path !== 'string') throw new Error(`plugins[${i}].path must be a string`);
      const file = resolve(baseDir, raw.path);
      try {
        byName.set(raw.name, parse(readFileSync(file, 'utf8')) as unknown);
      } catch (error) {
        throw new Error(`plugins[${i}] (${raw.name}): ${file}: ${(error as Error).message}`);
      }
    } else {
      byName.set(raw.name, raw.configuration);
    }
  }
  return { pluginConfiguration: (name) => byName.get(name) };
}

/** The configuration in the file at `path` ('' : none). */
export function loadAdmissionConfiguration(path: string): AdmissionConfiguration {
  if (path === '') return NO_ADMISSION_CONFIGURATION;
  return parseAdmissionConfiguration(readFileSync(path, 'utf8'), dirname(resolve(path)));
}
