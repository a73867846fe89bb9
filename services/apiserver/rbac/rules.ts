// PolicyRule matching and coverage, as Kubernetes' rbac validation (RuleAllows, Covers): a rule
// allows a request when its verbs, API groups, resources (with "*", "pods/status" and "*/status"
// forms) and resource names all admit it; a non-resource rule matches a path exactly or by a
// trailing "*".
import type { PolicyRule } from 'kubernetes-types/rbac/v1.js';
import type { NonResourceAttributes, ResourceAttributes } from './attributes.js';

const ALL = '*';

function has(list: readonly string[] | undefined, value: string): boolean {
  return list !== undefined && (list.includes(ALL) || list.includes(value));
}

function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const resources = rule.resources ?? [];
  if (resources.includes(ALL)) return true;
  if (subresource === '') return resources.includes(resource);
  return resources.includes(`${resource}/${subresource}`) || resources.includes(`*/${subresource}`);
}

export function ruleAllowsResource(rule: PolicyRule, request: ResourceAttributes): boolean {
  if (!has(rule.verbs, request.verb) || !has(rule.apiGroups, request.group)) return false;
  if (!resourceMatches(rule, request.resource, request.subresource)) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(request.name);
}

export function nonResourceUrlMatches(urls: readonly string[] | undefined, path: string): boolean {
  for (const url of urls ?? []) {
    if (url === ALL || url === path) return true;
    if (url.endsWith(ALL) && path.startsWith(url.slice(0, -1))) return true;
  }
  return false;
}

export function ruleAllowsNonResource(rule: PolicyRule, request: NonResourceAttributes): boolean {
  return has(rule.verbs, request.verb) && nonResourceUrlMatches(rule.nonResourceURLs, request.path);
}

/** Splits a rule into rules of one verb, group, resource, name or URL each (Kubernetes' BreakdownRule). */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const verb of rule.verbs ?? []) {
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        const names = rule.resourceNames ?? [];
        if (names.length === 0) out.push({ verbs: [verb], apiGroups: [group], resources: [resource] });
        for (const name of names) out.push({ verbs: [verb], apiGroups: [group], resources: [resource], resourceNames: [name] });
      }
    }
    for (const url of rule.nonResourceURLs ?? []) out.push({ verbs: [verb], nonResourceURLs: [url] });
  }
  return out;
}

function covers(owner: readonly string[] | undefined, wanted: readonly string[] | undefined): boolean {
  const own = owner ?? [];
  return (wanted ?? []).every((w) => own.includes(ALL) || own.includes(w));
}

function resourceCovers(owner: readonly string[], wanted: string): boolean {
  if (owner.includes(ALL) || owner.includes(wanted)) return true;
  const slash = wanted.indexOf('/');
  return slash > 0 && owner.includes(`*${wanted.slice(slash)}`);
}

/** Whether `owner` covers the single-valued rule `wanted` (one of breakdownRule's). */
function ruleCovers(owner: PolicyRule, wanted: PolicyRule): boolean {
  if (!covers(owner.verbs, wanted.verbs)) return false;
  if (wanted.nonResourceURLs?.length) {
    return wanted.nonResourceURLs.every((u) => nonResourceUrlMatches(owner.nonResourceURLs, u));
  }
  if (!covers(owner.apiGroups, wanted.apiGroups)) return false;
  if (!(wanted.resources ?? []).every((r) => resourceCovers(owner.resources ?? [], r))) return false;
  const ownerNames = owner.resourceNames ?? [];
  if (ownerNames.length === 0) return true;
  const wantedNames = wanted.resourceNames ?? [];
  return wantedNames.length > 0 && wantedNames.every((n) => ownerNames.includes(n));
}

/** The parts of `wanted` no rule of `owner` covers (empty when `owner` holds all of it). */
export function uncoveredRules(owner: readonly PolicyRule[], wanted: readonly PolicyRule[]): PolicyRule[] {
  const missing: PolicyRule[] = [];
  for (const rule of wanted) for (const part of breakdownRule(rule)) if (!owner.some((o) => ruleCovers(o, part))) missing.push(part);
  return missing;
}

/** A rule as Kubernetes prints it in escalation errors: {APIGroups:["apps"], Resources:["deployments"], Verbs:["get"]}. */
export function compactRuleString(rule: PolicyRule): string {
  const quote = (values: readonly string[]): string => `[${values.map((v) => JSON.stringify(v)).join(' ')}]`;
  const parts: string[] = [];
  if (rule.apiGroups?.length) parts.push(`APIGroups:${quote(rule.apiGroups)}`);
  if (rule.resources?.length) parts.push(`Resources:${quote(rule.resources)}`);
  if (rule.nonResourceURLs?.length) parts.push(`NonResourceURLs:${quote(rule.nonResourceURLs)}`);
  if (rule.resourceNames?.length) parts.push(`ResourceNames:${quote(rule.resourceNames)}`);
  parts.push(`Verbs:${quote(rule.verbs ?? [])}`);
  return `{${parts.join(', ')}}`;
}
