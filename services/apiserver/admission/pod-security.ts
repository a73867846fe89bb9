// PodSecurity admission, as kube-apiserver's built-in plugin: a namespace's labels
// pod-security.kubernetes.io/{enforce,audit,warn}[-version] pick a Pod Security Standard level
// (privileged, baseline, restricted). A pod that violates its namespace's enforce level is refused
// with Kubernetes' 403 ("violates PodSecurity "restricted:latest": ..."); the warn level returns
// "would violate PodSecurity ..." as a Warning kubectl prints, for pods and for the pod templates
// of workload resources (which are never refused, as in Kubernetes). Unlabelled namespaces are
// privileged; an unknown level in a label is enforced as restricted (failing closed).
import { isDeepStrictEqual } from 'node:util';
import type { PodSpec } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { errors } from '../../../lib/api/status.js';
import { findingsText, podSecurityFindings, type PodSecurityLevel } from '../../../lib/api/pod-security/checks.js';
import type { Labels } from '../../../lib/api/selectors/label-selector.js';
import type { AdmissionAttributes, AdmissionPlugin } from './plugin.js';

const LABEL = 'pod-security.kubernetes.io/';
const LEVELS: readonly string[] = ['privileged', 'baseline', 'restricted'];

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

/** The level and version a namespace's labels set for `mode`. */
function policy(labels: Labels, mode: 'enforce' | 'warn' | 'audit'): { level: PodSecurityLevel; version: string } {
  const raw = labels[`${LABEL}${mode}`];
  const version = labels[`${LABEL}${mode}-version`] ?? 'latest';
  if (raw === undefined) return { level: 'privileged', version };
  return { level: (LEVELS.includes(raw) ? raw : 'restricted') as PodSecurityLevel, version };
}

function asPod(value: unknown): PodView | undefined {
  const obj = value as { metadata?: { annotations?: Record<string, string> }; spec?: PodSpec } | undefined;
  return obj?.spec ? { metadata: obj.metadata ?? {}, spec: obj.spec } : undefined;
}

export function podSecurity(namespaceLabels: (namespace: string) => Labels): AdmissionPlugin {
  return {
    name: 'PodSecurity',
    validate(attributes: AdmissionAttributes): void {
      const { info, namespace, object } = attributes;
      if (namespace === undefined || object === null || attributes.operation === 'DELETE') return;
      const isPod = info.group === '' && info.resource === 'pods';
      if (isPod ? attributes.subresource !== undefined && attributes.subresource !== 'ephemeralcontainers' : attributes.subresource !== undefined) return;
      const template = isPod ? undefined : TEMPLATES[`${info.group}/${info.resource}`];
      if (!isPod && !template) return;
      const labels = namespaceLabels(namespace);
      if (!Object.keys(labels).some((key) => key.startsWith(LABEL))) return;
      const pod = asPod(isPod ? object : template!(object));
      if (!pod) return;
      // An update that leaves the pod's spec as it was is not evaluated again.
      if (isPod && attributes.operation === 'UPDATE' && isDeepStrictEqual(attributes.oldObject?.spec, pod.spec)) return;
      if (isPod) {
        const enforce = policy(labels, 'enforce');
        const findings = podSecurityFindings(enforce.level, pod);
        if (findings.length > 0) {
          throw errors.forbidden({ group: '', resource: 'pods' }, attributes.name, `violates PodSecurity "${enforce.level}:${enforce.version}": ${findingsText(findings)}`);
        }
      }
      const warn = policy(labels, 'warn');
      const warnings = podSecurityFindings(warn.level, pod);
      if (warnings.length > 0) attributes.warn?.(`would violate PodSecurity "${warn.level}:${warn.version}": ${findingsText(warnings)}`);
    },
  };
}
