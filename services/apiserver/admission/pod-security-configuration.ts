// PodSecurity's configuration (PodSecurityConfiguration, pod-security.admission.config.k8s.io/v1 or
// v1beta1/v1alpha1), given in the AdmissionConfiguration as kube-apiserver reads it: the levels and
// versions of namespaces without labels (`defaults`), and the requests never evaluated
// (`exemptions`: usernames of who asks, runtimeClasses of the pod, namespaces). Bad values are
// refused with the field named, as kube-apiserver refuses to start with them.
import type { PodSecurityLevel } from '../../../lib/api/pod-security/checks.js';

export const POD_SECURITY_MODES = ['enforce', 'audit', 'warn'] as const;
export type PodSecurityMode = (typeof POD_SECURITY_MODES)[number];

export interface PodSecurityPolicy {
  level: PodSecurityLevel;
  version: string;
}

export interface PodSecurityConfiguration {
  defaults: Record<PodSecurityMode, PodSecurityPolicy>;
  exemptions: { usernames: ReadonlySet<string>; runtimeClasses: ReadonlySet<string>; namespaces: ReadonlySet<string> };
}

const API_VERSIONS = ['pod-security.admission.config.k8s.io/v1', 'pod-security.admission.config.k8s.io/v1beta1', 'pod-security.admission.config.k8s.io/v1alpha1'];
const LEVELS: readonly string[] = ['privileged', 'baseline', 'restricted'];
const VERSION = /^(latest|v1\.(0|[1-9][0-9]*))$/;

export const DEFAULT_POD_SECURITY_CONFIGURATION: PodSecurityConfiguration = {
  defaults: { enforce: { level: 'privileged', version: 'latest' }, audit: { level: 'privileged', version: 'latest' }, warn: { level: 'privileged', version: 'latest' } },
  exemptions: { usernames: new Set(), runtimeClasses: new Set(), namespaces: new Set() },
};

function names(value: unknown, field: string, problems: string[]): Set<string> {
  if (value === undefined || value === null) return new Set();
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) {
    problems.push(`${field}: must be a list of non-empty names`);
    return new Set();
  }
  const seen = new Set<string>();
  for (const [i, v] of (value as string[]).entries()) {
    if (seen.has(v)) problems.push(`${field}[${i}]: Duplicate value: ${JSON.stringify(v)}`);
    seen.add(v);
  }
  return seen;
}

/** The configuration of `raw` (undefined: Kubernetes' defaults, everything privileged and nothing exempt). */
export function podSecurityConfiguration(raw: unknown): PodSecurityConfiguration {
  if (raw === undefined || raw === null) return DEFAULT_POD_SECURITY_CONFIGURATION;
  const doc = raw as { apiVersion?: unknown; kind?: unknown; defaults?: Record<string, unknown> | null; exemptions?: Record<string, unknown> | null };
  const problems: string[] = [];
  if (doc.kind !== 'PodSecurityConfiguration') problems.push(`kind: must be PodSecurityConfiguration, got ${JSON.stringify(doc.kind)}`);
  if (!API_VERSIONS.includes(String(doc.apiVersion))) problems.push(`apiVersion: must be one of ${API_VERSIONS.join(', ')}, got ${JSON.stringify(doc.apiVersion)}`);
  const given = doc.defaults ?? {};
  const defaults = {} as Record<PodSecurityMode, PodSecurityPolicy>;
  for (const mode of POD_SECURITY_MODES) {
    const level = given[mode] ?? 'privileged';
    const version = given[`${mode}-version`] ?? 'latest';
    if (typeof level !== 'string' || !LEVELS.includes(level)) problems.push(`defaults.${mode}: Unsupported value: ${JSON.stringify(level)}: supported values: "privileged", "baseline", "restricted"`);
    if (typeof version !== 'string' || !VERSION.test(version)) problems.push(`defaults.${mode}-version: Invalid value: ${JSON.stringify(version)}: must be "latest" or "v1.x"`);
    defaults[mode] = { level: level as PodSecurityLevel, version: String(version) };
  }
  const exemptions = doc.exemptions ?? {};
  const configuration: PodSecurityConfiguration = {
    defaults,
    exemptions: {
      usernames: names(exemptions.usernames, 'exemptions.usernames', problems),
      runtimeClasses: names(exemptions.runtimeClasses, 'exemptions.runtimeClasses', problems),
      namespaces: names(exemptions.namespaces, 'exemptions.namespaces', problems),
    },
  };
  if (problems.length > 0) throw new Error(`PodSecurity configuration: ${problems.join('; ')}`);
  return configuration;
}
