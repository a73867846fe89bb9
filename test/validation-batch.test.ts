// batch/v1 Jobs and CronJobs: Kubernetes 1.36's rules with the field each 422 names — completions,
// parallelism and the Indexed mode, backoff limits per index, pod failure and success policies,
// restart policies, the generated selector, what an update may change, the job controller's
// status, and CronJob schedules, time zones and job templates.
import t from 'tap';
import { generateJobSelector } from '../services/apiserver/registry/strategies/job.js';
import { type Obj, clone, createProblems, edited, set, statusProblems, stored, unset, updateProblems } from './validation-fixtures.js';

const UID = '6f1c1b6e-0000-4000-8000-000000000001';

function job(): Obj {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default', uid: UID },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5.34' }] } } },
  };
}

/** A Job as the server prepares it before validation: uid, then the generated selector. */
function prepared(edit: (o: Obj) => void = () => undefined): Obj {
  const o = job();
  edit(o);
  generateJobSelector(o);
  return o;
}

function cronJob(): Obj {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'hourly', namespace: 'default' },
    spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'app', image: 'busybox' }] } } } } },
  };
}

t.test('valid Jobs and CronJobs pass once prepared and defaulted', async (t) => {
  t.same(createProblems(prepared()), []);
  t.same(createProblems(prepared((o) => set(o, 'spec.completionMode', 'Indexed') && set(o, 'spec.completions', 3))), []);
  t.same(createProblems(cronJob()), []);
  for (const schedule of ['@hourly', '@every 1h30m', '*/5 1-3 * jan-mar MON-FRI', '0 0 1,15 * ?', '5/15 * * * *']) {
    t.same(createProblems(set(cronJob(), 'spec.schedule', schedule)), [], schedule);
  }
});

const jobCases: [string, (o: Obj) => void, string[]][] = [
  ['negative completions', (o) => set(o, 'spec.completions', -1), ['spec.completions: Invalid value: -1: must be greater than or equal to 0']],
  ['negative parallelism', (o) => set(o, 'spec.parallelism', -2), ['spec.parallelism: Invalid value: -2: must be greater than or equal to 0']],
  ['negative backoffLimit', (o) => set(o, 'spec.backoffLimit', -1), ['spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0']],
  ['negative activeDeadlineSeconds', (o) => set(o, 'spec.activeDeadlineSeconds', -5), ['spec.activeDeadlineSeconds: Invalid value: -5: must be greater than or equal to 0']],
  ['negative ttlSecondsAfterFinished', (o) => set(o, 'spec.ttlSecondsAfterFinished', -1), ['spec.ttlSecondsAfterFinished: Invalid value: -1: must be greater than or equal to 0']],
  ['restartPolicy Always', (o) => set(o, 'spec.template.spec.restartPolicy', 'Always'), ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']],
  ['no restartPolicy (defaulted to Always)', (o) => unset(o, 'spec.template.spec.restartPolicy'), ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']],
  ['unknown completionMode', (o) => set(o, 'spec.completionMode', 'Sometimes'), ['spec.completionMode: Unsupported value: "Sometimes": supported values: "NonIndexed", "Indexed"']],
  ['Indexed without completions', (o) => set(o, 'spec.completionMode', 'Indexed') && set(o, 'spec.parallelism', 2), ['spec.completions: Required value: when completion mode is Indexed']],
  [
    'Indexed parallelism above the limit',
    (o) => set(o, 'spec.completionMode', 'Indexed') && set(o, 'spec.completions', 10) && set(o, 'spec.parallelism', 100001),
    ['spec.parallelism: Invalid value: 100001: must be less than or equal to 100000 when completion mode is Indexed'],
  ],
  [
    'backoffLimitPerIndex without Indexed',
    (o) => set(o, 'spec.backoffLimitPerIndex', 1),
    ['spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode'],
  ],
  [
    'maxFailedIndexes without backoffLimitPerIndex',
    (o) => set(o, 'spec.completionMode', 'Indexed') && set(o, 'spec.completions', 4) && set(o, 'spec.maxFailedIndexes', 1),
    ['spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified'],
  ],
  [
    'maxFailedIndexes above completions',
    (o) => set(o, 'spec.completionMode', 'Indexed') && set(o, 'spec.completions', 4) && set(o, 'spec.backoffLimitPerIndex', 1) && set(o, 'spec.maxFailedIndexes', 5),
    ['spec.maxFailedIndexes: Invalid value: 5: must be less than or equal to completions'],
  ],
  [
    'pod failure policy with OnFailure pods',
    (o) => set(o, 'spec.template.spec.restartPolicy', 'OnFailure') && set(o, 'spec.podFailurePolicy', { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] }),
    ['spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified'],
  ],
  [
    'pod failure rule with exit code 0 for In, unordered',
    (o) => set(o, 'spec.podFailurePolicy', { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [3, 0] } }] }),
    ['spec.podFailurePolicy.rules[0].onExitCodes.values[1]: Invalid value: 0: must not be 0 for the In operator', 'spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: []int32{3, 0}: must be ordered'],
  ],
  [
    'pod failure rule naming an unknown container',
    (o) => set(o, 'spec.podFailurePolicy', { rules: [{ action: 'Ignore', onExitCodes: { containerName: 'nope', operator: 'NotIn', values: [1] } }] }),
    ['spec.podFailurePolicy.rules[0].onExitCodes.containerName: Invalid value: "nope": must be one of the container or initContainer names in the pod template'],
  ],
  [
    'pod failure rule with an unknown action and no requirement',
    (o) => set(o, 'spec.podFailurePolicy', { rules: [{ action: 'Retry' }] }),
    [
      'spec.podFailurePolicy.rules[0].action: Unsupported value: "Retry": supported values: "Count", "FailIndex", "FailJob", "Ignore"',
      'spec.podFailurePolicy.rules[0]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required',
    ],
  ],
  [
    'FailIndex without backoffLimitPerIndex',
    (o) => set(o, 'spec.podFailurePolicy', { rules: [{ action: 'FailIndex', onPodConditions: [{ type: 'DisruptionTarget' }] }] }),
    ['spec.podFailurePolicy.rules[0].action: Invalid value: "FailIndex": requires the backoffLimitPerIndex to be set'],
  ],
  [
    'success policy on a NonIndexed job',
    (o) => set(o, 'spec.successPolicy', { rules: [{ succeededCount: 1 }] }),
    ['spec.successPolicy: Invalid value: batch.SuccessPolicy{...}: requires indexed completion mode'],
  ],
  [
    'success policy with bad indexes',
    (o) => set(o, 'spec.completionMode', 'Indexed') && set(o, 'spec.completions', 5) && set(o, 'spec.successPolicy', { rules: [{ succeededIndexes: '3-1' }, { succeededCount: 6 }] }),
    [
      'spec.successPolicy.rules[0].succeededIndexes: Invalid value: "3-1": error parsing succeededIndexes: non-increasing order, previous: 3, current: 1',
      'spec.successPolicy.rules[1].succeededCount: Invalid value: 6: must be less than or equal to 5 (the number of specified completions)',
    ],
  ],
  [
    'an Indexed job whose last pod name is not a DNS label',
    (o) => set(o, 'metadata.name', `${'a'.repeat(62)}`) && set(o, 'spec.completionMode', 'Indexed') && set(o, 'spec.completions', 10),
    [`metadata.name: Invalid value: "${'a'.repeat(62)}": will not able to create pod with invalid DNS label: ${'a'.repeat(62)}-9`],
  ],
];

