// FailedScheduling messages worded exactly as kube-scheduler's FitError.Error().
import t from 'tap';
import { Code, Status } from '../lib/sched/framework/status.js';
import { fitErrorMessage, preemptionMessage } from '../lib/sched/fit-error.js';

function statuses(entries: [number, Status][]): Map<string, Status> {
  const m = new Map<string, Status>();
  let i = 0;
  for (const [count, s] of entries) for (let k = 0; k < count; k++) m.set(`n${i++}`, s);
  return m;
}

t.test('20 nodes short of cpu', async (t) => {
  const m = statuses([[20, new Status(Code.Unschedulable, ['Insufficient cpu'], 'NodeResourcesFit')]]);
  t.equal(fitErrorMessage(20, { nodeToStatus: m }), '0/20 nodes are available: 20 Insufficient cpu.');
});

// The issue words this example "3 Insufficient memory, 2 node(s) had ..."; kube-scheduler sorts
// the "count reason" strings with sort.Strings, so "2 node(s)..." comes first, as here.
t.test('reasons are counted and sorted as strings (Go sort.Strings)', async (t) => {
  const m = statuses([
    [2, new Status(Code.UnschedulableAndUnresolvable, ['node(s) had untolerated taint(s)'], 'TaintToleration')],
    [3, new Status(Code.Unschedulable, ['Insufficient memory'], 'NodeResourcesFit')],
  ]);
  t.equal(fitErrorMessage(5, { nodeToStatus: m }), '0/5 nodes are available: 2 node(s) had untolerated taint(s), 3 Insufficient memory.');
});

t.test('a node with several reasons counts each', async (t) => {
  const m = statuses([[1, new Status(Code.Unschedulable, ['Insufficient cpu', 'Insufficient memory'])], [1, new Status(Code.Unschedulable, ['Insufficient cpu'])]]);
  t.equal(fitErrorMessage(2, { nodeToStatus: m }), '0/2 nodes are available: 1 Insufficient memory, 2 Insufficient cpu.');
});

t.test('the preemption suffix follows, with its own fit message (hence "..")', async (t) => {
  const m = statuses([[3, new Status(Code.Unschedulable, ['Insufficient cpu'])]]);
  const pre = statuses([[3, new Status(Code.Unschedulable, ['No preemption victims found for incoming pod'])]]);
  const post = preemptionMessage(3, pre);
  t.equal(
    fitErrorMessage(3, { nodeToStatus: m, postFilterMsg: post }),
    '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod..',
  );
});

t.test('a PreFilter rejection replaces the per-node histogram', async (t) => {
  const s = new Status(Code.UnschedulableAndUnresolvable, ['pod affinity terms conflict'], 'NodeAffinity');
  t.equal(fitErrorMessage(4, { nodeToStatus: statuses([[4, s]]), preFilterMsg: s.message() }), '0/4 nodes are available: pod affinity terms conflict.');
});
