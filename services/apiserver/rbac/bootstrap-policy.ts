// The ClusterRoles and ClusterRoleBindings every Kubernetes cluster starts with (kube-apiserver's
// plugin/pkg/auth/authorizer/rbac/bootstrappolicy), labelled kubernetes.io/bootstrapping=rbac-defaults
// and annotated for auto-update as Kubernetes writes them; the controllers' own roles are in
// controller-roles.ts.
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding } from 'kubernetes-types/rbac/v1.js';
import { CONTROLLER_CLUSTER_ROLE_BINDINGS, CONTROLLER_CLUSTER_ROLES } from './controller-roles.js';
import { AGGREGATE, binding, clusterRole, namespacedBinding, namespacedRole, READ, rule, subject, urls } from './policy-builders.js';

const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const READ_WRITE = [...WRITE, ...READ];

const DISCOVERY_URLS = ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'];
const PUBLIC_INFO_URLS = ['/healthz', '/livez', '/readyz', '/version', '/version/'];

const VIEW_RULES: PolicyRule[] = [
  rule(READ, [''], ['pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'configmaps']),
  rule(READ, [''], ['limitranges', 'resourcequotas', 'bindings', 'events', 'pods/status', 'resourcequotas/status', 'namespaces/status', 'replicationcontrollers/status', 'pods/log']),
  rule(READ, [''], ['namespaces']),
  rule(READ, ['discovery.k8s.io'], ['endpointslices']),
  rule(READ, ['apps'], ['controllerrevisions', 'statefulsets', 'deployments', 'deployments/scale', 'replicasets', 'replicasets/scale', 'daemonsets', 'statefulsets/scale', 'statefulsets/status', 'deployments/status', 'replicasets/status', 'daemonsets/status']),
  rule(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
  rule(READ, ['batch'], ['jobs', 'cronjobs', 'cronjobs/status', 'jobs/status']),
  rule(READ, ['extensions'], ['daemonsets', 'deployments', 'deployments/scale', 'ingresses', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale']),
  rule(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
  rule(READ, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
];

const EDIT_RULES: PolicyRule[] = [
  rule(['impersonate'], [''], ['serviceaccounts']),
  rule(WRITE, [''], ['pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward']),
  rule(['create'], [''], ['pods/eviction']),
  rule(WRITE, [''], ['replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/proxy', 'persistentvolumeclaims', 'configmaps', 'secrets', 'endpoints']),
  rule(['create'], [''], ['serviceaccounts/token']),
  rule(WRITE, ['apps'], ['statefulsets', 'statefulsets/scale', 'daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'replicasets', 'replicasets/scale']),
  rule(WRITE, ['autoscaling'], ['horizontalpodautoscalers']),
  rule(WRITE, ['batch'], ['jobs', 'cronjobs']),
  rule(WRITE, ['extensions'], ['daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'ingresses', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale']),
  rule(WRITE, ['policy'], ['poddisruptionbudgets']),
  rule(WRITE, ['networking.k8s.io'], ['ingresses', 'networkpolicies']),
  rule(['create', 'update', 'patch', 'delete'], ['coordination.k8s.io'], ['leases']),
  rule(READ, [''], ['secrets', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'services/proxy']),
];

const ADMIN_RULES: PolicyRule[] = [
  rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
  rule(READ_WRITE, ['rbac.authorization.k8s.io'], ['rolebindings', 'roles']),
];

const ALL_RESOURCES = [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])];

const SCHEDULER_RULES: PolicyRule[] = [
  rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']),
  rule(['create'], ['coordination.k8s.io'], ['leases']),
  rule(['get', 'update'], ['coordination.k8s.io'], ['leases'], ['kube-scheduler']),
  rule(['delete', 'get', 'list', 'watch'], [''], ['pods']),
  rule(['create'], [''], ['bindings', 'pods/binding']),
  rule(['patch', 'update'], [''], ['pods/status']),
  rule(READ, [''], ['nodes', 'namespaces', 'services', 'persistentvolumeclaims', 'persistentvolumes', 'replicationcontrollers', 'configmaps']),
  rule(READ, ['apps'], ['replicasets', 'statefulsets']),
  rule(READ, ['policy'], ['poddisruptionbudgets']),
  rule(READ, ['storage.k8s.io'], ['storageclasses', 'csinodes', 'csidrivers', 'csistoragecapacities', 'volumeattachments']),
  rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
  rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
];

const CONTROLLER_MANAGER_RULES: PolicyRule[] = [
  rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']),
  rule(['create'], ['coordination.k8s.io'], ['leases']),
  rule(['get', 'update'], ['coordination.k8s.io'], ['leases'], ['kube-controller-manager']),
  rule(['create'], [''], ['secrets', 'serviceaccounts']),
  rule(['delete'], [''], ['secrets']),
  rule(['get'], [''], ['configmaps', 'namespaces', 'secrets', 'serviceaccounts']),
  rule(['update'], [''], ['secrets', 'serviceaccounts']),
  rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
  rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
  rule(['list', 'watch'], ['*'], ['*']),
  rule(['create'], [''], ['serviceaccounts/token']),
];

const NODE_RULES: PolicyRule[] = [
  rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
  rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews', 'localsubjectaccessreviews']),
  rule(READ, [''], ['services']),
  rule(['create', 'get', 'list', 'watch'], [''], ['nodes']),
  rule(['update', 'patch'], [''], ['nodes/status']),
  rule(['update', 'patch'], [''], ['nodes']),
  rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']),
  rule(['get', 'list', 'watch'], [''], ['pods']),
  rule(['create', 'delete'], [''], ['pods']),
  rule(['update', 'patch'], [''], ['pods/status']),
  rule(['create'], [''], ['pods/eviction']),
  rule(['get'], [''], ['configmaps', 'secrets']),
  rule(['get'], [''], ['persistentvolumeclaims', 'persistentvolumes']),
  rule(['get'], [''], ['endpoints']),
  rule(['create'], ['certificates.k8s.io'], ['certificatesigningrequests']),
  rule(['delete', 'get', 'create', 'update', 'patch'], ['coordination.k8s.io'], ['leases']),
  rule(['get'], ['storage.k8s.io'], ['volumeattachments', 'csidrivers']),
  rule(['create'], [''], ['serviceaccounts/token']),
  rule(READ, ['node.k8s.io'], ['runtimeclasses']),
];

/**
 * Rudder's own: the kubelet process that hosts simulated nodes (`rudder up --sim-nodes`) is no
 * single node, so neither the Node authorizer nor system:node fits it. It registers and updates its
 * Nodes and their status, renews their Leases (a Role in kube-node-lease, below), runs the pods bound
 * to them (it reads pods, writes their status and deletes them once stopped), may create Events, and
 * checks the callers of its own /metrics (TokenReview, SubjectAccessReview).
 */
export const SIMULATED_NODES = 'system:rudder:simulated-nodes';
const SIMULATED_NODES_RULES: PolicyRule[] = [
  rule(['get', 'list', 'watch', 'create', 'patch'], [''], ['nodes']),
  rule(['patch'], [''], ['nodes/status']),
  rule(['get', 'list', 'watch', 'delete'], [''], ['pods']),
  rule(['patch'], [''], ['pods/status']),
  rule(['create'], [''], ['events']),
  rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
  rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
];

/** Rudder's cluster DNS, with the rights kubeadm gives CoreDNS (its ClusterRole system:coredns). */
export const CLUSTER_DNS_USER = 'system:rudder:dns';
const COREDNS_RULES: PolicyRule[] = [
  rule(['list', 'watch'], [''], ['endpoints', 'services', 'pods', 'namespaces']),
  rule(['list', 'watch'], ['discovery.k8s.io'], ['endpointslices']),
];

const NODE_PROXIER_RULES: PolicyRule[] = [
  rule(['list', 'watch'], [''], ['services', 'endpoints']),
  rule(['get', 'list', 'watch'], [''], ['nodes']),
  rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']),
  rule(['list', 'watch'], ['discovery.k8s.io'], ['endpointslices']),
];

export const BOOTSTRAP_CLUSTER_ROLES: readonly ClusterRole[] = [
  ...CONTROLLER_CLUSTER_ROLES,
  clusterRole('cluster-admin', ALL_RESOURCES),
  clusterRole('system:discovery', [urls(['get'], DISCOVERY_URLS)]),
  clusterRole('system:monitoring', [urls(['get'], ['/healthz', '/healthz/*', '/livez', '/livez/*', '/metrics', '/metrics/slis', '/readyz', '/readyz/*'])]),
  clusterRole('system:basic-user', [rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']), rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews'])]),
  clusterRole('system:public-info-viewer', [urls(['get'], PUBLIC_INFO_URLS)]),
  clusterRole('admin', [], { 'kubernetes.io/bootstrapping': 'rbac-defaults' }, 'admin'),
  clusterRole('edit', [], { [`${AGGREGATE}admin`]: 'true' }, 'edit'),
  clusterRole('view', [], { [`${AGGREGATE}edit`]: 'true' }, 'view'),
  clusterRole('system:aggregate-to-admin', ADMIN_RULES, { [`${AGGREGATE}admin`]: 'true' }),
  clusterRole('system:aggregate-to-edit', EDIT_RULES, { [`${AGGREGATE}edit`]: 'true' }),
  clusterRole('system:aggregate-to-view', VIEW_RULES, { [`${AGGREGATE}view`]: 'true' }),
  clusterRole('system:heapster', [rule(READ, [''], ['events', 'pods', 'nodes', 'namespaces']), rule(READ, ['extensions'], ['deployments'])]),
  clusterRole('system:node', NODE_RULES),
  clusterRole('system:node-problem-detector', [rule(['get'], [''], ['nodes']), rule(['patch'], [''], ['nodes/status']), rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events'])]),
  clusterRole('system:kubelet-api-admin', [rule(['get', 'list', 'watch'], [''], ['nodes']), rule(['proxy'], [''], ['nodes']), rule(['*'], [''], ['nodes/log', 'nodes/metrics', 'nodes/proxy', 'nodes/stats'])]),
  clusterRole('system:node-bootstrapper', [rule(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests'])]),
  clusterRole('system:auth-delegator', [rule(['create'], ['authentication.k8s.io'], ['tokenreviews']), rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews'])]),
  clusterRole('system:kube-aggregator', [rule(READ, [''], ['endpoints', 'services'])]),
  clusterRole('system:kube-controller-manager', CONTROLLER_MANAGER_RULES),
  clusterRole('system:kube-dns', [rule(['list', 'watch'], [''], ['endpoints', 'services']), rule(['list', 'watch'], ['discovery.k8s.io'], ['endpointslices'])]),
  clusterRole('system:persistent-volume-provisioner', [rule(['create', 'delete', 'get', 'list', 'watch'], [''], ['persistentvolumes']), rule(['get', 'list', 'watch', 'update'], [''], ['persistentvolumeclaims']), rule(READ, ['storage.k8s.io'], ['storageclasses']), rule(['watch'], [''], ['events']), rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events'])]),
  clusterRole('system:certificates.k8s.io:certificatesigningrequests:nodeclient', [rule(['create'], ['certificates.k8s.io'], ['certificatesigningrequests/nodeclient'])]),
  clusterRole('system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', [rule(['create'], ['certificates.k8s.io'], ['certificatesigningrequests/selfnodeclient'])]),
  // Rudder's own: the scheduler writes a pod's explanation (scheduler.rudder.dev/explanation) when the pod asks for one.
  clusterRole('system:rudder:scheduler-explanations', [rule(['patch'], [''], ['pods'])]),
  clusterRole(SIMULATED_NODES, SIMULATED_NODES_RULES),
  clusterRole('system:coredns', COREDNS_RULES),
  clusterRole('system:volume-scheduler', [rule(['get', 'list', 'patch', 'update', 'watch'], [''], ['persistentvolumes']), rule(READ, ['storage.k8s.io'], ['storageclasses']), rule(['get', 'list', 'patch', 'update', 'watch'], [''], ['persistentvolumeclaims'])]),
  clusterRole('system:kube-scheduler', SCHEDULER_RULES),
  clusterRole('system:node-proxier', NODE_PROXIER_RULES),
  clusterRole('system:service-account-issuer-discovery', [urls(['get'], ['/.well-known/openid-configuration', '/.well-known/openid-configuration/', '/openid/v1/jwks', '/openid/v1/jwks/'])]),
];

export const BOOTSTRAP_CLUSTER_ROLE_BINDINGS: readonly ClusterRoleBinding[] = [
  ...CONTROLLER_CLUSTER_ROLE_BINDINGS,
  binding('cluster-admin', 'cluster-admin', [subject('Group', 'system:masters')]),
  binding('system:monitoring', 'system:monitoring', [subject('Group', 'system:monitoring')]),
  binding('system:discovery', 'system:discovery', [subject('Group', 'system:authenticated')]),
  binding('system:basic-user', 'system:basic-user', [subject('Group', 'system:authenticated')]),
  binding('system:public-info-viewer', 'system:public-info-viewer', [subject('Group', 'system:authenticated'), subject('Group', 'system:unauthenticated')]),
  binding('system:node-proxier', 'system:node-proxier', [subject('User', 'system:kube-proxy')]),
  binding('system:kube-controller-manager', 'system:kube-controller-manager', [subject('User', 'system:kube-controller-manager')]),
  binding('system:kube-dns', 'system:kube-dns', [subject('ServiceAccount', 'kube-dns', 'kube-system')]),
  binding('system:kube-scheduler', 'system:kube-scheduler', [subject('User', 'system:kube-scheduler')]),
  binding('system:volume-scheduler', 'system:volume-scheduler', [subject('User', 'system:kube-scheduler')]),
  binding('system:rudder:scheduler-explanations', 'system:rudder:scheduler-explanations', [subject('User', 'system:kube-scheduler')]),
  binding(SIMULATED_NODES, SIMULATED_NODES, [subject('Group', SIMULATED_NODES)]),
  binding('system:coredns', 'system:coredns', [subject('User', CLUSTER_DNS_USER)]),
  binding('system:node', 'system:node', []),
  binding('system:service-account-issuer-discovery', 'system:service-account-issuer-discovery', [subject('Group', 'system:serviceaccounts')]),
];

/** Roles of one namespace, as kube-apiserver's NamespaceRoles: the simulated nodes' Leases. */
export const BOOTSTRAP_NAMESPACED_ROLES: readonly Role[] = [
  namespacedRole('kube-node-lease', SIMULATED_NODES, [rule(['get', 'list', 'create', 'update'], ['coordination.k8s.io'], ['leases'])]),
];

export const BOOTSTRAP_NAMESPACED_ROLE_BINDINGS: readonly RoleBinding[] = [
  namespacedBinding('kube-node-lease', SIMULATED_NODES, SIMULATED_NODES, [subject('Group', SIMULATED_NODES)]),
];
