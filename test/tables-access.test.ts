// Table rows of the access-control, certificates, runtime-class, admission-configuration and
// resource-allocation kinds, as Kubernetes' printers (pkg/printers/internalversion) build them.
import t from 'tap';
import type { KubeObject } from '../lib/api/object.js';
import { findResource, type ResourceInfo } from '../lib/api/resources.js';
import { tableColumns, tableRow, type TableColumn } from '../lib/api/tables/index.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const created = { creationTimestamp: '2024-05-01T11:00:00Z' };

function info(group: string, resource: string): ResourceInfo {
  const found = findResource(group, 'v1', resource);
  if (!found) throw new Error(`no resource ${group}/${resource}`);
  return found;
}

function names(columns: TableColumn[], wide: boolean): string[] {
  return columns.filter((c) => wide || c.priority === 0).map((c) => c.name);
}

function cells(resource: ResourceInfo, obj: KubeObject): unknown[] {
  return tableRow(resource, obj, NOW).cells;
}

t.test('Roles and ClusterRoles: the default table', async (t) => {
  for (const resource of ['roles', 'clusterroles']) {
    const roles = info('rbac.authorization.k8s.io', resource);
    t.same(names(tableColumns(roles), true), ['Name', 'Created At']);
    t.same(cells(roles, { metadata: { name: 'view', ...created } }), ['view', '2024-05-01T11:00:00Z']);
  }
});

t.test('RoleBindings and ClusterRoleBindings: role, and wide the subjects by kind', async (t) => {
  for (const resource of ['rolebindings', 'clusterrolebindings']) {
    const bindings = info('rbac.authorization.k8s.io', resource);
    t.same(names(tableColumns(bindings), false), ['Name', 'Role', 'Age']);
    t.same(names(tableColumns(bindings), true), ['Name', 'Role', 'Age', 'Users', 'Groups', 'ServiceAccounts']);
    const binding = {
      metadata: { name: 'readers', ...created },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [
        { kind: 'User', name: 'alice' },
        { kind: 'User', name: 'bob' },
        { kind: 'Group', name: 'devs' },
        { kind: 'ServiceAccount', name: 'builder', namespace: 'ci' },
      ],
    };
    t.same(cells(bindings, binding), ['readers', 'ClusterRole/view', '60m', 'alice, bob', 'devs', 'ci/builder']);
  }
});

t.test('CertificateSigningRequests: signer, requester, duration, condition summary', async (t) => {
  const csrs = info('certificates.k8s.io', 'certificatesigningrequests');
  t.same(names(tableColumns(csrs), true), ['Name', 'Age', 'SignerName', 'Requestor', 'RequestedDuration', 'Condition']);
  const csr = (spec: object, status: object): KubeObject => ({ metadata: { name: 'alice', ...created }, spec: { username: 'alice', ...spec }, status });
  t.same(cells(csrs, csr({ signerName: 'kubernetes.io/kube-apiserver-client', expirationSeconds: 86400 }, {})), ['alice', '60m', 'kubernetes.io/kube-apiserver-client', 'alice', '24h', 'Pending']);
  t.same(cells(csrs, csr({}, { conditions: [{ type: 'Approved', status: 'True' }], certificate: 'LS0t' }))[2], '<none>');
  t.same(cells(csrs, csr({}, { conditions: [{ type: 'Approved', status: 'True' }], certificate: 'LS0t' }))[4], '<none>');
  t.same(cells(csrs, csr({}, { conditions: [{ type: 'Approved', status: 'True' }], certificate: 'LS0t' }))[5], 'Approved,Issued');
  t.same(cells(csrs, csr({}, { conditions: [{ type: 'Approved', status: 'True' }, { type: 'Failed', status: 'True' }] }))[5], 'Approved,Failed');
  t.same(cells(csrs, csr({}, { conditions: [{ type: 'Denied', status: 'True' }] }))[5], 'Denied');
  t.same(cells(csrs, csr({ expirationSeconds: 3600 * 24 * 365 }, {}))[4], '365d');
});

