// TokenReview as a Kubernetes user (or a component delegating its authentication) sees it: POST a
// token, get back whose it is, from the same static tokens the apiserver's bearer authentication
// uses; listed in discovery; bad reviews are 400 Status objects; kubectl creates one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { parse as parseYaml } from 'yaml';
import { startApiserver } from '../lib/launch/apiserver-process.js';
import { addToken, ensureTokenFile } from '../lib/pki/tokens.js';
import { injectServer, type InjectServer } from './helpers/inject-server.js';
import { kubectl } from './helpers/kubectl.js';
import { KUBECTL_VERSIONS } from './helpers/paths.js';

const PATH = '/apis/authentication.k8s.io/v1/tokenreviews';
const API_AUDIENCE = 'https://kubernetes.default.svc.cluster.local';
const JANE_TOKEN = 'jane-token-0123456789';

let server: InjectServer;
t.beforeEach(async () => {
  server = await injectServer({ users: { [JANE_TOKEN]: { name: 'jane', uid: 'jane-uid', groups: ['developers'] } }, apiAudiences: [API_AUDIENCE] });
});
t.afterEach(() => server.close());

async function review(body: unknown, headers: Record<string, string> = {}): Promise<{ code: number; body: Record<string, unknown> }> {
  const res = await server.app.inject({ method: 'POST', url: PATH, headers: { ...server.auth, ...headers }, payload: typeof body === 'string' ? body : JSON.stringify(body) });
  return { code: res.statusCode, body: JSON.parse(res.body) as Record<string, unknown> };
}

const tokenReview = (spec: Record<string, unknown>): Record<string, unknown> => ({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec });

t.test('a known token is authenticated as its user, for the apiserver\'s audiences', async (t) => {
  const answer = await review(tokenReview({ token: JANE_TOKEN }), { 'content-type': 'application/json' });
  t.equal(answer.code, 201);
  t.same(answer.body, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    metadata: { creationTimestamp: null },
    spec: { token: JANE_TOKEN },
    status: { authenticated: true, user: { username: 'jane', uid: 'jane-uid', groups: ['developers', 'system:authenticated'] }, audiences: [API_AUDIENCE] },
  });
});

t.test('an unknown token is not authenticated; nor is a known one for another audience', async (t) => {
  const unknown = await review(tokenReview({ token: 'not-a-token' }), { 'content-type': 'application/json' });
  t.equal(unknown.code, 201);
  t.same(unknown.body.status, { user: {} }, 'authenticated is left out (false) and the user empty, as Kubernetes answers');
  const elsewhere = await review(tokenReview({ token: JANE_TOKEN, audiences: ['https://vault.example'] }), { 'content-type': 'application/json' });
  t.same(elsewhere.body.status, { user: {} }, 'a static token is valid only for the apiserver\'s audiences');
  const ours = await review(tokenReview({ token: JANE_TOKEN, audiences: ['https://vault.example', API_AUDIENCE] }), { 'content-type': 'application/json' });
  t.match(ours.body.status, { authenticated: true, audiences: [API_AUDIENCE] });
});

