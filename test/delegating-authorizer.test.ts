// A component's delegating authorizer: it asks the apiserver with a SubjectAccessReview whether a
// user may get a path, and caches the answer 10 s whichever it is (failed reviews not at all).
import type { SubjectAccessReview } from 'kubernetes-types/authorization/v1.js';
import t from 'tap';
import { DelegatingAuthorizer } from '../lib/auth/delegating-authorizer.js';
import { FakeClock } from '../lib/client/clock.js';
import type { RequestOptions } from '../lib/client/rest-client.js';
import { listeningServer } from './helpers/listening-server.js';

const JANE = { name: 'jane', uid: 'jane', groups: ['system:authenticated'] };
const MONA = { name: 'mona', uid: 'mona', groups: ['system:monitoring', 'system:authenticated'] };

/** An apiserver stand-in that allows the group system:monitoring and counts the reviews it is sent. */
function fakeApiserver(): { reviews: number; failNext: boolean; request<T>(options: RequestOptions): Promise<T> } {
  const fake = {
    reviews: 0,
    failNext: false,
    async request<T>(options: RequestOptions): Promise<T> {
      fake.reviews++;
      if (fake.failNext) {
        fake.failNext = false;
        throw new Error('connect ECONNREFUSED');
      }
      const review = options.body as SubjectAccessReview;
      return { ...review, status: { allowed: (review.spec.groups ?? []).includes('system:monitoring') } } as T;
    },
  };
  return fake;
}

t.test('answers are remembered 10 s, allowed or denied; a failed review is not', async (t) => {
  const clock = new FakeClock();
  const apiserver = fakeApiserver();
  const authorizer = new DelegatingAuthorizer({ client: apiserver, clock });
  t.equal(await authorizer.authorize(MONA, 'get', '/metrics'), true);
  t.equal(await authorizer.authorize(JANE, 'get', '/metrics'), false);
  await clock.advance(9_900);
  await authorizer.authorize(MONA, 'get', '/metrics');
  await authorizer.authorize(JANE, 'get', '/metrics');
  t.equal(apiserver.reviews, 2, 'both answers remembered');
  await clock.advance(200);
  await authorizer.authorize(JANE, 'get', '/metrics');
  t.equal(apiserver.reviews, 3, 'asked again after 10 s');
  apiserver.failNext = true;
  await t.rejects(authorizer.authorize(MONA, 'get', '/debug/pprof'));
  t.equal(await authorizer.authorize(MONA, 'get', '/debug/pprof'), true, 'asked again after a failure');
});

t.test('against the apiserver\'s RBAC', async (t) => {
  const server = await listeningServer();
  t.teardown(() => server.close());
  const authorizer = new DelegatingAuthorizer({ client: server.client({ encoding: 'msgpack' }) });
  t.equal(await authorizer.authorize(MONA, 'get', '/metrics'), true, 'system:monitoring gets /metrics');
  t.equal(await authorizer.authorize(JANE, 'get', '/metrics'), false, 'an authenticated user does not');
  t.equal(await authorizer.authorize(JANE, 'get', '/version'), true, 'but gets /version');
});
