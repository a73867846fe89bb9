// A component's delegating authenticator: it asks the apiserver with a TokenReview, and caches the
// answer (accepted tokens 10 s, rejected ones 2 s, failed reviews not at all) so scrapes do not
// become one review each.
import type { TokenReview } from 'kubernetes-types/authentication/v1.js';
import t from 'tap';
import { DelegatingAuthenticator } from '../lib/auth/delegating-authenticator.js';
import { FakeClock } from '../lib/client/clock.js';
import type { RequestOptions } from '../lib/client/rest-client.js';
import { listeningServer } from './helpers/listening-server.js';

const JANE = { username: 'jane', uid: 'jane-uid', groups: ['developers', 'system:authenticated'] };

/** An apiserver stand-in that knows one token and counts the reviews it is sent. */
function fakeApiserver(): { reviews: string[]; failNext: boolean; request<T>(options: RequestOptions): Promise<T> } {
  const fake = {
    reviews: [] as string[],
    failNext: false,
    async request<T>(options: RequestOptions): Promise<T> {
      const token = (options.body as TokenReview).spec.token ?? '';
      fake.reviews.push(token);
      if (fake.failNext) {
        fake.failNext = false;
        throw new Error('connect ECONNREFUSED');
      }
      const status = token === 'good' ? { authenticated: true, user: JANE } : { user: {} };
      return { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token }, status } as T;
    },
  };
  return fake;
}

t.test('accepted tokens are trusted for 10 s, rejected ones refused for 2 s, without asking again', async (t) => {
  const clock = new FakeClock();
  const apiserver = fakeApiserver();
  const authenticator = new DelegatingAuthenticator({ client: apiserver, clock });
  t.same(await authenticator.authenticate('good'), { name: 'jane', uid: 'jane-uid', groups: JANE.groups });
  t.equal(await authenticator.authenticate('bad'), undefined);
  await clock.advance(1900);
  await authenticator.authenticate('good');
  await authenticator.authenticate('bad');
  t.same(apiserver.reviews, ['good', 'bad'], 'both answers cached');
  await clock.advance(200);
  await authenticator.authenticate('bad');
  t.same(apiserver.reviews, ['good', 'bad', 'bad'], 'a rejection is asked again after 2 s');
  await clock.advance(8000);
  t.ok(await authenticator.authenticate('good'));
  t.same(apiserver.reviews, ['good', 'bad', 'bad', 'good'], 'an acceptance is asked again after 10 s');
});

t.test('a review that fails is not remembered', async (t) => {
  const apiserver = fakeApiserver();
  const authenticator = new DelegatingAuthenticator({ client: apiserver, clock: new FakeClock() });
  apiserver.failNext = true;
  await t.rejects(authenticator.authenticate('good'), /ECONNREFUSED/);
  t.ok(await authenticator.authenticate('good'), 'the next request asks again');
  t.equal(apiserver.reviews.length, 2);
});

t.test('concurrent requests with one token share one review', async (t) => {
  const apiserver = fakeApiserver();
  const authenticator = new DelegatingAuthenticator({ client: apiserver, clock: new FakeClock() });
  const users = await Promise.all(Array.from({ length: 20 }, () => authenticator.authenticate('good')));
  t.ok(users.every((u) => u?.name === 'jane'));
  t.equal(apiserver.reviews.length, 1);
});

t.test('against the apiserver, with a component\'s msgpack client', async (t) => {
  const audience = 'https://kubernetes.default.svc.cluster.local';
  const server = await listeningServer({ users: { 'jane-token': { name: 'jane', uid: 'jane-uid', groups: ['developers'] } }, apiAudiences: [audience] });
  t.teardown(() => server.close());
  const client = server.client({ encoding: 'msgpack' });
  const authenticator = new DelegatingAuthenticator({ client });
  t.same(await authenticator.authenticate('jane-token'), { name: 'jane', uid: 'jane-uid', groups: ['developers', 'system:authenticated'] });
  t.equal(await authenticator.authenticate('nobody'), undefined);
  const forUs = new DelegatingAuthenticator({ client, audiences: [audience] });
  t.equal((await forUs.authenticate('jane-token'))?.name, 'jane', 'valid for the apiserver\'s audience');
  const forVault = new DelegatingAuthenticator({ client, audiences: ['https://vault.example'] });
  t.equal(await forVault.authenticate('jane-token'), undefined, 'not valid for another audience');
});
