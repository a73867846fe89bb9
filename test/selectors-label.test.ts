import t from 'tap';
import { type Status, StatusError } from '../lib/api/status.js';
import { FieldPath, formatFieldError } from '../lib/api/field-errors.js';
import {
  labelSelectorFromObject,
  labelSelectorFromSet,
  parseLabelSelector,
  validateLabelSelector,
} from '../lib/api/selectors/index.js';

function failureOf(action: () => unknown): Status {
  try {
    action();
  } catch (error) {
    if (error instanceof StatusError) return error.status;
    throw error;
  }
  throw new Error('no error was thrown');
}

const NAME_PART_RULE =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_RULE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

t.test('selectors print in the apiserver normal form: keys sorted, set values sorted, spaces dropped', async (t) => {
  t.equal(parseLabelSelector('x in (foo,,baz),y,z notin ()').toString(), 'x in (,baz,foo),y,z notin ()');
  t.equal(parseLabelSelector('tier=web,app==db').toString(), 'app==db,tier=web');
  t.equal(parseLabelSelector('  a  =  b ,\tc\n').toString(), 'a=b,c');
  t.equal(parseLabelSelector('env in(prod,dev),!canary,rank>3,age<10').toString(), 'age<10,!canary,env in (dev,prod),rank>3');
  t.equal(parseLabelSelector('example.com/app!=web').toString(), 'example.com/app!=web');
  t.equal(parseLabelSelector('a=').toString(), 'a=', 'an empty value is a value');
});

t.test('in and notin are keywords only where an operator is expected', async (t) => {
  t.equal(parseLabelSelector('in').toString(), 'in', '"in" alone is a key that must exist');
  t.equal(parseLabelSelector('a in (in,notin)').toString(), 'a in (in,notin)');
  t.ok(parseLabelSelector('notin notin (x)').matches({ notin: 'y' }));
});

t.test('each operator matches as in Kubernetes, including absent labels', async (t) => {
  const labels = { app: 'web', tier: 'front', rank: '7', note: 'x7' };
  const cases: [string, boolean][] = [
    ['app=web', true],
    ['app==web', true],
    ['app=db', false],
    ['app!=db', true],
    ['missing!=db', true],
    ['app in (db,web)', true],
    ['app in (db)', false],
    ['missing in (web)', false],
    ['app notin (db)', true],
    ['app notin (web)', false],
    ['missing notin (web)', true],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['rank>6', true],
    ['rank>7', false],
    ['rank<8', true],
    ['missing>1', false],
    ['note>1', false],
    ['app=web,tier=front', true],
    ['app=web,tier=back', false],
    ['', true],
  ];
  for (const [selector, expected] of cases) t.equal(parseLabelSelector(selector).matches(labels), expected, selector);
  t.ok(parseLabelSelector('!app').matches(undefined), 'an object without labels has none of them');
  t.notOk(parseLabelSelector('app').matches(null));
});

t.test('gt and lt compare as 64-bit integers', async (t) => {
  t.ok(parseLabelSelector('n>9').matches({ n: '10' }), 'numerically, not as text');
  t.equal(failureOf(() => parseLabelSelector('n<-5')).code, 400, 'a negative bound is not a valid label value');
  t.notOk(parseLabelSelector('n>1').matches({ n: '99999999999999999999' }), 'outside int64 is not a number');
  t.ok(parseLabelSelector('n>9007199254740992').matches({ n: '9007199254740993' }), 'beyond double precision');
});

