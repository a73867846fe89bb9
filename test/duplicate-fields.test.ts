import t from 'tap';
import { duplicateFields, mayRepeatKeys } from '../lib/api/schema/duplicate-fields.js';

t.test('each repeated key is reported with its path, as the strict decoder words it', async (t) => {
  const text = '{"metadata":{"name":"a","labels":{"x":"1"},"name":"b"},"spec":{"containers":[{"name":"c","image":"i","image":"j"}]},"spec":{}}';
  t.same(duplicateFields(text), [
    'duplicate field "metadata.name"',
    'duplicate field "spec.containers[0].image"',
    'duplicate field "spec"',
  ]);
});

t.test('the same key in sibling objects is no duplicate', async (t) => {
  t.same(duplicateFields('{"a":{"name":"x"},"b":{"name":"y"},"c":[{"k":1},{"k":2}]}'), []);
});

t.test('at most 100 findings, as Kubernetes collects them', async (t) => {
  const text = `{${Array.from({ length: 300 }, () => '"k":1').join(',')}}`;
  t.equal(duplicateFields(text).length, 100);
});

t.test('the quick check: a text with no more key places than parsed keys repeats none', async (t) => {
  const unique = '{"a":{"b":1},"c":[{"d":"x"}]}';
  t.notOk(mayRepeatKeys(unique, 4));
  t.ok(mayRepeatKeys('{"a":1,"a":2}', 1), 'JSON.parse keeps one of two keys');
  t.ok(mayRepeatKeys('{"a":"say \\":\\" twice"}', 1), 'a value holding ": is only a false alarm');
  t.same(duplicateFields('{"a":"say \\":\\" twice"}'), []);
});
