// The security model through the real kubectl (1.27 and 1.33) against an apiserver process:
// `auth can-i --as` over the default roles answers as live requests with each user's own
// credentials and as SubjectAccessReviews do; `auth whoami` names a client certificate's user and
// groups; `create token` gives a bound JWT that works, validates against the published JWKS and
// stops working when its pod is deleted; a user with create on rolebindings but not bind cannot
// bind cluster-admin; a kubelet's certificate reads only what its node's pods use and changes only
// its own Node.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from 'jose';
import t from 'tap';
import { startApiserver } from '../../lib/launch/apiserver-process.js';
import { writeKubeconfig } from '../../lib/client/kubeconfig.js';
import { pkiPaths } from '../../lib/pki/certs.js';
import { createClientCert } from '../../lib/pki/issue.js';
import { readCa } from '../../lib/pki/x509.js';
import { addToken, ensureTokenFile } from '../../lib/pki/tokens.js';
import { kubectl } from '../helpers/kubectl.js';
import { KUBECTL_VERSIONS } from '../helpers/paths.js';
import { rest, type RestTarget } from '../helpers/rest.js';

const API_AUDIENCE = 'https://kubernetes.default.svc.cluster.local';

/** A RoleBinding manifest: `role` (ClusterRole or Role) to `subjects` (kind/name). */
function roleBinding(namespace: string, name: string, roleRef: string, subjects: string[]): string {
  const [kind, role] = roleRef.split('/');
  const list = subjects.map((s) => `{apiGroup: rbac.authorization.k8s.io, kind: ${s.split('/')[0]}, name: ${s.split('/')[1]}}`).join(', ');
  return `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ${name}, namespace: ${namespace}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ${kind}, name: ${role}}
subjects: [${list}]
`;
}

const SETUP = [
  'apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a}\n',
  'apiVersion: v1\nkind: Namespace\nmetadata: {name: team-b}\n',
  'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: team-a}\n',
  'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: robot, namespace: team-a}\n',
  roleBinding('team-a', 'viewer', 'ClusterRole/view', ['User/viewer', 'Group/auditors']),
  roleBinding('team-a', 'editor', 'ClusterRole/edit', ['User/editor']),
  roleBinding('team-a', 'owner', 'ClusterRole/admin', ['User/owner']),
  'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: binding-writer, namespace: team-b}\nrules: [{apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [create, get, list]}]\n',
  roleBinding('team-b', 'binder', 'Role/binding-writer', ['User/binder']),
  'apiVersion: v1\nkind: Node\nmetadata: {name: node-a}\n',
  'apiVersion: v1\nkind: Node\nmetadata: {name: node-b}\n',
  'apiVersion: v1\nkind: Secret\nmetadata: {name: mounted, namespace: team-b}\nstringData: {k: v}\n',
  'apiVersion: v1\nkind: Secret\nmetadata: {name: unused, namespace: team-b}\nstringData: {k: v}\n',
  'apiVersion: v1\nkind: Pod\nmetadata: {name: on-a, namespace: team-b}\nspec: {nodeName: node-a, containers: [{name: c, image: busybox}], volumes: [{name: s, secret: {secretName: mounted}}]}\n',
].join('---\n');

interface Probe {
  verb: string;
  resource: string;
  group?: string;
  namespace?: string;
  /** The live request asking the same. */
  method: string;
  path: string;
  body?: unknown;
}

const probes: Probe[] = [
  { verb: 'list', resource: 'pods', namespace: 'team-a', method: 'GET', path: '/api/v1/namespaces/team-a/pods' },
  { verb: 'list', resource: 'secrets', namespace: 'team-a', method: 'GET', path: '/api/v1/namespaces/team-a/secrets' },
  { verb: 'list', resource: 'pods', namespace: 'team-b', method: 'GET', path: '/api/v1/namespaces/team-b/pods' },
  { verb: 'list', resource: 'rolebindings', group: 'rbac.authorization.k8s.io', namespace: 'team-a', method: 'GET', path: '/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/rolebindings' },
  { verb: 'list', resource: 'nodes', method: 'GET', path: '/api/v1/nodes' },
  { verb: 'list', resource: 'configmaps', namespace: 'team-a', method: 'GET', path: '/api/v1/namespaces/team-a/configmaps' },
];

// who → the answers to the probes above, in order
const expected: Record<string, boolean[]> = {
  viewer: [true, false, false, false, false, true],
  editor: [true, true, false, false, false, true],
  owner: [true, true, false, true, false, true],
  'system:serviceaccount:team-a:robot': [false, false, false, false, false, false],
};

function canIArgs(p: Probe): string[] {
  const resource = p.group ? `${p.resource}.${p.group}` : p.resource;
  return ['auth', 'can-i', p.verb, resource, ...(p.namespace ? ['-n', p.namespace] : [])];
}