t.test('malformed selectors are 400 BadRequest with the apiserver wording', async (t) => {
  const cases: [string, string][] = [
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['a in', "unable to parse requirement: found '' expected: '('"],
    ['a in (', "unable to parse requirement: found '', expected: ',', ')' or identifier"],
    ['a in (b c)', "unable to parse requirement: found 'c', expected: ',' or ')'"],
    ['a=(b)', "unable to parse requirement: found '(', expected: identifier"],
    ['a,', "found '', expected: identifier after ','"],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['a>b', `unable to parse requirement: values[0]: Invalid value: "b": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['a@b', `unable to parse requirement: <nil>: Invalid value: "a@b": ${NAME_PART_RULE}`],
    ['/c', 'unable to parse requirement: <nil>: Invalid value: "/c": prefix part must be non-empty'],
    ['a=b@', `unable to parse requirement: values[0][a]: Invalid value: "b@": ${LABEL_VALUE_RULE}`],
    ['x'.repeat(64), `unable to parse requirement: <nil>: Invalid value: "${'x'.repeat(64)}": name part must be no more than 63 characters`],
  ];
  for (const [selector, message] of cases) {
    t.match(failureOf(() => parseLabelSelector(selector)), { code: 400, reason: 'BadRequest', message }, selector);
  }
  t.equal(
    failureOf(() => parseLabelSelector('A.com/b')).message,
    "unable to parse requirement: <nil>: Invalid value: \"A.com/b\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  );
  t.match(failureOf(() => parseLabelSelector('a/b/c')).message, /a qualified name must consist of .* with an optional DNS subdomain prefix and '\/'/);
});

t.test('requirements and exact matches are exposed for indexes', async (t) => {
  const selector = parseLabelSelector('tier in (web),app=db,env in (a,b),!x');
  t.same(
    selector.requirements.map((r) => [r.key, r.operator, r.values]),
    [
      ['app', '=', ['db']],
      ['env', 'in', ['a', 'b']],
      ['tier', 'in', ['web']],
      ['x', '!', []],
    ],
  );
  t.equal(selector.requiresExactMatch('app'), 'db');
  t.equal(selector.requiresExactMatch('tier'), 'web');
  t.equal(selector.requiresExactMatch('env'), undefined, 'two values pin nothing');
  t.equal(selector.requiresExactMatch('x'), undefined);
  t.ok(parseLabelSelector('').isEmpty());
  t.notOk(selector.isEmpty());
});

t.test('a LabelSelector object becomes the same matcher', async (t) => {
  const selector = labelSelectorFromObject({
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['front', 'edge'] },
      { key: 'canary', operator: 'DoesNotExist' },
      { key: 'zone', operator: 'NotIn', values: ['b'] },
      { key: 'team', operator: 'Exists' },
    ],
  });
  t.equal(selector.toString(), 'app=web,!canary,team,tier in (edge,front),zone notin (b)');
  t.ok(selector.matches({ app: 'web', tier: 'edge', team: 'x' }));
  t.notOk(selector.matches({ app: 'web', tier: 'edge', team: 'x', canary: '1' }));
  t.notOk(selector.matches({ app: 'web', tier: 'edge', team: 'x', zone: 'b' }));

  const nothing = labelSelectorFromObject(undefined);
  t.ok(nothing.matchesNothing(), 'a missing selector selects nothing');
  t.notOk(nothing.matches({}));
  t.notOk(nothing.isEmpty());
  const everything = labelSelectorFromObject({});
  t.ok(everything.isEmpty(), 'an empty selector selects everything');
  t.ok(everything.matches({ any: 'thing' }));
});

t.test('an invalid LabelSelector object is refused with Go wording', async (t) => {
  t.match(failureOf(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Like' }] })), {
    code: 400,
    message: '"Like" is not a valid label selector operator',
  });
  t.throws(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'In' }] }), {
    message: "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
  });
  t.throws(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }), {
    message: 'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist',
  });
});

t.test('validation reports each problem of a spec.selector at its field path', async (t) => {
  const found = validateLabelSelector(
    {
      matchLabels: { 'bad key!': 'ok', good: 'bad value!' },
      matchExpressions: [
        { key: 'a', operator: 'In' },
        { key: 'b', operator: 'Exists', values: ['x'] },
        { key: 'c', operator: 'Near', values: ['ok'] },
        { key: 'd', operator: 'NotIn', values: ['fine', '-bad'] },
      ],
    },
    FieldPath.root('spec').child('selector'),
  );
  t.same(found.map(formatFieldError), [
    `spec.selector.matchLabels: Invalid value: "bad key!": ${NAME_PART_RULE}`,
    `spec.selector.matchLabels: Invalid value: "bad value!": ${LABEL_VALUE_RULE}`,
    "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    'spec.selector.matchExpressions[2].operator: Invalid value: "Near": not a valid selector operator',
    `spec.selector.matchExpressions[3].values[1]: Invalid value: "-bad": ${LABEL_VALUE_RULE}`,
  ]);
  t.same(validateLabelSelector({ matchLabels: { app: 'web' } }, FieldPath.root('spec').child('selector')), []);
  t.same(
    validateLabelSelector({ matchExpressions: [{ key: 'd', operator: 'In', values: ['-bad'] }] }, FieldPath.root('s'), {
      allowInvalidLabelValueInSelector: true,
    }),
    [],
  );
});

t.test('a label set selects exactly its pairs', async (t) => {
  const selector = labelSelectorFromSet({ tier: 'web', app: 'db' });
  t.equal(selector.toString(), 'app=db,tier=web');
  t.ok(selector.matches({ app: 'db', tier: 'web', extra: '1' }));
  t.notOk(selector.matches({ app: 'db' }));
  t.ok(labelSelectorFromSet({}).matches({ x: '1' }));
});
