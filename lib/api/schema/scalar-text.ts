// Text formats that Kubernetes' Go types parse while decoding a request body, and the exact
// error each parser returns: resource.Quantity, metav1.Time / MicroTime (time.Parse with
// RFC 3339 layouts) and []byte fields (standard padded base64). Each function returns the
// error text, or undefined when the text is accepted.

const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";
const QUANTITY_SHAPE = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const QUANTITY_SUFFIXES = new Set(['', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei']);

/** resource.ParseQuantity on the raw JSON text (string contents, or a number's literal). */
export function quantityError(text: string): string | undefined {
  const trimmed = text.trim();
  const shape = QUANTITY_SHAPE.exec(trimmed);
  if (!shape) return QUANTITY_FORMAT_ERROR;
  const suffix = shape[1]!;
  if (QUANTITY_SUFFIXES.has(suffix) || /^[eE][-+]?[0-9]+$/.test(suffix)) return undefined;
  return QUANTITY_SUFFIX_ERROR;
}

export const RFC3339 = '2006-01-02T15:04:05Z07:00';
export const RFC3339_MICRO = '2006-01-02T15:04:05.000000Z07:00';

type Element = { layout: string; kind: 'literal' } | { layout: string; kind: 'number'; digits: 1 | 2 | 4; fixed: boolean; range?: [number, number, string] };

function layoutElements(micro: boolean): Element[] {
  const lit = (layout: string): Element => ({ layout, kind: 'literal' });
  return [
    { layout: '2006', kind: 'number', digits: 4, fixed: true },
    lit('-'),
    { layout: '01', kind: 'number', digits: 2, fixed: true, range: [1, 12, 'month'] },
    lit('-'),
    { layout: '02', kind: 'number', digits: 2, fixed: true, range: [1, 31, 'day'] },
    lit('T'),
    { layout: '15', kind: 'number', digits: 2, fixed: false, range: [0, 23, 'hour'] },
    lit(':'),
    { layout: '04', kind: 'number', digits: 2, fixed: true, range: [0, 59, 'minute'] },
    lit(':'),
    { layout: micro ? '05.000000' : '05', kind: 'number', digits: 2, fixed: true, range: [0, 59, 'second'] },
  ];
}

function quote(text: string): string {
  return JSON.stringify(text);
}

/** time.Parse(layout, text) for the two layouts metav1 uses; the error worded as Go's ParseError. */
export function timeError(text: string, layout: typeof RFC3339 | typeof RFC3339_MICRO): string | undefined {
  const micro = layout === RFC3339_MICRO;
  const cannot = (valueElem: string, layoutElem: string): string =>
    `parsing time ${quote(text)} as ${quote(layout)}: cannot parse ${quote(valueElem)} as ${quote(layoutElem)}`;
  const outOfRange = (what: string): string => `parsing time ${quote(text)}: ${what} out of range`;
  let rest = text;
  const fields: number[] = [];
  for (const element of layoutElements(micro)) {
    if (element.kind === 'literal') {
      if (!rest.startsWith(element.layout)) return cannot(rest, element.layout);
      rest = rest.slice(element.layout.length);
      continue;
    }
    let digits = 0;
    while (digits < element.digits && /[0-9]/.test(rest.charAt(digits))) digits++;
    if (digits === 0 || (element.fixed && digits < element.digits)) return cannot(rest, element.layout);
    const value = Number(rest.slice(0, digits));
    rest = rest.slice(digits);
    if (element.range && (value < element.range[0] || value > element.range[1])) return outOfRange(element.range[2]);
    fields.push(value);
    if (element.layout.startsWith('05')) {
      const fraction = /^[.,][0-9]+/.exec(rest);
      if (micro && (!fraction || fraction[0].length !== 7)) return cannot(rest, '.000000');
      if (fraction) rest = rest.slice(fraction[0].length);
    }
  }
  if (rest.startsWith('Z')) {
    rest = rest.slice(1);
  } else {
    const zone = /^[+-]([0-9]{2}):([0-9]{2})/.exec(rest);
    if (!zone) return cannot(rest, 'Z07:00');
    if (Number(zone[1]) > 24) return outOfRange('time zone offset hour');
    if (Number(zone[2]) > 60) return outOfRange('time zone offset minute');
    rest = rest.slice(zone[0].length);
  }
  if (rest.length > 0) return `parsing time ${quote(text)}: extra text: ${quote(rest)}`;
  const [year, month, day] = fields as [number, number, number];
  if (day > daysIn(year, month)) return outOfRange('day');
  return undefined;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const BASE64_ALPHABET = /[A-Za-z0-9+/]/;

/** base64.StdEncoding.Decode: padded, CR and LF ignored; the offset is a byte index of the input. */
export function base64Error(text: string): string | undefined {
  const corrupt = (offset: number): string => `illegal base64 data at input byte ${offset}`;
  let inQuantum = 0;
  let quantumStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '\n' || c === '\r') continue;
    if (inQuantum === 0) quantumStart = i;
    if (c === '=') {
      if (inQuantum < 2) return corrupt(i);
      let missing = 4 - inQuantum - 1;
      let j = i + 1;
      for (; missing > 0 && j < text.length; j++) {
        const p = text.charAt(j);
        if (p === '\n' || p === '\r') continue;
        if (p !== '=') return corrupt(j);
        missing--;
      }
      if (missing > 0) return corrupt(text.length);
      for (; j < text.length; j++) {
        const p = text.charAt(j);
        if (p !== '\n' && p !== '\r') return corrupt(j);
      }
      return undefined;
    }
    if (!BASE64_ALPHABET.test(c)) return corrupt(i);
    inQuantum = (inQuantum + 1) % 4;
  }
  return inQuantum === 0 ? undefined : corrupt(quantumStart);
}