t.test('RuntimeClasses, webhook configurations and admission policies', async (t) => {
  const runtimeClasses = info('node.k8s.io', 'runtimeclasses');
  t.same(names(tableColumns(runtimeClasses), true), ['Name', 'Handler', 'Age']);
  t.same(cells(runtimeClasses, { metadata: { name: 'gvisor', ...created }, handler: 'runsc' } as KubeObject), ['gvisor', 'runsc', '60m']);
  for (const resource of ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations']) {
    const configs = info('admissionregistration.k8s.io', resource);
    t.same(names(tableColumns(configs), true), ['Name', 'Webhooks', 'Age']);
    t.same(cells(configs, { metadata: { name: 'hooks', ...created }, webhooks: [{}, {}] } as KubeObject), ['hooks', 2, '60m']);
  }
  const policies = info('admissionregistration.k8s.io', 'validatingadmissionpolicies');
  t.same(names(tableColumns(policies), true), ['Name', 'Validations', 'ParamKind', 'Age']);
  t.same(cells(policies, { metadata: { name: 'limit', ...created }, spec: { validations: [{ expression: 'true' }] } }), ['limit', 1, '<unset>', '60m']);
  t.same(cells(policies, { metadata: { name: 'limit', ...created }, spec: { paramKind: { apiVersion: 'v1', kind: 'ConfigMap' } } })[2], 'v1/ConfigMap');
  const bindings = info('admissionregistration.k8s.io', 'validatingadmissionpolicybindings');
  t.same(names(tableColumns(bindings), true), ['Name', 'PolicyName', 'ParamRef', 'Age']);
  const binding = (paramRef?: object): KubeObject => ({ metadata: { name: 'b', ...created }, spec: { policyName: 'limit', ...(paramRef ? { paramRef } : {}) } });
  t.same(cells(bindings, binding()), ['b', 'limit', '<unset>', '60m']);
  t.same(cells(bindings, binding({ name: 'limits', namespace: 'default' }))[2], 'default/limits');
  t.same(cells(bindings, binding({ name: 'limits' }))[2], '*/limits', 'a param without a namespace is looked up in the request namespace');
});

t.test('DeviceClasses, ResourceClaims, ResourceClaimTemplates, ResourceSlices', async (t) => {
  for (const resource of ['deviceclasses', 'resourceclaimtemplates']) {
    const r = info('resource.k8s.io', resource);
    t.same(names(tableColumns(r), true), ['Name', 'Age']);
    t.same(cells(r, { metadata: { name: 'gpu', ...created } }), ['gpu', '60m']);
  }
  const claims = info('resource.k8s.io', 'resourceclaims');
  t.same(names(tableColumns(claims), true), ['Name', 'State', 'Age']);
  const claim = (status: object, meta: object = {}): KubeObject => ({ metadata: { name: 'gpu', ...created, ...meta }, status });
  t.same(cells(claims, claim({})), ['gpu', 'pending', '60m']);
  t.same(cells(claims, claim({ allocation: {} }))[1], 'allocated');
  t.same(cells(claims, claim({ allocation: {}, reservedFor: [{ resource: 'pods', name: 'p', uid: 'u' }] }))[1], 'allocated,reserved');
  t.same(cells(claims, claim({}, { deletionTimestamp: '2024-05-01T11:30:00Z' }))[1], 'deleted');
  t.same(cells(claims, claim({ allocation: {} }, { deletionTimestamp: '2024-05-01T11:30:00Z' }))[1], 'deleted,allocated');
  const slices = info('resource.k8s.io', 'resourceslices');
  t.same(names(tableColumns(slices), true), ['Name', 'Node', 'Driver', 'Pool', 'Age']);
  t.same(cells(slices, { metadata: { name: 's', ...created }, spec: { nodeName: 'node-1', driver: 'gpu.example.com', pool: { name: 'p1' } } }), ['s', 'node-1', 'gpu.example.com', 'p1', '60m']);
  t.same(cells(slices, { metadata: { name: 's', ...created }, spec: { allNodes: true, driver: 'net.example.com', pool: { name: 'p2' } } })[1], '');
});
