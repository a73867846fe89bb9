// The scheduler's /metrics and /debug/explain (pod names, nodes) answer only a caller whose bearer
// token the apiserver accepts (a TokenReview) and whom its RBAC lets get the path (a
// SubjectAccessReview); /livez and /readyz stay open, as Kubernetes components leave their health
// probes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { adminCall } from '../../lib/client/admin.js';
import { RestClient } from '../../lib/client/rest-client.js';
import { startApiserver } from '../../lib/launch/apiserver-process.js';
import { startScheduler } from '../../lib/launch/scheduler-process.js';
import { addToken, ensureTokenFile } from '../../lib/pki/tokens.js';
import { boundNode, node, NODES, pod, PODS } from '../helpers/sched-api.js';

t.test('the scheduler\'s /metrics and /debug/explain need a token the apiserver accepts and RBAC allows', async (t) => {
  // 1. an apiserver with an admin and a user "jane", a scheduler, and a pod it has placed
  const dir = mkdtempSync(join(tmpdir(), 'rudder-sched-auth-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const tokenFile = join(dir, 'tokens.csv');
  ensureTokenFile(tokenFile);
  const janeToken = addToken(tokenFile, { name: 'jane', uid: 'jane', groups: ['developers'] });
  const monaToken = addToken(tokenFile, { name: 'mona', uid: 'mona', groups: ['system:monitoring'] });
  const apiserver = await startApiserver({ tokenFile });
  t.teardown(() => apiserver.stop());
  const scheduler = await startScheduler(apiserver);
  t.teardown(() => scheduler.kill());
  const client = RestClient.fromKubeconfig(apiserver.kubeconfig);
  t.teardown(() => client.close());
  await client.create(NODES, node('node-a'));
  await client.create(PODS, pod('web'));
  t.equal(await boundNode(client, 'web'), 'node-a');
  const call = (token: string, path: string) => adminCall(scheduler.url, apiserver.caPem, token, 'GET', path);

  // 2. without a token, or with one the apiserver does not know: 401 Unauthorized Status
  for (const [who, token] of [['no token', ''], ['an unknown token', 'not-a-token']] as const) {
    for (const path of ['/metrics', '/debug/explain/default/web']) {
      const answer = await call(token, path);
      t.equal(answer.status, 401, `${path} with ${who}`);
      t.match(JSON.parse(answer.body), { kind: 'Status', reason: 'Unauthorized', code: 401 }, `${path} with ${who}`);
    }
  }

  // 3. the admin token (the kubeconfig's): the metrics and the pod's explanation
  const metrics = await call(apiserver.token, '/metrics');
  t.equal(metrics.status, 200);
  t.match(metrics.body, /scheduler_schedule_attempts_total\{result="scheduled"/);
  const explained = await call(apiserver.token, '/debug/explain/default/web');
  t.equal(explained.status, 200);
  t.match(JSON.parse(explained.body), { pod: 'default/web', result: 'Scheduled', selectedNode: 'node-a' });

  // 4. an authenticated user needs get on the path: jane has none, mona is in system:monitoring
  const denied = await call(janeToken, '/metrics');
  t.equal(denied.status, 403, 'jane may not read /metrics');
  t.match(JSON.parse(denied.body), { kind: 'Status', reason: 'Forbidden', code: 403, message: 'forbidden: User "jane" cannot get path "/metrics"' });
  t.equal((await call(monaToken, '/metrics')).status, 200, 'system:monitoring reads /metrics');
  t.equal((await call(monaToken, '/debug/explain/default/web')).status, 403, 'but not the scheduler\'s explanations');

  // 5. the health probes need nothing
  t.equal((await call('', '/readyz')).status, 200, '/readyz');
  t.equal((await call('', '/livez')).status, 200, '/livez');
});
