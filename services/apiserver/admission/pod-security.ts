// PodSecurity admission, as kube-apiserver's built-in plugin: a namespace's labels
// pod-security.kubernetes.io/{enforce,audit,warn}[-version] pick a Pod Security Standard level
// (privileged, baseline, restricted). A pod that violates its namespace's enforce level is refused
// with Kubernetes' 403 ("violates PodSecurity "restricted:latest": ..."); the warn level returns
// "would violate PodSecurity ..." as a Warning kubectl prints, and the audit level adds the same text
// to the request's audit event as the annotation pod-security.kubernetes.io/audit-violations, for
// pods and for the pod templates of workload resources (which are never refused, as in Kubernetes).
// An evaluated pod's event also carries pod-security.kubernetes.io/enforce-policy. Namespaces
// without labels take the configuration's defaults (privileged unless the PodSecurityConfiguration
// says otherwise); an unknown level in a label is enforced as restricted (failing closed). The
// configuration's exemptions (namespaces, usernames of who asks, runtimeClassNames of the pod) skip
// the evaluation, with pod-security.kubernetes.io/exempt naming which one.
import { isDeepStrictEqual } from 'node:util';
import type { PodSpec } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { errors } from '../../../lib/api/status.js';
import { findingsText, podSecurityFindings, type PodSecurityLevel } from '../../../lib/api/pod-security/checks.js';
import type { Labels } from '../../../lib/api/selectors/label-selector.js';
import type { AdmissionAttributes, AdmissionPlugin } from './plugin.js';
import { DEFAULT_POD_SECURITY_CONFIGURATION, POD_SECURITY_MODES, type PodSecurityConfiguration, type PodSecurityMode, type PodSecurityPolicy } from './pod-security-configuration.js';

const LABEL = 'pod-security.kubernetes.io/';
const LEVELS: readonly string[] = ['privileged', 'baseline', 'restricted'];
/** The audit annotations' keys, as kube-apiserver writes them. */
export const AUDIT_VIOLATIONS = `${LABEL}audit-violations`;
export const ENFORCE_POLICY = `${LABEL}enforce-policy`;
export const EXEMPT = `${LABEL}exempt`;

interface PodView {
  metadata: { annotations?: Record<string, string> };
  spec: PodSpec;
}

/** Where each workload kind keeps its pod template. */
const TEMPLATES: Record<string, (obj: KubeObject) => unknown> = {
  'apps/deployments': (o) => (o.spec as { template?: unknown } | undefined)?.template,
  'apps/replicasets': (o) => (o.spec as { template?: unknown } | undefined)?.template,
  'apps/statefulsets': (o) => (o.spec as { template?: unknown } | undefined)?.template,
  'apps/daemonsets': (o) => (o.spec as { template?: unknown } | undefined)?.template,
  'batch/jobs': (o) => (o.spec as { template?: unknown } | undefined)?.template,
  'batch/cronjobs': (o) => (o.spec as { jobTemplate?: { spec?: { template?: unknown } } } | undefined)?.jobTemplate?.spec?.template,
  '/replicationcontrollers': (o) => (o.spec as { template?: unknown } | undefined)?.template,
  '/podtemplates': (o) => (o as { template?: unknown }).template,
};

/** The level and version a namespace's labels set for `mode`, else the configuration's defaults. */
function policy(labels: Labels, mode: PodSecurityMode, defaults: PodSecurityPolicy): PodSecurityPolicy {
  const raw = labels[`${LABEL}${mode}`];
  const version = labels[`${LABEL}${mode}-version`] ?? defaults.version;
  if (raw === undefined) return { level: defaults.level, version };
  return { level: (LEVELS.includes(raw) ? raw : 'restricted') as PodSecurityLevel, version };
}

function text(p: PodSecurityPolicy): string {
  return `${p.level}:${p.version}`;
}

function asPod(value: unknown): PodView | undefined {
  const obj = value as { metadata?: { annotations?: Record<string, string> }; spec?: PodSpec } | undefined;
  return obj?.spec ? { metadata: obj.metadata ?? {}, spec: obj.spec } : undefined;
}

export function podSecurity(namespaceLabels: (namespace: string) => Labels, configuration: PodSecurityConfiguration = DEFAULT_POD_SECURITY_CONFIGURATION): AdmissionPlugin {
  const { defaults, exemptions } = configuration;
  return {
    name: 'PodSecurity',
    validate(attributes: AdmissionAttributes): void {
      const { info, namespace, object } = attributes;
      if (namespace === undefined || object === null || attributes.operation === 'DELETE') return;
      const isPod = info.group === '' && info.resource === 'pods';
      if (isPod ? attributes.subresource !== undefined && attributes.subresource !== 'ephemeralcontainers' : attributes.subresource !== undefined) return;
      const template = isPod ? undefined : TEMPLATES[`${info.group}/${info.resource}`];
      if (!isPod && !template) return;
      const annotate = (key: string, value: string): void => attributes.annotate?.(key, value);
      if (exemptions.namespaces.has(namespace)) return annotate(EXEMPT, 'namespace');
      if (attributes.user && exemptions.usernames.has(attributes.user.name)) return annotate(EXEMPT, 'user');
      const labels = namespaceLabels(namespace);
      const policies = Object.fromEntries(POD_SECURITY_MODES.map((mode) => [mode, policy(labels, mode, defaults[mode])])) as Record<PodSecurityMode, PodSecurityPolicy>;
      if (POD_SECURITY_MODES.every((mode) => policies[mode].level === 'privileged')) return;
      const pod = asPod(isPod ? object : template!(object));
      if (!pod) return;
      // An update that leaves the pod's spec as it was is not evaluated again.
      if (isPod && attributes.operation === 'UPDATE' && isDeepStrictEqual(attributes.oldObject?.spec, pod.spec)) return;
      if (pod.spec.runtimeClassName && exemptions.runtimeClasses.has(pod.spec.runtimeClassName)) return annotate(EXEMPT, 'runtimeClass');
      const { enforce, audit, warn } = policies;
      // audited also when enforce refuses the request, as kube-apiserver does
      const audited = podSecurityFindings(audit.level, pod);
      if (audited.length > 0) annotate(AUDIT_VIOLATIONS, `would violate PodSecurity "${text(audit)}": ${findingsText(audited)}`);
      if (isPod) {
        annotate(ENFORCE_POLICY, text(enforce));
        const findings = podSecurityFindings(enforce.level, pod);
        if (findings.length > 0) throw errors.forbidden({ group: '', resource: 'pods' }, attributes.name, `violates PodSecurity "${text(enforce)}": ${findingsText(findings)}`);
      }
      const warnings = podSecurityFindings(warn.level, pod);
      if (warnings.length > 0) attributes.warn?.(`would violate PodSecurity "${text(warn)}": ${findingsText(warnings)}`);
    },
  };
}
