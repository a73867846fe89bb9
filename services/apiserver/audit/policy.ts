// An audit Policy (audit.k8s.io/v1, as kube-apiserver's --audit-policy-file): rules checked in
// order, the first that matches a request decides its level (None, Metadata, Request,
// RequestResponse); a request no rule matches is not audited. Rules match by user, group, verb,
// resource (group, resources with "*" and "resource/subresource" forms, resourceNames),
// namespace and non-resource URL (with a trailing "*" prefix form); omitStages drop stages.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { TokenUser } from '../../../lib/auth/request-user.js';
import type { NonResourceAttributes, ResourceAttributes } from '../rbac/attributes.js';

export const AUDIT_LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'] as const;
export type AuditLevel = (typeof AUDIT_LEVELS)[number];
export const AUDIT_STAGES = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'] as const;
export type AuditStage = (typeof AUDIT_STAGES)[number];

interface GroupResources {
  group: string;
  resources: string[];
  resourceNames: string[];
}

interface PolicyRule {
  level: AuditLevel;
  users: string[];
  userGroups: string[];
  verbs: string[];
  resources: GroupResources[];
  namespaces: string[];
  nonResourceURLs: string[];
  omitStages: AuditStage[];
}

export interface AuditDecision {
  level: AuditLevel;
  omitStages: ReadonlySet<AuditStage>;
}

export type AuditAttributes = { user: TokenUser } & ({ resource: ResourceAttributes } | { nonResource: NonResourceAttributes });

function strings(value: unknown, where: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw new Error(`${where} must be a list of strings`);
  return value as string[];
}

function stages(value: unknown, where: string): AuditStage[] {
  const list = strings(value, where);
  for (const stage of list) if (!(AUDIT_STAGES as readonly string[]).includes(stage)) throw new Error(`${where}: unknown stage "${stage}" (${AUDIT_STAGES.join(', ')})`);
  return list as AuditStage[];
}

function rule(raw: unknown, i: number): PolicyRule {
  const where = `rules[${i}]`;
  if (typeof raw !== 'object' || raw === null) throw new Error(`${where} must be an object`);
  const r = raw as Record<string, unknown>;
  if (!(AUDIT_LEVELS as readonly unknown[]).includes(r.level)) throw new Error(`${where}.level must be one of ${AUDIT_LEVELS.join(', ')}`);
  const resources = r.resources === undefined ? [] : r.resources;
  if (!Array.isArray(resources)) throw new Error(`${where}.resources must be a list`);
  const rule: PolicyRule = {
    level: r.level as AuditLevel,
    users: strings(r.users, `${where}.users`),
    userGroups: strings(r.userGroups, `${where}.userGroups`),
    verbs: strings(r.verbs, `${where}.verbs`),
    resources: resources.map((gr: unknown, j) => {
      const g = (gr ?? {}) as Record<string, unknown>;
      if (g.group !== undefined && typeof g.group !== 'string') throw new Error(`${where}.resources[${j}].group must be a string`);
      return { group: (g.group as string | undefined) ?? '', resources: strings(g.resources, `${where}.resources[${j}].resources`), resourceNames: strings(g.resourceNames, `${where}.resources[${j}].resourceNames`) };
    }),
    namespaces: strings(r.namespaces, `${where}.namespaces`),
    nonResourceURLs: strings(r.nonResourceURLs, `${where}.nonResourceURLs`),
    omitStages: stages(r.omitStages, `${where}.omitStages`),
  };
  if ((rule.resources.length > 0 || rule.namespaces.length > 0) && rule.nonResourceURLs.length > 0) {
    throw new Error(`${where}: a rule cannot match both resources (or namespaces) and nonResourceURLs`);
  }
  return rule;
}

function resourceMatches(rule: PolicyRule, attributes: ResourceAttributes): boolean {
  if (rule.nonResourceURLs.length > 0) return false;
  if (rule.namespaces.length > 0 && !rule.namespaces.includes(attributes.namespace)) return false;
  if (rule.resources.length === 0) return true;
  const full = attributes.subresource ? `${attributes.resource}/${attributes.subresource}` : attributes.resource;
  return rule.resources.some((gr) => {
    if (gr.group !== attributes.group && gr.group !== '*') return false;
    if (gr.resources.length > 0) {
      const named = gr.resources.some((r) => r === '*' || r === full || (r === '*/*' && attributes.subresource !== '') || (r.startsWith('*/') && attributes.subresource === r.slice(2)) || (r.endsWith('/*') && r.slice(0, -2) === attributes.resource));
      if (!named) return false;
    }
    return gr.resourceNames.length === 0 || gr.resourceNames.includes(attributes.name);
  });
}

function urlMatches(rule: PolicyRule, attributes: NonResourceAttributes): boolean {
  if (rule.resources.length > 0 || rule.namespaces.length > 0) return false;
  if (rule.nonResourceURLs.length === 0) return true;
  return rule.nonResourceURLs.some((url) => url === '*' || url === attributes.path || (url.endsWith('*') && attributes.path.startsWith(url.slice(0, -1))));
}

export class AuditPolicy {
  private constructor(
    private readonly rules: PolicyRule[],
    private readonly omitStages: AuditStage[],
  ) {}

  /** Parses a Policy document; throws an Error naming what is wrong. */
  static parse(text: string): AuditPolicy {
    const doc = parse(text) as Record<string, unknown> | null;
    if (typeof doc !== 'object' || doc === null) throw new Error('the audit policy must be a YAML or JSON object');
    if (doc.kind !== 'Policy' || (doc.apiVersion !== 'audit.k8s.io/v1' && doc.apiVersion !== 'audit.k8s.io/v1beta1')) {
      throw new Error('the audit policy must have kind Policy and apiVersion audit.k8s.io/v1');
    }
    if (!Array.isArray(doc.rules) || doc.rules.length === 0) throw new Error('the audit policy must have at least one rule');
    return new AuditPolicy(doc.rules.map(rule), stages(doc.omitStages, 'omitStages'));
  }

  static load(path: string): AuditPolicy {
    try {
      return AuditPolicy.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new Error(`--audit-policy-file ${path}: ${(error as Error).message}`);
    }
  }

  /** The level and the stages to leave out for a request; level None: not audited. */
  decide(attributes: AuditAttributes): AuditDecision {
    const { user } = attributes;
    for (const r of this.rules) {
      if (r.users.length > 0 && !r.users.includes(user.name)) continue;
      if (r.userGroups.length > 0 && !r.userGroups.some((g) => user.groups.includes(g))) continue;
      const verb = 'resource' in attributes ? attributes.resource.verb : attributes.nonResource.verb;
      if (r.verbs.length > 0 && !r.verbs.includes(verb)) continue;
      if ('resource' in attributes ? !resourceMatches(r, attributes.resource) : !urlMatches(r, attributes.nonResource)) continue;
      return { level: r.level, omitStages: new Set([...this.omitStages, ...r.omitStages]) };
    }
    return { level: 'None', omitStages: new Set() };
  }
}
