// RBAC over the default roles, through the apiserver's own HTTP surface: what a live request is
// answered (2xx or 403 in Kubernetes' words) and what a SubjectAccessReview says agree for view,
// edit, admin and an unbound ServiceAccount; escalation through bindings is refused; aggregation
// picks up labelled roles; impersonation needs the impersonate verb.
import t from 'tap';
import { bootstrapCluster } from '../services/apiserver/bootstrap.js';
import { injectServer, type InjectServer } from './helpers/inject-server.js';

const USERS = {
  'viewer-token': { name: 'viewer', uid: 'viewer', groups: ['viewers'] },
  'editor-token': { name: 'editor', uid: 'editor', groups: [] },
  'owner-token': { name: 'owner', uid: 'owner', groups: [] },
  'binder-token': { name: 'binder', uid: 'binder', groups: [] },
  'node-1-token': { name: 'system:node:node-1', uid: 'node-1', groups: ['system:nodes'] },
};

let server: InjectServer;
t.before(async () => {
  server = await injectServer({ users: USERS, apiAudiences: ['https://kubernetes.default.svc.cluster.local'] });
});
t.teardown(() => server.close());

async function call(token: string | undefined, method: string, url: string, payload?: unknown, headers: Record<string, string> = {}): Promise<{ code: number; body: Record<string, unknown> }> {
  const all: Record<string, string> = { ...headers };
  if (token !== undefined) all.authorization = `Bearer ${token}`;
  if (payload !== undefined) all['content-type'] = 'application/json';
  const res = await server.app.inject({ method: method as 'GET', url, headers: all, payload: payload === undefined ? undefined : JSON.stringify(payload) });
  const json = (res.headers['content-type'] ?? '').toString().startsWith('application/json');
  return { code: res.statusCode, body: json ? (JSON.parse(res.body) as Record<string, unknown>) : {} };
}

const admin = (method: string, url: string, payload?: unknown): ReturnType<typeof call> => call(server.auth.authorization.slice(7), method, url, payload);

function roleBinding(namespace: string, name: string, role: string, subject: Record<string, string>, kind = 'ClusterRole'): [string, unknown] {
  return [
    `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`,
    { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name: role }, subjects: [subject] },
  ];
}

async function setUp(t: { equal(a: unknown, b: unknown): void }): Promise<string> {
  for (const name of ['team-a', 'team-b']) t.equal((await admin('POST', '/api/v1/namespaces', { metadata: { name } })).code, 201);
  t.equal((await admin('POST', '/api/v1/namespaces/team-a/serviceaccounts', { metadata: { name: 'robot' } })).code, 201);
  for (const [url, body] of [
    roleBinding('team-a', 'viewers', 'view', { kind: 'Group', name: 'viewers', apiGroup: 'rbac.authorization.k8s.io' }),
    roleBinding('team-a', 'editor', 'edit', { kind: 'User', name: 'editor', apiGroup: 'rbac.authorization.k8s.io' }),
    roleBinding('team-a', 'owner', 'admin', { kind: 'User', name: 'owner', apiGroup: 'rbac.authorization.k8s.io' }),
  ]) {
    t.equal((await admin('POST', url, body)).code, 201);
  }
  const token = await admin('POST', '/api/v1/namespaces/team-a/serviceaccounts/robot/token', { spec: {} });
  t.equal(token.code, 201);
  return (token.body.status as { token: string }).token;
}

interface Case {
  who: string;
  verb: string;
  resource: string;
  group?: string;
  namespace?: string;
  name?: string;
  allowed: boolean;
  /** The live request that asks the same. */
  request: [string, string, unknown?];
}

const CM = { metadata: { name: 'probe' } };
const RB = { metadata: { name: 'probe' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'x', apiGroup: 'rbac.authorization.k8s.io' }] };