t.test('kubectl auth can-i, whoami, create token and escalation against RBAC', async (t) => {
  // 1. an apiserver whose token file has four users beside the admin, accepting audience "x" too
  const dir = mkdtempSync(join(tmpdir(), 'rudder-rbac-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const tokenFile = join(dir, 'tokens.csv');
  ensureTokenFile(tokenFile);
  const tokens: Record<string, string> = {};
  for (const name of ['viewer', 'editor', 'owner', 'binder']) tokens[name] = addToken(tokenFile, { name, uid: name, groups: [] });
  const api = await startApiserver({ tokenFile, extraArgs: ['--api-audiences', `${API_AUDIENCE},x`] });
  t.teardown(() => api.stop());
  const as = (token: string): RestTarget => ({ url: api.url, caPem: api.caPem, token });
  const admin = as(api.token);
  const kubeconfigOf = (name: string, credentials: { token: string } | { clientCertPem: string; clientKeyPem: string }): string => {
    const path = join(dir, `${name}.kubeconfig`);
    writeKubeconfig(path, { name: 'rudder', server: api.url, caPem: api.caPem, userName: name, ...credentials });
    return path;
  };

  // 2. the namespaces, ServiceAccounts and bindings; a client certificate for carol in group auditors
  const setup = await kubectl('1.33', api.kubeconfig, ['apply', '-f', '-'], SETUP);
  t.equal(setup.code, 0, setup.stderr);
  const robot = await kubectl('1.33', api.kubeconfig, ['create', 'token', 'robot', '-n', 'team-a']);
  t.equal(robot.code, 0, robot.stderr);
  tokens['system:serviceaccount:team-a:robot'] = robot.stdout.trim();
  const pki = pkiPaths(join(api.dataDir, 'pki'));
  const carol = await createClientCert(await readCa(pki.caCert, pki.caKey), 'carol', ['auditors']);
  const carolConfig = kubeconfigOf('carol', { clientCertPem: carol.certPem, clientKeyPem: carol.keyPem });
  const kubelet = await createClientCert(await readCa(pki.caCert, pki.caKey), 'system:node:node-a', ['system:nodes']);
  const kubeletConfig = kubeconfigOf('node-a', { clientCertPem: kubelet.certPem, clientKeyPem: kubelet.keyPem });

  for (const version of KUBECTL_VERSIONS) {
    await t.test(`kubectl ${version}`, async (t) => {
      // 3. the can-i matrix: kubectl --as, the user's own live request, a SubjectAccessReview
      for (const [who, answers] of Object.entries(expected)) {
        for (const [i, probe] of probes.entries()) {
          const what = `${who}: ${probe.verb} ${probe.resource} in ${probe.namespace ?? 'the cluster'}`;
          const canI = await kubectl(version, api.kubeconfig, [...canIArgs(probe), '--as', who]);
          t.equal(canI.stdout.trim(), answers[i] ? 'yes' : 'no', `can-i ${what}`);
          const live = await rest(as(tokens[who]!), probe.method, probe.path, probe.body);
          t.equal(live.status === 200, answers[i], `live ${what}: ${live.status}`);
          if (!answers[i]) t.equal(live.status, 403, `${what} is 403`);
          const review = await rest(admin, 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SubjectAccessReview',
            spec: { user: who, groups: who.startsWith('system:serviceaccount:') ? ['system:serviceaccounts', 'system:serviceaccounts:team-a'] : [], resourceAttributes: { verb: probe.verb, resource: probe.resource, group: probe.group ?? '', namespace: probe.namespace ?? '' } },
          });
          t.equal(review.json<{ status: { allowed: boolean } }>().status.allowed, answers[i], `SubjectAccessReview ${what}`);
        }
      }
      const discovery = await kubectl(version, api.kubeconfig, ['auth', 'can-i', 'get', '/api', '--as', 'system:serviceaccount:team-a:robot']);
      t.equal(discovery.stdout.trim(), 'yes', 'an unbound ServiceAccount may read discovery');
      const denied = await kubectl(version, kubeconfigOf('viewer', { token: tokens.viewer! }), ['get', 'secrets', '-n', 'team-a']);
      t.match(denied.stderr, 'secrets is forbidden: User "viewer" cannot list resource "secrets" in API group "" in the namespace "team-a"');
      const list = await kubectl(version, kubeconfigOf('viewer', { token: tokens.viewer! }), ['auth', 'can-i', '--list', '-n', 'team-a']);
      t.equal(list.code, 0, list.stderr);
      t.match(list.stdout, /^pods\s+\[\]\s+\[\]\s+\[get list watch\]$/m, 'can-i --list shows view\'s rules');

      // 4. whoami with a client certificate; carol's group auditors is bound to view
      const whoami = await kubectl(version, carolConfig, ['auth', 'whoami']);
      t.equal(whoami.code, 0, whoami.stderr);
      t.match(whoami.stdout, /Username\s+carol/);
      t.match(whoami.stdout, /Groups\s+\[auditors system:authenticated\]/);
      t.equal((await kubectl(version, carolConfig, ['get', 'pods', '-n', 'team-a'])).code, 0, 'carol lists pods');
      t.not((await kubectl(version, carolConfig, ['get', 'secrets', '-n', 'team-a'])).code, 0, 'carol cannot list secrets');

      // 5. a kubelet's certificate reads the Secret its pod mounts, not another; labels its own Node only
      t.equal((await kubectl(version, kubeletConfig, ['get', 'secret', 'mounted', '-n', 'team-b'])).code, 0, 'node-a reads its pod\'s Secret');
      const unused = await kubectl(version, kubeletConfig, ['get', 'secret', 'unused', '-n', 'team-b']);
      t.match(unused.stderr, 'secrets "unused" is forbidden: User "system:node:node-a" cannot get resource "secrets" in API group "" in the namespace "team-b"');
      const other = await kubectl(version, kubeletConfig, ['label', 'node', 'node-b', `seen-by-${version.replace('.', '-')}=a`]);
      t.match(other.stderr, 'nodes "node-b" is forbidden: User "system:node:node-a" cannot patch resource "nodes" in API group "" at the cluster scope');
      const own = await kubectl(version, kubeletConfig, ['label', 'node', 'node-a', `seen-by-${version.replace('.', '-')}=a`]);
      t.equal(own.code, 0, own.stderr);

      // 6. create token: a JWT for audience x, 10 minutes, that works and validates against the JWKS
      const created = await kubectl(version, api.kubeconfig, ['create', 'token', 'default', '-n', 'team-a', '--audience', 'x', '--duration', '10m']);
      t.equal(created.code, 0, created.stderr);
      const token = created.stdout.trim();
      const self = await rest(as(token), 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
      t.equal(self.status, 201, 'the token works');
      t.match(self.json(), { status: { userInfo: { username: 'system:serviceaccount:team-a:default' } } });
      const discoveryDoc = (await rest(as(token), 'GET', '/.well-known/openid-configuration')).json<{ issuer: string; jwks_uri: string }>();
      const jwks = (await rest(as(token), 'GET', '/openid/v1/jwks')).json<JSONWebKeySet>();
      const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: discoveryDoc.issuer, audience: 'x' });
      t.equal(payload.exp! - payload.iat!, 600, 'valid for 10 minutes');
      t.equal(payload.sub, 'system:serviceaccount:team-a:default');
      await t.rejects(jwtVerify(token, createLocalJWKSet(jwks), { issuer: discoveryDoc.issuer, audience: 'y' }), 'not for another audience');
      t.equal((await rest(as(token), 'GET', '/api/v1/namespaces/team-a/pods')).status, 403, 'an unbound ServiceAccount lists nothing');

      // 7. a token bound to a pod stops working once the pod is deleted
      const pod = `holder-${version.replace('.', '-')}`;
      const run = await kubectl(version, api.kubeconfig, ['run', pod, '-n', 'team-a', '--image', 'busybox', '--restart', 'Never', '--overrides', '{"spec":{"serviceAccountName":"default"}}']);
      t.equal(run.code, 0, run.stderr);
      const bound = await kubectl(version, api.kubeconfig, ['create', 'token', 'default', '-n', 'team-a', '--audience', 'x', '--bound-object-kind', 'Pod', '--bound-object-name', pod]);
      t.equal(bound.code, 0, bound.stderr);
      const boundToken = bound.stdout.trim();
      t.match(decodeJwt(boundToken), { 'kubernetes.io': { pod: { name: pod } } });
      t.equal((await rest(as(boundToken), 'GET', '/version')).status, 200, 'the bound token works while its pod exists');
      const whoBound = await rest(as(boundToken), 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {});
      t.match(whoBound.json(), { status: { userInfo: { extra: { 'authentication.kubernetes.io/pod-name': [pod] } } } });
      const deleted = await kubectl(version, api.kubeconfig, ['delete', 'pod', pod, '-n', 'team-a', '--grace-period=0', '--force']);
      t.equal(deleted.code, 0, deleted.stderr);
      t.equal((await rest(as(boundToken), 'GET', '/version')).status, 401, 'rejected after its pod is deleted');

      // 8. create on rolebindings without bind cannot bind cluster-admin
      const binder = kubeconfigOf('binder', { token: tokens.binder! });
      const grab = await kubectl(version, binder, ['create', 'rolebinding', 'grab', '--clusterrole', 'cluster-admin', '--user', 'binder', '-n', 'team-b']);
      t.not(grab.code, 0);
      t.match(grab.stderr, 'rolebindings.rbac.authorization.k8s.io "grab" is forbidden: user "binder" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held');
      t.equal((await kubectl(version, api.kubeconfig, ['auth', 'can-i', 'create', 'rolebindings', '-n', 'team-b', '--as', 'binder'])).stdout.trim(), 'yes', 'binder may create rolebindings');
      t.equal((await kubectl(version, api.kubeconfig, ['auth', 'can-i', 'bind', 'clusterroles/cluster-admin', '--as', 'binder'])).stdout.trim(), 'no', 'but not bind');
      // impersonation needs the impersonate verb
      const impersonating = await kubectl(version, binder, ['get', 'pods', '-n', 'team-a', '--as', 'owner']);
      t.match(impersonating.stderr, 'users "owner" is forbidden: User "binder" cannot impersonate resource "users" in API group "" at the cluster scope');
    });
  }
});