t.test('Job create: each rule names its field', async (t) => {
  for (const [name, edit, expected] of jobCases) t.same(createProblems(prepared(edit)), expected, name);
});

t.test('Job selectors: generated unless manual, and then they must match the template', async (t) => {
  const generated = prepared();
  t.same((generated.spec as { selector: unknown }).selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': UID } });
  const manual = prepared((o) => set(o, 'spec.manualSelector', true) && set(o, 'spec.selector', { matchLabels: { app: 'pi' } }));
  t.same(createProblems(manual), ['spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`']);
  const tampered = prepared((o) => set(o, 'spec.selector', { matchLabels: { 'batch.kubernetes.io/controller-uid': 'other' } }));
  t.match(createProblems(tampered).join('\n'), /spec\.selector: Invalid value: v1\.LabelSelector\{.*\}: `selector` not auto-generated/);
  // A missing selector matches nothing, so Kubernetes reports the template too.
  t.same(createProblems(unset(prepared((o) => set(o, 'spec.manualSelector', true)), 'spec.selector')), [
    'spec.selector: Required value',
    'spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`',
  ]);
});

t.test('Job update: the template, selector, completions and modes are immutable', async (t) => {
  const old = stored(prepared());
  t.same(updateProblems(edited(old, (o) => set(o, 'spec.parallelism', 3)), old), [], 'parallelism may change');
  t.same(updateProblems(edited(old, (o) => set(o, 'spec.completions', 4)), old), ['spec.completions: Invalid value: 4: field is immutable']);
  t.same(updateProblems(edited(old, (o) => set(o, 'spec.template.spec.containers[0].image', 'perl:5.36')), old), ['spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable']);
  t.same(updateProblems(edited(old, (o) => set(o, 'spec.completionMode', 'Indexed')), old), [
    'spec.completionMode: Invalid value: "Indexed": field is immutable',
  ]);
  const indexed = stored(prepared((o) => set(o, 'spec.completionMode', 'Indexed') && set(o, 'spec.completions', 3) && set(o, 'spec.parallelism', 3)));
  t.same(updateProblems(edited(indexed, (o) => set(o, 'spec.completions', 5) && set(o, 'spec.parallelism', 5)), indexed), [], 'Indexed completions scale with parallelism');
  t.same(updateProblems(edited(indexed, (o) => set(o, 'spec.completions', 5)), indexed), ['spec.completions: Invalid value: 5: can only be modified in tandem with spec.parallelism']);
  const suspended = stored(prepared((o) => set(o, 'spec.suspend', true)));
  t.same(updateProblems(edited(suspended, (o) => set(o, 'spec.template.spec.nodeSelector', { zone: 'a' })), suspended), [], 'a suspended job that never started may move');
});

t.test('Job status: counters never go back, terminal conditions stay, ready pods are active', async (t) => {
  const old = stored(prepared());
  set(old, 'status', { active: 2, failed: 1, ready: 1 });
  t.same(statusProblems(edited(old, (o) => set(o, 'status.failed', 0)), old), ['status.failed: Invalid value: 0: cannot decrease the failed counter']);
  t.same(statusProblems(edited(old, (o) => set(o, 'status.ready', 3)), old), ['status.ready: Invalid value: 3: cannot set more ready pods than active']);
  t.same(statusProblems(edited(old, (o) => set(o, 'status.active', -1) && set(o, 'status.ready', 0)), old), [
    'status.active: Invalid value: -1: must be greater than or equal to 0',
    'status.ready: Invalid value: 0: cannot set more ready pods than active',
  ]);
  const done = clone(old);
  set(done, 'status', { succeeded: 1, startTime: '2024-05-01T10:00:00Z', completionTime: '2024-05-01T10:01:00Z', conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }, { type: 'Complete', status: 'True' }] });
  t.same(statusProblems(edited(done, (o) => set(o, 'status.conditions', [])), done), [
    'status.completionTime: Invalid value: "2024-05-01T10:01:00Z": cannot set completionTime when there is no Complete=True condition',
    'status.conditions: Invalid value: cannot disable the terminal Complete=True condition',
    'status.conditions: Invalid value: cannot disable the SuccessCriteriaMet=True condition',
  ]);
});