t.test('view, edit, admin and an unbound ServiceAccount: live requests and SubjectAccessReviews agree', async (t) => {
  const robotToken = await setUp(t);
  const tokens: Record<string, string> = { viewer: 'viewer-token', editor: 'editor-token', owner: 'owner-token', 'system:serviceaccount:team-a:robot': robotToken };
  const groups: Record<string, string[]> = { viewer: ['viewers'], 'system:serviceaccount:team-a:robot': ['system:serviceaccounts', 'system:serviceaccounts:team-a'] };
  const cases: Case[] = [
    { who: 'viewer', verb: 'list', resource: 'pods', namespace: 'team-a', allowed: true, request: ['GET', '/api/v1/namespaces/team-a/pods'] },
    { who: 'viewer', verb: 'list', resource: 'secrets', namespace: 'team-a', allowed: false, request: ['GET', '/api/v1/namespaces/team-a/secrets'] },
    { who: 'viewer', verb: 'create', resource: 'configmaps', namespace: 'team-a', allowed: false, request: ['POST', '/api/v1/namespaces/team-a/configmaps', CM] },
    { who: 'viewer', verb: 'list', resource: 'pods', namespace: 'team-b', allowed: false, request: ['GET', '/api/v1/namespaces/team-b/pods'] },
    { who: 'editor', verb: 'create', resource: 'configmaps', namespace: 'team-a', allowed: true, request: ['POST', '/api/v1/namespaces/team-a/configmaps', CM] },
    { who: 'editor', verb: 'list', resource: 'secrets', namespace: 'team-a', allowed: true, request: ['GET', '/api/v1/namespaces/team-a/secrets'] },
    { who: 'editor', verb: 'create', resource: 'rolebindings', group: 'rbac.authorization.k8s.io', namespace: 'team-a', allowed: false, request: ['POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/rolebindings', RB] },
    { who: 'editor', verb: 'list', resource: 'roles', group: 'rbac.authorization.k8s.io', namespace: 'team-a', allowed: false, request: ['GET', '/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/roles'] },
    { who: 'owner', verb: 'create', resource: 'rolebindings', group: 'rbac.authorization.k8s.io', namespace: 'team-a', allowed: true, request: ['POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/rolebindings', RB] },
    { who: 'owner', verb: 'list', resource: 'pods', namespace: 'team-b', allowed: false, request: ['GET', '/api/v1/namespaces/team-b/pods'] },
    { who: 'owner', verb: 'list', resource: 'nodes', allowed: false, request: ['GET', '/api/v1/nodes'] },
    { who: 'owner', verb: 'list', resource: 'namespaces', allowed: false, request: ['GET', '/api/v1/namespaces'] },
    { who: 'system:serviceaccount:team-a:robot', verb: 'list', resource: 'pods', namespace: 'team-a', allowed: false, request: ['GET', '/api/v1/namespaces/team-a/pods'] },
    { who: 'system:serviceaccount:team-a:robot', verb: 'get', resource: 'serviceaccounts', namespace: 'team-a', name: 'robot', allowed: false, request: ['GET', '/api/v1/namespaces/team-a/serviceaccounts/robot'] },
  ];
  for (const c of cases) {
    const what = `${c.who} ${c.verb} ${c.resource} in ${c.namespace ?? 'the cluster'}`;
    const live = await call(tokens[c.who], ...c.request);
    t.equal(live.code >= 200 && live.code < 300, c.allowed, `${what}: live request answered ${live.code}`);
    const review = await admin('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      spec: { user: c.who, groups: groups[c.who] ?? [], resourceAttributes: { verb: c.verb, resource: c.resource, group: c.group ?? '', namespace: c.namespace ?? '', name: c.name ?? '' } },
    });
    t.equal(review.code, 201);
    t.equal((review.body.status as { allowed: boolean }).allowed, c.allowed, `${what}: SubjectAccessReview`);
    if (!c.allowed) {
      const scope = c.namespace ? `in the namespace "${c.namespace}"` : 'at the cluster scope';
      const qualified = c.group ? `${c.resource}.${c.group}` : c.resource;
      t.match(live.body, { kind: 'Status', reason: 'Forbidden', code: 403, message: `${qualified} ${c.name ? `"${c.name}" ` : ''}is forbidden: User "${c.who}" cannot ${c.verb} resource "${c.resource}" in API group "${c.group ?? ''}" ${scope}` }, what);
    }
  }
  // discovery is all an unbound ServiceAccount may do
  t.equal((await call(robotToken, 'GET', '/apis')).code, 200, 'the ServiceAccount reads discovery');
  t.equal((await call(robotToken, 'GET', '/version')).code, 200);
  t.match((await call(robotToken, 'GET', '/metrics')).body, { code: 403, message: 'forbidden: User "system:serviceaccount:team-a:robot" cannot get path "/metrics"' });
  const local = await call('owner-token', 'POST', '/apis/authorization.k8s.io/v1/namespaces/team-a/localsubjectaccessreviews', { spec: { user: 'viewer', groups: ['viewers'], resourceAttributes: { namespace: 'team-a', verb: 'list', resource: 'pods' } } });
  t.match(local.body, { kind: 'LocalSubjectAccessReview', status: { allowed: true } }, 'admin asks within its namespace (LocalSubjectAccessReview)');
  const elsewhere = await call('owner-token', 'POST', '/apis/authorization.k8s.io/v1/namespaces/team-a/localsubjectaccessreviews', { spec: { user: 'viewer', resourceAttributes: { namespace: 'team-b', verb: 'list', resource: 'pods' } } });
  t.equal(elsewhere.code, 422, 'a LocalSubjectAccessReview about another namespace');
  t.equal((await call('owner-token', 'POST', '/apis/authorization.k8s.io/v1/namespaces/team-b/localsubjectaccessreviews', { spec: { user: 'viewer', resourceAttributes: { namespace: 'team-b', verb: 'list', resource: 'pods' } } })).code, 403, 'admin of team-a cannot ask in team-b');
  const rules = await call(robotToken, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', { spec: { namespace: 'team-a' } });
  const resourceRules = (rules.body.status as { resourceRules: { resources: string[] }[] }).resourceRules;
  t.same(resourceRules.flatMap((r) => r.resources).sort(), ['selfsubjectaccessreviews', 'selfsubjectreviews', 'selfsubjectrulesreviews'], 'only the self reviews');
});

