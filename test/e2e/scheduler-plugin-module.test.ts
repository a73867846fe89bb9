// A researcher's TypeScript Score plugin loaded with --plugin-module and enabled in a profile
// (examples/scheduler-plugins): pods of that profile go to the node with the fewest pods.
import { join } from 'node:path';
import t from 'tap';
import { RestClient } from '../../lib/client/rest-client.js';
import { startApiserver } from '../../lib/launch/apiserver-process.js';
import { startScheduler } from '../../lib/launch/scheduler-process.js';
import { ROOT } from '../helpers/paths.js';
import { boundNode, node, NODES, pod, PODS } from '../helpers/sched-api.js';

t.test('the FewestPods example plugin steers research-scheduler pods to the emptiest node', async (t) => {
  // 1. two nodes; node-busy already runs three pods but is so much bigger that the default
  //    profile (least allocated) would still choose it
  const apiserver = await startApiserver();
  t.teardown(() => apiserver.stop());
  const client = RestClient.fromKubeconfig(apiserver.kubeconfig);
  t.teardown(() => client.close());
  await client.create(NODES, node('node-busy', { cpu: '64', memory: '256Gi' }));
  await client.create(NODES, node('node-empty'));
  for (let i = 0; i < 3; i++) await client.create(PODS, pod(`existing-${i}`, { spec: { nodeName: 'node-busy' } }));

  // 2. the scheduler with the example plugin module and profile
  const examples = join(ROOT, 'examples', 'scheduler-plugins');
  const scheduler = await startScheduler(apiserver, ['--leader-elect=false', '--plugin-module', join(examples, 'fewest-pods.mjs'), '--config', join(examples, 'research-scheduler.yaml')]);
  t.teardown(() => scheduler.kill());

  // 3. each new pod of the research profile lands on the node with fewer pods
  await client.create(PODS, pod('research-1', { spec: { schedulerName: 'research-scheduler' } }));
  t.equal(await boundNode(client, 'research-1'), 'node-empty');
  await client.create(PODS, pod('research-2', { spec: { schedulerName: 'research-scheduler' } }));
  t.equal(await boundNode(client, 'research-2'), 'node-empty', 'one pod there is still fewer than three');

  // 4. a pod for a scheduler that no profile names stays pending
  await client.create(PODS, pod('other', { spec: { schedulerName: 'someone-else' } }));
  t.equal(await boundNode(client, 'other', 1500), undefined);
});
