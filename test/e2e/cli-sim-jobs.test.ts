// `rudder up --sim-nodes 2`: a Job made with `kubectl create job` runs on the simulated nodes
// (whose kubelet ends Job-owned containers with exit code 0) and `kubectl wait
// --for=condition=Complete` returns, with kubectl showing the Job Complete 1/1; so does a Job made
// with `kubectl create job --from=cronjob/NAME`.
import t from 'tap';
import { kubectl } from '../helpers/kubectl.js';
import { upWithSimNodes } from '../helpers/rudder-cli.js';

t.test('rudder up --sim-nodes 2: kubectl create job, then kubectl wait --for=condition=Complete', async (t) => {
  const { up, kubeconfig } = await upWithSimNodes(t, 2);
  t.equal(up.code, 0, up.stderr);

  const created = await kubectl('1.33', kubeconfig, ['create', 'job', 'hello', '--image=rudder.local/busybox:stable', '--', 'echo', 'hi']);
  t.equal(created.code, 0, created.stderr);
  t.match(created.stdout, /job.batch\/hello created/);
  const wait = await kubectl('1.33', kubeconfig, ['wait', '--for=condition=Complete', 'job/hello', '--timeout=30s']);
  t.equal(wait.code, 0, wait.stderr);
  t.match(wait.stdout, /job.batch\/hello condition met/);
  const shown = await kubectl('1.33', kubeconfig, ['get', 'job', 'hello', '--no-headers']);
  t.match(shown.stdout, /^hello\s+Complete\s+1\/1\s+/m, 'kubectl shows the Job Complete 1/1');
  const pods = await kubectl('1.33', kubeconfig, ['get', 'pods', '-l', 'job-name=hello', '-o', 'jsonpath={range .items[*]}{.status.phase} {.spec.nodeName} {.metadata.finalizers}{"\\n"}{end}']);
  t.match(pods.stdout.trim(), /^Succeeded sim-node-\d\s*$/, 'one pod, Succeeded on a simulated node, its tracking finalizer removed');

  // a Job made from a CronJob's template by kubectl completes as well
  // Scheduled twelve hours away, so the run never meets its time.
  const hour = (new Date().getUTCHours() + 12) % 24;
  const cron = await kubectl('1.33', kubeconfig, ['create', 'cronjob', 'nightly', '--image=rudder.local/busybox:stable', `--schedule=0 ${hour} * * *`, '--', 'echo', 'hi']);
  t.equal(cron.code, 0, cron.stderr);
  const manual = await kubectl('1.33', kubeconfig, ['create', 'job', 'nightly-now', '--from=cronjob/nightly']);
  t.equal(manual.code, 0, manual.stderr);
  const manualWait = await kubectl('1.33', kubeconfig, ['wait', '--for=condition=Complete', 'job/nightly-now', '--timeout=30s']);
  t.equal(manualWait.code, 0, manualWait.stderr);
  const listed = await kubectl('1.33', kubeconfig, ['get', 'cronjob', 'nightly', '--no-headers']);
  t.match(listed.stdout, new RegExp(`^nightly\\s+0 ${hour} \\* \\* \\*\\s+`, 'm'), 'kubectl lists the CronJob with its schedule');
  t.notMatch((await kubectl('1.33', kubeconfig, ['get', 'jobs', '--no-headers'])).stdout, /^nightly-\d+/m, 'no scheduled Job before its time');
});