t.test('each controller\'s ServiceAccount in kube-system holds its system:controller role', async (t) => {
  const review = async (user: string, verb: string, resource: string, group: string): Promise<boolean> => {
    const answer = await admin('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      spec: { user, groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system'], resourceAttributes: { verb, resource, group, namespace: 'default' } },
    });
    return (answer.body.status as { allowed: boolean }).allowed;
  };
  t.equal(await review('system:serviceaccount:kube-system:deployment-controller', 'create', 'replicasets', 'apps'), true, 'the deployment controller creates ReplicaSets');
  t.equal(await review('system:serviceaccount:kube-system:deployment-controller', 'create', 'pods', ''), false, 'but not pods');
  t.equal(await review('system:serviceaccount:kube-system:replicaset-controller', 'create', 'pods', ''), true, 'the ReplicaSet controller does');
  t.equal(await review('system:serviceaccount:kube-system:job-controller', 'get', 'secrets', ''), false, 'no controller reads Secrets it has no business with');
});

t.test("Rudder's components: the simulated nodes' kubelet and the cluster DNS hold their roles and no more; the Lease Role is reconciled", async (t) => {
  const review = async (user: string, groups: string[], verb: string, resource: string, namespace = '', subresource = ''): Promise<boolean> => {
    const [group, plural] = resource.includes('.') ? [resource.slice(resource.indexOf('.') + 1), resource.slice(0, resource.indexOf('.'))] : ['', resource];
    const answer = await admin('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { spec: { user, groups, resourceAttributes: { verb, resource: plural, group, namespace, subresource } } });
    return (answer.body.status as { allowed: boolean }).allowed;
  };
  const sim = (verb: string, resource: string, namespace = '', subresource = '') => review('system:rudder:kubelet-sim', ['system:rudder:simulated-nodes'], verb, resource, namespace, subresource);
  const dns = (verb: string, resource: string, namespace = '') => review('system:rudder:dns', [], verb, resource, namespace);
  t.same(
    [await sim('patch', 'nodes', '', 'status'), await sim('delete', 'pods', 'default'), await sim('update', 'leases.coordination.k8s.io', 'kube-node-lease'), await sim('update', 'leases.coordination.k8s.io', 'kube-system'), await sim('update', 'pods', 'default'), await sim('get', 'secrets', 'default')],
    [true, true, true, false, false, false],
    'the kubelet: node status, pod deletion and its Leases in kube-node-lease; not other Leases, pod updates or Secrets',
  );
  t.same([await dns('watch', 'endpointslices.discovery.k8s.io'), await dns('list', 'pods'), await dns('create', 'services', 'kube-system'), await dns('get', 'secrets', 'kube-system')], [true, true, false, false], 'the DNS reads, and writes nothing');

  const leaseRole = '/apis/rbac.authorization.k8s.io/v1/namespaces/kube-node-lease/roles/system:rudder:simulated-nodes';
  const role = (await admin('GET', leaseRole)).body;
  t.equal((await admin('PUT', leaseRole, { ...role, rules: [] })).code, 200);
  t.equal(await sim('update', 'leases.coordination.k8s.io', 'kube-node-lease'), false, 'the Lease Role emptied');
  await bootstrapCluster(server.storage, { serviceIP: server.allocator.firstAddress(), serviceCIDRs: [server.allocator.serviceCidr], advertiseAddress: '127.0.0.1', port: 6443 });
  t.equal(await sim('update', 'leases.coordination.k8s.io', 'kube-node-lease'), true, 'the next start gives its rules back');
});

t.test('anonymous requests see only the public info; bad credentials are 401', async (t) => {
  t.equal((await call(undefined, 'GET', '/version')).code, 200);
  t.equal((await call(undefined, 'GET', '/readyz')).code, 200);
  t.match((await call(undefined, 'GET', '/api')).body, { code: 403, message: 'forbidden: User "system:anonymous" cannot get path "/api"' });
  t.equal((await call('not-a-token', 'GET', '/version')).code, 401);
  const closed = await injectServer({ anonymousAuth: false });
  t.teardown(() => closed.close());
  t.equal((await closed.app.inject({ method: 'GET', url: '/version' })).statusCode, 401, 'with --anonymous-auth false');
  t.equal((await closed.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200, 'the health probes stay open');
});

t.test('create on rolebindings without bind cannot bind cluster-admin; with bind it can', async (t) => {
  const role = { metadata: { name: 'binding-writer' }, rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], verbs: ['create'] }] };
  t.equal((await admin('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team-b/roles', role)).code, 201);
  const [url, body] = roleBinding('team-b', 'binder', 'binding-writer', { kind: 'User', name: 'binder', apiGroup: 'rbac.authorization.k8s.io' }, 'Role');
  t.equal((await admin('POST', url, body)).code, 201);
  const [grabUrl, grab] = roleBinding('team-b', 'grab', 'cluster-admin', { kind: 'User', name: 'binder', apiGroup: 'rbac.authorization.k8s.io' });
  const refused = await call('binder-token', 'POST', grabUrl, grab);
  t.equal(refused.code, 403);
  t.match(refused.body.message, /^rolebindings\.rbac\.authorization\.k8s\.io "grab" is forbidden: user "binder" \(groups=\["system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\["\*"\], Resources:\["\*"\], Verbs:\["\*"\]\}/);
  t.equal((await call('binder-token', 'POST', `${grabUrl}/grab`.replace('/grab', ''), grab)).code, 403, 'still refused');
  // a role binder holds itself (create rolebindings) may be bound
  const [ownUrl, own] = roleBinding('team-b', 'again', 'binding-writer', { kind: 'User', name: 'someone', apiGroup: 'rbac.authorization.k8s.io' }, 'Role');
  t.equal((await call('binder-token', 'POST', ownUrl, own)).code, 201, 'binding what one holds');
  // bind on cluster-admin lets binder grant it without holding it
  const bindRole = { metadata: { name: 'bind-cluster-admin' }, rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'], resourceNames: ['cluster-admin'] }] };
  t.equal((await admin('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', bindRole)).code, 201);
  const [bindUrl, bindBody] = roleBinding('team-b', 'binder-bind', 'bind-cluster-admin', { kind: 'User', name: 'binder', apiGroup: 'rbac.authorization.k8s.io' });
  t.equal((await admin('POST', bindUrl, bindBody)).code, 201);
  t.equal((await call('binder-token', 'POST', grabUrl, grab)).code, 201, 'with bind on cluster-admin');
  // escalate: a Role granting more than its writer holds is refused
  const roleWriter = { metadata: { name: 'role-writer' }, rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['create'] }] };
  t.equal((await admin('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/roles', roleWriter)).code, 201);
  const [rwUrl, rwBody] = roleBinding('team-a', 'editor-roles', 'role-writer', { kind: 'User', name: 'editor', apiGroup: 'rbac.authorization.k8s.io' }, 'Role');
  t.equal((await admin('POST', rwUrl, rwBody)).code, 201);
  const greedy = { metadata: { name: 'greedy' }, rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['delete'] }] };
  t.equal((await call('editor-token', 'POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/roles', greedy)).code, 403, 'a Role beyond what its writer holds');
  const aggregating = { metadata: { name: 'aggregating' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { anything: 'true' } }] }, rules: [] };
  const clusterRoleWriter = { metadata: { name: 'clusterrole-writer' }, rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['create'] }] };
  t.equal((await admin('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', clusterRoleWriter)).code, 201);
  const crbUrl = '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings';
  t.equal((await admin('POST', crbUrl, { metadata: { name: 'editor-clusterroles' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'clusterrole-writer' }, subjects: [{ kind: 'User', name: 'editor' }] })).code, 201);
  t.match((await call('editor-token', 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', aggregating)).body, { code: 403, message: 'clusterroles.rbac.authorization.k8s.io "aggregating" is forbidden: must have cluster-admin privileges to use the aggregationRule' });
  const modest = { metadata: { name: 'modest' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] };
  t.equal((await call('editor-token', 'POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/roles', modest)).code, 201, 'a Role within it');
});

t.test('view aggregates a ClusterRole labelled aggregate-to-view', async (t) => {
  t.equal((await call('viewer-token', 'GET', '/apis/apps/v1/namespaces/team-a/controllerrevisions')).code, 200);
  t.equal((await call('viewer-token', 'GET', '/api/v1/namespaces/team-a/podtemplates')).code, 403);
  const extra = { metadata: { name: 'podtemplate-reader', labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }, rules: [{ apiGroups: [''], resources: ['podtemplates'], verbs: ['list'] }] };
  t.equal((await admin('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', extra)).code, 201);
  t.equal((await call('viewer-token', 'GET', '/api/v1/namespaces/team-a/podtemplates')).code, 200, 'after the labelled role appears');
  t.equal((await call('owner-token', 'GET', '/api/v1/namespaces/team-a/podtemplates')).code, 200, 'admin aggregates edit which aggregates view');
});

t.test('impersonation needs the impersonate verb', async (t) => {
  const asViewer = await admin('GET', '/api/v1/namespaces/team-a/secrets');
  t.equal(asViewer.code, 200);
  t.equal((await call(server.auth.authorization.slice(7), 'GET', '/api/v1/namespaces/team-a/secrets', undefined, { 'impersonate-user': 'viewer', 'impersonate-group': 'viewers' })).code, 403, 'the admin acting as viewer');
  t.equal((await call(server.auth.authorization.slice(7), 'GET', '/api/v1/namespaces/team-a/pods', undefined, { 'impersonate-user': 'viewer', 'impersonate-group': 'viewers' })).code, 200);
  const refused = await call('viewer-token', 'GET', '/api/v1/namespaces/team-a/pods', undefined, { 'impersonate-user': 'owner' });
  t.match(refused.body, { code: 403, message: 'users "owner" is forbidden: User "viewer" cannot impersonate resource "users" in API group "" at the cluster scope' });
  t.match((await call(server.auth.authorization.slice(7), 'GET', '/api', undefined, { 'impersonate-group': 'x' })).body, { code: 400 }, 'a group without a user');
  const whoami = await call(server.auth.authorization.slice(7), 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {}, { 'impersonate-user': 'system:serviceaccount:team-a:robot' });
  t.match(whoami.body, { status: { userInfo: { username: 'system:serviceaccount:team-a:robot', groups: ['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated'] } } });
});

t.test('a kubelet credential reads only what its pods use and changes only its own node and pods', async (t) => {
  // 1. two nodes, each with a pod using its own Secret; node-1's pod also a ConfigMap and a ServiceAccount
  for (const name of ['node-1', 'node-2']) t.equal((await admin('POST', '/api/v1/nodes', { metadata: { name } })).code, 201);
  for (const name of ['one', 'two', 'spare']) t.equal((await admin('POST', '/api/v1/namespaces/team-b/secrets', { metadata: { name }, stringData: { k: 'v' } })).code, 201);
  t.equal((await admin('POST', '/api/v1/namespaces/team-b/configmaps', { metadata: { name: 'settings' } })).code, 201);
  t.equal((await admin('POST', '/api/v1/namespaces/team-b/serviceaccounts', { metadata: { name: 'worker' } })).code, 201);
  const pod = (name: string, node: string, secret: string, extra: Record<string, unknown> = {}): unknown => ({
    metadata: { name },
    spec: { nodeName: node, volumes: [{ name: 's', secret: { secretName: secret } }], containers: [{ name: 'c', image: 'busybox', ...extra }], ...(name === 'p1' ? { serviceAccountName: 'worker' } : {}) },
  });
  t.equal((await admin('POST', '/api/v1/namespaces/team-b/pods', pod('p1', 'node-1', 'one', { envFrom: [{ configMapRef: { name: 'settings' } }] }))).code, 201);
  t.equal((await admin('POST', '/api/v1/namespaces/team-b/pods', pod('p2', 'node-2', 'two'))).code, 201);

  // 2. node-1 reads its pod's Secret and ConfigMap, not node-2's Secret nor an unused one, and lists none
  const node1 = (method: string, url: string, payload?: unknown, headers: Record<string, string> = {}): ReturnType<typeof call> => call('node-1-token', method, url, payload, headers);
  t.equal((await node1('GET', '/api/v1/namespaces/team-b/secrets/one')).code, 200, 'its pod\'s Secret');
  t.equal((await node1('GET', '/api/v1/namespaces/team-b/configmaps/settings')).code, 200, 'its pod\'s ConfigMap');
  t.match((await node1('GET', '/api/v1/namespaces/team-b/secrets/two')).body, { code: 403, message: 'secrets "two" is forbidden: User "system:node:node-1" cannot get resource "secrets" in API group "" in the namespace "team-b"' });
  t.equal((await node1('GET', '/api/v1/namespaces/team-b/secrets/spare')).code, 403, 'a Secret no pod uses');
  t.equal((await node1('GET', '/api/v1/namespaces/team-b/secrets')).code, 403, 'listing Secrets');
  t.equal((await node1('POST', '/api/v1/namespaces/team-b/serviceaccounts/worker/token', { spec: {} })).code, 201, 'a token for its pod\'s ServiceAccount');
  t.equal((await node1('POST', '/api/v1/namespaces/team-b/serviceaccounts/default/token', { spec: {} })).code, 403, 'not for another');

  // 3. it changes its own Node and pod, not node-2's
  const merge = { 'content-type': 'application/merge-patch+json' };
  const patch = async (url: string, body: unknown): Promise<number> => (await server.app.inject({ method: 'PATCH', url, headers: { authorization: 'Bearer node-1-token', ...merge }, payload: JSON.stringify(body) })).statusCode;
  t.equal(await patch('/api/v1/nodes/node-1/status', { status: { phase: 'Running' } }), 200, 'its own Node');
  t.equal(await patch('/api/v1/nodes/node-2/status', { status: { phase: 'Running' } }), 403, 'another node');
  t.equal(await patch('/api/v1/nodes/node-2', { metadata: { labels: { taken: 'yes' } } }), 403, 'another node\'s labels');
  t.equal(await patch('/api/v1/namespaces/team-b/pods/p1/status', { status: { message: 'mine' } }), 200, 'its own pod');
  t.equal(await patch('/api/v1/namespaces/team-b/pods/p2/status', { status: { message: 'theirs' } }), 403, 'another node\'s pod');
  t.equal((await node1('GET', '/api/v1/namespaces/team-b/pods')).code, 200, 'it reads pods');
  t.match((await node1('POST', '/api/v1/nodes', { metadata: { name: 'node-3' } })).body, { code: 403, message: 'nodes "node-3" is forbidden: node "node-1" is not allowed to modify node "node-3"' });
  t.equal((await node1('POST', '/api/v1/namespaces/team-b/pods', { metadata: { name: 'mirror-elsewhere' }, spec: { nodeName: 'node-2', containers: [{ name: 'c', image: 'busybox' }] } })).code, 403, 'a pod bound to another node');
  t.equal((await node1('POST', '/api/v1/namespaces/team-b/pods', { metadata: { name: 'mirror' }, spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'busybox' }] } })).code, 201, 'a mirror pod of its own');
  t.equal((await node1('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', { metadata: { name: 'node-2' }, spec: {} })).code, 403, 'another node\'s Lease');
  t.equal((await node1('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', { metadata: { name: 'node-1' }, spec: {} })).code, 201, 'its own Lease');

  // 4. once its pod is gone, so is its access to the pod's Secret
  t.equal((await admin('DELETE', '/api/v1/namespaces/team-b/pods/p1?gracePeriodSeconds=0')).code, 200);
  t.equal((await node1('GET', '/api/v1/namespaces/team-b/secrets/one')).code, 403, 'after its pod was deleted');
});

