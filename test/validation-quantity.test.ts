// Resource quantities: parsing, canonical text and comparison as apimachinery does them.
import t from 'tap';
import { canonicalQuantity, compareQuantities, formatQuantity, parseQuantity, quantityMilliValue, quantityValue } from '../lib/api/validation/quantity.js';

t.test('canonical forms', async (t) => {
  const cases: [string | number, string][] = [
    ['0', '0'],
    ['0.5', '500m'],
    ['1.5', '1500m'],
    ['1000m', '1'],
    ['1500', '1500'],
    ['2000', '2k'],
    ['1024', '1024'],
    ['1024Mi', '1Gi'],
    ['1.5Gi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['512Ki', '512Ki'],
    ['12e6', '12e6'],
    ['1.5e3', '1500'],
    ['129M', '129M'],
    ['01', '1'],
    ['+1', '1'],
    ['-1', '-1'],
    ['1E', '1E'],
    [0.25, '250m'],
    [2, '2'],
  ];
  for (const [input, expected] of cases) t.equal(formatQuantity(parseQuantity(input)), expected, String(input));
});

t.test('resource lists are rounded up to milli-units when stored', async (t) => {
  t.equal(canonicalQuantity('100u', true), '1m');
  t.equal(canonicalQuantity('0.1m', true), '1m');
  t.equal(canonicalQuantity('100u'), '100u');
  t.equal(canonicalQuantity('nonsense', true), undefined);
});

t.test('comparison is by value, across suffixes', async (t) => {
  t.equal(compareQuantities(parseQuantity('1Gi'), parseQuantity('1024Mi')), 0);
  t.equal(compareQuantities(parseQuantity('1G'), parseQuantity('1Gi')), -1);
  t.equal(compareQuantities(parseQuantity('0.5'), parseQuantity('500m')), 0);
  t.equal(compareQuantities(parseQuantity('2'), parseQuantity('1999m')), 1);
  t.equal(quantityMilliValue(parseQuantity('1.5')), 1500n);
  t.equal(quantityValue(parseQuantity('1500m')), 2n, 'Value() rounds up');
});

t.test('parse errors use apimachinery messages', async (t) => {
  const format = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  for (const bad of ['', 'abc', '1GB', '1.2.3', '1 Gi']) t.throws(() => parseQuantity(bad), { message: format }, bad);
  t.throws(() => parseQuantity('1ki'), { message: "unable to parse quantity's suffix" });
});
