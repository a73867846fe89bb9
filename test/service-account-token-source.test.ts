// A controller's ServiceAccount credentials (--use-service-account-credentials): the token source
// makes the account when it is missing, asks for one token through the TokenRequest API however
// many requests wait for it, asks again once 80% of its lifetime has passed or after the apiserver
// refused it, and a client using it acts as the ServiceAccount with only that account's rights.
import t, { type Test } from 'tap';
import { FakeClock } from '../lib/client/clock.js';
import { RestClient, type RestClientConfig } from '../lib/client/rest-client.js';
import { ServiceAccountTokenSource } from '../lib/client/service-account-token-source.js';
import { findResource } from '../lib/api/resources.js';
import { TEST_TOKEN } from './helpers/inject-server.js';
import { listeningServer, type ListeningServer } from './helpers/listening-server.js';

const SERVICE_ACCOUNTS = findResource('', 'v1', 'serviceaccounts')!;

/** The controller-manager's client, counting the TokenRequests it sends. */
class CountingClient extends RestClient {
  tokenRequests = 0;
  constructor(config: RestClientConfig) {
    super(config);
  }
  override create<T>(...args: Parameters<RestClient['create']>): Promise<T> {
    if (args[2]?.subresource === 'token') this.tokenRequests++;
    return super.create<T>(...args);
  }
}

/** An apiserver on loopback and the controller-manager's (admin) client of it. */
async function apiserver(t: Test): Promise<{ server: ListeningServer; root: CountingClient }> {
  const server = await listeningServer({ apiAudiences: ['https://kubernetes.default.svc.cluster.local'] });
  t.teardown(() => server.close());
  const root = new CountingClient({ server: server.url, token: TEST_TOKEN });
  t.teardown(() => root.close());
  return { server, root };
}

t.test('a ServiceAccount token source gives a controller its own identity and renews it', async (t) => {
  const { server, root } = await apiserver(t);
  const clock = new FakeClock();
  const source = new ServiceAccountTokenSource({ client: root, namespace: 'kube-system', name: 'replicaset-controller', clock, expirationSeconds: 3600 });
  const controller = new RestClient({ server: server.url, tokenSource: source });
  t.teardown(() => controller.close());

  // 1. three requests at once: one TokenRequest, and the account now exists
  const [a, b, c] = await Promise.all([source.token(), source.token(), source.token()]);
  t.equal(root.tokenRequests, 1, 'one TokenRequest for concurrent callers');
  t.ok(a && a === b && b === c, 'they share the token');
  await t.resolves(root.get(SERVICE_ACCOUNTS, { namespace: 'kube-system', name: 'replicaset-controller' }), 'the ServiceAccount was made');

  // 2. the controller's requests authenticate as the ServiceAccount
  const review = await controller.request<{ status: { userInfo: { username: string; groups: string[] } } }>({
    method: 'POST',
    path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
  });
  t.equal(review.status.userInfo.username, 'system:serviceaccount:kube-system:replicaset-controller');
  t.equal(source.username, review.status.userInfo.username);

  // 3. its role lets it list pods but not read Secrets
  await t.resolves(controller.list(findResource('', 'v1', 'pods')!, { namespace: 'default' }), 'replicaset-controller may list pods');
  await t.rejects(controller.list(findResource('', 'v1', 'secrets')!, { namespace: 'default' }), { code: 403 }, 'and not Secrets');

  // 4. before 80% of the hour the token is reused; after it a new one is asked for
  await clock.advance(47 * 60_000);
  await source.token();
  t.equal(root.tokenRequests, 1, 'still the first token at 47 minutes');
  await clock.advance(2 * 60_000);
  await source.token();
  t.equal(root.tokenRequests, 2, 'a new token at 49 minutes (past 48)');
});

t.test('a token the apiserver refuses is replaced for the next request, the account made again', async (t) => {
  const { server, root } = await apiserver(t);
  const source = new ServiceAccountTokenSource({ client: root, namespace: 'kube-system', name: 'deployment-controller', clock: new FakeClock() });
  const controller = new RestClient({ server: server.url, tokenSource: source, maxRetries: 0 });
  t.teardown(() => controller.close());
  const pods = findResource('', 'v1', 'pods')!;
  await controller.list(pods, { namespace: 'default' });
  // 1. the account deleted: its token no longer authenticates
  await root.delete(SERVICE_ACCOUNTS, { namespace: 'kube-system', name: 'deployment-controller' });
  await t.rejects(controller.list(pods, { namespace: 'default' }), { code: 401 }, 'the old token is refused');
  // 2. the next request makes the account again and gets a new token
  await t.resolves(controller.list(pods, { namespace: 'default' }), 'the next request works with a new token');
  t.equal(root.tokenRequests, 2);
});

t.test('a due refresh that fails keeps serving the still-valid token; an expired one is not served', async (t) => {
  const { root } = await apiserver(t);
  const clock = new FakeClock();
  const source = new ServiceAccountTokenSource({ client: root, namespace: 'kube-system', name: 'job-controller', clock });
  const first = await source.token();
  await root.delete(SERVICE_ACCOUNTS, { namespace: 'kube-system', name: 'job-controller' });
  await clock.advance(50 * 60_000);
  t.equal(await source.token(), first, 'the account is gone, so the refresh fails, and the valid token is kept');
  await clock.advance(11 * 60_000);
  await t.rejects(source.token(), { code: 404 }, 'past its hour the failure reaches the caller');
});
