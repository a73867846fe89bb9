// Whether a request falls under a webhook's rules, as Kubernetes' webhook rules matcher decides:
// operations, apiGroups, apiVersions, resources ("pods", "pods/status", "*", "*/*", "pods/*",
// "*/scale") and scope. With matchPolicy Equivalent a request also matches a rule naming another
// version or group of the same stored resource (autoscaling/v1 and v2 HorizontalPodAutoscalers, a
// CustomResourceDefinition's served versions); the webhook then sees the object in that version.
import type { RuleWithOperations } from 'kubernetes-types/admissionregistration/v1.js';
import { storagePrefix, type ResourceInfo } from '../../../lib/api/resources.js';
import type { AdmissionAttributes } from './plugin.js';

/** A rule of a webhook (kubernetes-types leaves out the fields of the embedded Rule). */
export interface WebhookRule extends RuleWithOperations {
  resources?: string[];
  scope?: string;
}

/** A served resource by its path segments (built-in or custom). */
export type ResourceLookup = (group: string, version: string, resource: string) => ResourceInfo | undefined;

function listed(values: readonly string[] | undefined, value: string): boolean {
  return (values ?? []).some((v) => v === '*' || v === value);
}

function resourceMatches(rule: WebhookRule, resource: string, subresource: string): boolean {
  return (rule.resources ?? []).some((entry) => {
    const slash = entry.indexOf('/');
    const res = slash < 0 ? entry : entry.slice(0, slash);
    const sub = slash < 0 ? '' : entry.slice(slash + 1);
    return (res === '*' || res === resource) && (sub === '*' || sub === subresource);
  });
}

function scopeMatches(rule: WebhookRule, info: ResourceInfo, namespace: string | undefined): boolean {
  const scope = rule.scope ?? '*';
  if (scope === '*') return true;
  // A Namespace is cluster-scoped, though its requests name a namespace (itself).
  const isNamespace = info.group === '' && info.resource === 'namespaces';
  const namespaced = !isNamespace && namespace !== undefined && namespace !== '';
  return scope === 'Namespaced' ? namespaced : !namespaced;
}

function ruleMatches(rule: WebhookRule, info: ResourceInfo, attributes: AdmissionAttributes): boolean {
  return (
    listed(rule.operations, attributes.operation) &&
    listed(rule.apiGroups, info.group) &&
    listed(rule.apiVersions, info.version) &&
    resourceMatches(rule, info.resource, attributes.subresource ?? '') &&
    scopeMatches(rule, info, attributes.namespace)
  );
}

/** Versions (and groups) a rule names explicitly under which the same stored resource is served. */
function equivalents(rule: WebhookRule, info: ResourceInfo, lookup: ResourceLookup): ResourceInfo[] {
  const prefix = storagePrefix(info);
  const groups = (rule.apiGroups ?? []).map((g) => (g === '*' ? info.group : g));
  // Under "*" another group is looked for in the request's version (events.k8s.io/v1 for core v1 events).
  const versions = (rule.apiVersions ?? []).map((v) => (v === '*' ? info.version : v));
  const found: ResourceInfo[] = [];
  for (const group of new Set(groups)) {
    for (const version of new Set(versions)) {
      const candidate = lookup(group, version, info.resource);
      if (candidate && candidate !== info && storagePrefix(candidate) === prefix) found.push(candidate);
    }
  }
  return found;
}

/**
 * The resource as the webhook is to see the request: the request's own when a rule matches it,
 * an equivalent one under matchPolicy Equivalent, undefined when the webhook is not called.
 */
export function matchRules(rules: readonly WebhookRule[], matchPolicy: 'Exact' | 'Equivalent', attributes: AdmissionAttributes, lookup: ResourceLookup): ResourceInfo | undefined {
  const { info } = attributes;
  if (rules.some((rule) => ruleMatches(rule, info, attributes))) return info;
  if (matchPolicy !== 'Equivalent') return undefined;
  for (const rule of rules) {
    const match = equivalents(rule, info, lookup).find((candidate) => ruleMatches(rule, candidate, attributes));
    if (match) return match;
  }
  return undefined;
}