const cronCases: [string, (o: Obj) => void, string[]][] = [
  ['no schedule', (o) => set(o, 'spec.schedule', ''), ['spec.schedule: Required value']],
  ['four fields', (o) => set(o, 'spec.schedule', '* * * *'), ['spec.schedule: Invalid value: "* * * *": expected exactly 5 fields, found 4: [* * * *]']],
  ['minute out of range', (o) => set(o, 'spec.schedule', '61 * * * *'), ['spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61']],
  ['unknown name', (o) => set(o, 'spec.schedule', '0 0 * foo *'), ['spec.schedule: Invalid value: "0 0 * foo *": failed to parse int from foo: strconv.Atoi: parsing "foo": invalid syntax']],
  ['unknown descriptor', (o) => set(o, 'spec.schedule', '@fortnightly'), ['spec.schedule: Invalid value: "@fortnightly": unrecognized descriptor: @fortnightly']],
  ['TZ in the schedule', (o) => set(o, 'spec.schedule', 'TZ=UTC 0 * * * *'), ['spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead']],
  ['unknown time zone', (o) => set(o, 'spec.timeZone', 'Mars/Olympus'), ['spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus']],
  ['Local time zone', (o) => set(o, 'spec.timeZone', 'Local'), ['spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones']],
  ['empty time zone', (o) => set(o, 'spec.timeZone', ''), ['spec.timeZone: Invalid value: "": timeZone must be nil or non-empty string']],
  ['unknown concurrency policy', (o) => set(o, 'spec.concurrencyPolicy', 'Sometimes'), ['spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"']],
  ['negative startingDeadlineSeconds', (o) => set(o, 'spec.startingDeadlineSeconds', -1), ['spec.startingDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0']],
  ['a selector in the job template', (o) => set(o, 'spec.jobTemplate.spec.selector', { matchLabels: { a: 'b' } }), [
    'spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"a":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated',
  ]],
  ['manualSelector in the job template', (o) => set(o, 'spec.jobTemplate.spec.manualSelector', true), ['spec.jobTemplate.spec.manualSelector: Unsupported value: true: supported values: "nil", "false"']],
  ['a name too long for its jobs', (o) => set(o, 'metadata.name', 'c'.repeat(53)), [`metadata.name: Invalid value: "${'c'.repeat(53)}": must be no more than 52 characters`]],
  ['pods that restart forever', (o) => set(o, 'spec.jobTemplate.spec.template.spec.restartPolicy', 'Always'), ['spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']],
];

t.test('CronJob create: each rule names its field', async (t) => {
  for (const [name, edit, expected] of cronCases) {
    const o = cronJob();
    edit(o);
    t.same(createProblems(o), expected, name);
  }
  t.same(createProblems(set(cronJob(), 'spec.timeZone', 'America/New_York')), [], 'an IANA zone');
});

t.test('CronJob update: a stored time zone is not checked again', async (t) => {
  const old = stored(set(cronJob(), 'spec.timeZone', 'Europe/Paris'));
  t.same(updateProblems(edited(old, (o) => set(o, 'spec.schedule', '@daily')), old), []);
  t.same(updateProblems(edited(old, (o) => set(o, 'spec.schedule', 'bad')), old), ['spec.schedule: Invalid value: "bad": expected exactly 5 fields, found 1: [bad]']);
});
