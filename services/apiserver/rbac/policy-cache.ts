// The RBAC objects, read from the store and resolved per user, so an authorization decision is a
// few array scans with no I/O. Any committed change under /registry/rbac.authorization.k8s.io/ (on
// this replica or, through Raft, any other), or a snapshot restore, drops everything resolved; the next decision reloads
// the four kinds with one range read each. A user's rules are resolved once per policy version: the
// cluster-wide rules of their ClusterRoleBindings and, per namespace, those of their RoleBindings.
// ClusterRoles with an aggregationRule get the rules of every ClusterRole their selectors pick
// (recursively: edit is picked by admin, view by edit), as the clusterrole-aggregation controller
// fills them in.
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, Subject } from 'kubernetes-types/rbac/v1.js';
import { labelSelectorFromObject } from '../../../lib/api/selectors/label-selector-object.js';
import type { TokenUser } from '../../../lib/auth/request-user.js';
import type { Store } from '../../../lib/native/store.js';
import { onPrefixChange } from '../prefix-changes.js';

const PREFIX = '/registry/rbac.authorization.k8s.io/';

export interface UserRules {
  /** Rules that hold in every namespace and for cluster-scoped requests. */
  readonly cluster: readonly PolicyRule[];
  /** Rules that hold only in one namespace. */
  readonly byNamespace: ReadonlyMap<string, readonly PolicyRule[]>;
}

interface Policy {
  clusterRoles: Map<string, ClusterRole>;
  roles: Map<string, Role>;
  clusterRoleBindings: ClusterRoleBinding[];
  roleBindings: RoleBinding[];
  resolvedClusterRoles: Map<string, readonly PolicyRule[]>;
}

function serviceAccountUser(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

export function subjectMatches(subject: Subject, user: TokenUser, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === user.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount':
      return user.name === serviceAccountUser(subject.namespace || bindingNamespace, subject.name);
    default:
      return false;
  }
}

function userKey(user: TokenUser): string {
  return `${user.name}\u0000${user.groups.join('\u0000')}`;
}

export class PolicyCache {
  private policy: Policy | undefined;
  private readonly users = new Map<string, UserRules>();
  private readonly unsubscribe: () => void;
  /** Bumped on every RBAC change, for callers that cache what they derived. */
  version = 0;

  constructor(private readonly store: Store, private readonly maxUsers = 10_000) {
    this.unsubscribe = onPrefixChange(store, PREFIX, () => this.invalidate());
  }

  close(): void {
    this.unsubscribe();
  }

  private invalidate(): void {
    this.policy = undefined;
    this.users.clear();
    this.version++;
  }

  private list<T>(resource: string): T[] {
    return this.store.range<T>(`${PREFIX}${resource}/`).kvs.map((kv) => kv.value);
  }

  private load(): Policy {
    if (this.policy) return this.policy;
    const clusterRoles = new Map(this.list<ClusterRole>('clusterroles').map((r) => [r.metadata?.name ?? '', r]));
    const roles = new Map(this.list<Role>('roles').map((r) => [`${r.metadata?.namespace}/${r.metadata?.name}`, r]));
    this.policy = {
      clusterRoles,
      roles,
      clusterRoleBindings: this.list<ClusterRoleBinding>('clusterrolebindings'),
      roleBindings: this.list<RoleBinding>('rolebindings'),
      resolvedClusterRoles: new Map(),
    };
    return this.policy;
  }

  /** A ClusterRole's rules, its aggregated roles' included; [] when it does not exist. */
  clusterRoleRules(name: string): readonly PolicyRule[] {
    const policy = this.load();
    return this.resolveClusterRole(policy, name, new Set());
  }

  private resolveClusterRole(policy: Policy, name: string, visiting: Set<string>): readonly PolicyRule[] {
    const done = policy.resolvedClusterRoles.get(name);
    if (done) return done;
    const role = policy.clusterRoles.get(name);
    if (!role || visiting.has(name)) return [];
    visiting.add(name);
    const rules = [...(role.rules ?? [])];
    for (const selector of role.aggregationRule?.clusterRoleSelectors ?? []) {
      let matcher;
      try {
        matcher = labelSelectorFromObject(selector);
      } catch {
        continue;
      }
      for (const [otherName, other] of policy.clusterRoles) {
        if (otherName !== name && matcher.matches(other.metadata?.labels)) rules.push(...this.resolveClusterRole(policy, otherName, visiting));
      }
    }
    visiting.delete(name);
    policy.resolvedClusterRoles.set(name, rules);
    return rules;
  }

  /** The rules a binding's roleRef grants (a Role only from the binding's own namespace). */
  roleRefRules(roleRef: { kind: string; name: string }, namespace: string | undefined): readonly PolicyRule[] {
    const policy = this.load();
    if (roleRef.kind === 'ClusterRole') return this.resolveClusterRole(policy, roleRef.name, new Set());
    if (roleRef.kind === 'Role' && namespace !== undefined) return policy.roles.get(`${namespace}/${roleRef.name}`)?.rules ?? [];
    return [];
  }

  rulesFor(user: TokenUser): UserRules {
    const key = userKey(user);
    const cached = this.users.get(key);
    if (cached) return cached;
    const policy = this.load();
    const cluster: PolicyRule[] = [];
    for (const binding of policy.clusterRoleBindings) {
      if ((binding.subjects ?? []).some((s) => subjectMatches(s, user, ''))) cluster.push(...this.roleRefRules(binding.roleRef, undefined));
    }
    const byNamespace = new Map<string, PolicyRule[]>();
    for (const binding of policy.roleBindings) {
      const namespace = binding.metadata?.namespace ?? '';
      if (!(binding.subjects ?? []).some((s) => subjectMatches(s, user, namespace))) continue;
      const rules = byNamespace.get(namespace) ?? [];
      rules.push(...this.roleRefRules(binding.roleRef, namespace));
      byNamespace.set(namespace, rules);
    }
    const resolved: UserRules = { cluster, byNamespace };
    if (this.users.size >= this.maxUsers) this.users.clear();
    this.users.set(key, resolved);
    return resolved;
  }
}