t.test('bad reviews are 400 Status objects; other verbs 405; a caller needs a token itself', async (t) => {
  const cases: [string, unknown, RegExp][] = [
    ['no token', tokenReview({}), /^token is required for TokenReview in authentication$/],
    ['an empty token', tokenReview({ token: '' }), /^token is required/],
    ['a token that is not a string', tokenReview({ token: 42 }), /spec\.token: expected a string/],
    ['audiences that are not strings', tokenReview({ token: JANE_TOKEN, audiences: 'api' }), /spec\.audiences/],
    ['another kind', { apiVersion: 'v1', kind: 'ConfigMap', spec: { token: JANE_TOKEN } }, /API version in the data \(v1\)/],
    ['not an object', '["a"]', /must be of type TokenReview/],
    ['not JSON', '{"spec":', /not valid JSON/],
  ];
  for (const [what, body, message] of cases) {
    const answer = await review(body, { 'content-type': 'application/json' });
    t.equal(answer.code, 400, what);
    t.match(answer.body, { kind: 'Status', reason: 'BadRequest', code: 400, message }, what);
  }
  const get = await server.app.inject({ method: 'GET', url: PATH, headers: server.auth });
  t.equal(get.statusCode, 405, 'TokenReviews are only created');
  const namespaced = await server.app.inject({ method: 'POST', url: '/apis/authentication.k8s.io/v1/namespaces/default/tokenreviews', headers: { ...server.auth, 'content-type': 'application/json' }, payload: tokenReview({ token: JANE_TOKEN }) });
  t.equal(namespaced.statusCode, 404, 'TokenReviews are cluster-scoped');
  const anonymous = await server.app.inject({ method: 'POST', url: PATH, headers: { 'content-type': 'application/json' }, payload: tokenReview({ token: JANE_TOKEN }) });
  t.equal(anonymous.statusCode, 403, 'system:anonymous may not review tokens');
  const unbound = await server.app.inject({ method: 'POST', url: PATH, headers: { authorization: `Bearer ${JANE_TOKEN}`, 'content-type': 'application/json' }, payload: tokenReview({ token: JANE_TOKEN }) });
  t.equal(unbound.statusCode, 403, 'reviewing a token needs create on tokenreviews (system:auth-delegator)');
});

t.test('discovery lists tokenreviews and selfsubjectreviews under authentication.k8s.io/v1, create only', async (t) => {
  const groups = JSON.parse((await server.app.inject({ method: 'GET', url: '/apis', headers: server.auth })).body) as { groups: { name: string; preferredVersion: { groupVersion: string } }[] };
  t.match(groups.groups.find((g) => g.name === 'authentication.k8s.io'), { preferredVersion: { groupVersion: 'authentication.k8s.io/v1' } });
  const resources = JSON.parse((await server.app.inject({ method: 'GET', url: '/apis/authentication.k8s.io/v1', headers: server.auth })).body) as { resources: unknown[] };
  t.same(resources.resources, [
    { name: 'tokenreviews', singularName: 'tokenreview', namespaced: false, kind: 'TokenReview', verbs: ['create'] },
    { name: 'selfsubjectreviews', singularName: 'selfsubjectreview', namespaced: false, kind: 'SelfSubjectReview', verbs: ['create'] },
  ]);
});

t.test('kubectl create -f tokenreview.yaml -o yaml', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-tokenreview-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const tokenFile = join(dir, 'tokens.csv');
  ensureTokenFile(tokenFile);
  const janeToken = addToken(tokenFile, { name: 'jane', uid: 'jane-uid', groups: ['developers'] });
  const api = await startApiserver({ tokenFile });
  t.teardown(() => api.stop());
  const manifest = (token: string): string => `apiVersion: authentication.k8s.io/v1\nkind: TokenReview\nspec:\n  token: ${token}\n`;
  for (const version of KUBECTL_VERSIONS) {
    const known = await kubectl(version, api.kubeconfig, ['create', '-f', '-', '-o', 'yaml'], manifest(janeToken));
    t.equal(known.code, 0, `kubectl ${version}: ${known.stderr}`);
    t.match(parseYaml(known.stdout), { kind: 'TokenReview', status: { authenticated: true, user: { username: 'jane', groups: ['developers', 'system:authenticated'] }, audiences: [API_AUDIENCE] } });
    const unknown = await kubectl(version, api.kubeconfig, ['create', '-f', '-', '-o', 'yaml'], manifest('no-such-token'));
    t.equal(unknown.code, 0, `kubectl ${version}: ${unknown.stderr}`);
    const status = (parseYaml(unknown.stdout) as { status?: { authenticated?: boolean } }).status;
    t.not(status?.authenticated, true, `kubectl ${version}: an unknown token is not authenticated`);
  }
});