t.test('the default roles and bindings are reconciled at start: what they lack comes back, additions stay, autoupdate=false opts out', async (t) => {
  const roleUrl = (name: string): string => `/apis/rbac.authorization.k8s.io/v1/clusterroles/${name}`;
  const current = async (url: string): Promise<Record<string, unknown>> => (await admin('GET', url)).body;
  // 1. an operator trims system:basic-user and adds a rule of their own, and opts system:monitoring out after emptying it
  const basic = await current(roleUrl('system:basic-user'));
  const extraRule = { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] };
  t.equal((await admin('PUT', roleUrl('system:basic-user'), { ...basic, rules: [extraRule] })).code, 200);
  const monitoring = await current(roleUrl('system:monitoring'));
  const metadata = monitoring.metadata as { annotations: Record<string, string> };
  t.equal((await admin('PUT', roleUrl('system:monitoring'), { ...monitoring, metadata: { ...metadata, annotations: { ...metadata.annotations, 'rbac.authorization.kubernetes.io/autoupdate': 'false' } }, rules: [] })).code, 200);
  const bindingUrl = '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/system:discovery';
  t.equal((await admin('PUT', bindingUrl, { ...(await current(bindingUrl)), subjects: [] })).code, 200);
  t.equal((await call('viewer-token', 'GET', '/apis')).code, 403, 'discovery is gone for now');

  // 2. the next start reconciles
  await bootstrapCluster(server.storage, { serviceIP: server.allocator.firstAddress(), serviceCIDRs: [server.allocator.serviceCidr], advertiseAddress: '127.0.0.1', port: 6443 });
  const rules = (await current(roleUrl('system:basic-user'))).rules as { resources: string[] }[];
  t.same(rules[0], extraRule, 'the added rule stays');
  t.ok(rules.some((r) => r.resources.includes('selfsubjectaccessreviews')), 'the default rules are back');
  t.same((await current(roleUrl('system:monitoring'))).rules ?? [], [], 'an opted-out role is left alone');
  t.match((await current(bindingUrl)).subjects, [{ kind: 'Group', name: 'system:authenticated' }]);
  t.equal((await call('viewer-token', 'GET', '/apis')).code, 200, 'discovery is back');
});

t.test('streaming into a pod is create on pods/exec, attach and portforward, whichever method carries it; pods/log is get', async (t) => {
  for (const subresource of ['exec', 'attach', 'portforward']) {
    for (const method of ['GET', 'POST']) {
      const url = `/api/v1/namespaces/team-a/pods/web/${subresource}?command=true`;
      const viewer = await call('viewer-token', method, url);
      t.equal(viewer.code, 403, `view may not ${method} pods/${subresource}`);
      t.match(viewer.body.message, new RegExp(`cannot create resource "pods/${subresource}"`), 'asked as create');
      // edit holds create on them: past authorization, the pod does not exist
      t.equal((await call('editor-token', method, url)).code, 404, `edit may ${method} pods/${subresource}`);
    }
  }
  t.equal((await call('viewer-token', 'GET', '/api/v1/namespaces/team-a/pods/web/log')).code, 404, 'view may get pods/log (the pod does not exist)');
  t.equal((await call('viewer-token', 'GET', '/api/v1/namespaces/team-b/pods/web/log')).code, 403, 'but not in a namespace it cannot view');
});
