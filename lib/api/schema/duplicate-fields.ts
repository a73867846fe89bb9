// Duplicate keys in a JSON body. JSON.parse keeps the last value of a repeated key without a
// word, as Go's encoding/json does; Kubernetes' strict decoder (sigs.k8s.io/json) also reports
// each repeat as `duplicate field "metadata.name"`, an error under fieldValidation=Strict and a
// warning under Warn. The parsed value cannot tell, so the text is scanned once more, with
// jsonc-parser's event visitor (no tree is built).
import { visit } from 'jsonc-parser';

/** Kubernetes caps the strict-decoding findings it collects per request. */
const MAX_FINDINGS = 100;

function pathText(path: readonly (string | number)[]): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : text === '' ? part : `.${part}`;
  return text;
}

/**
 * Whether `text` may repeat a key, given that parsing it gave `parsedKeys` object keys: every key
 * in the text is a string followed by a colon, so a text without more such places than the parse
 * kept keys repeats none (string values holding `":` only make this answer yes needlessly).
 */
export function mayRepeatKeys(text: string, parsedKeys: number): boolean {
  const keyEnd = /"\s*:/g;
  let places = 0;
  while (keyEnd.exec(text) !== null) {
    if (++places > parsedKeys) return true;
  }
  return false;
}

/** `duplicate field "<path>"` for each repeated key in `text`, in document order. */
export function duplicateFields(text: string): string[] {
  const found: string[] = [];
  const open: Set<string>[] = [];
  visit(
    text,
    {
      onObjectBegin: () => {
        open.push(new Set());
      },
      onObjectEnd: () => {
        open.pop();
      },
      onObjectProperty: (property, _offset, _length, _line, _column, pathSupplier) => {
        const keys = open[open.length - 1];
        if (!keys) return;
        if (keys.has(property)) {
          if (found.length < MAX_FINDINGS) found.push(`duplicate field ${JSON.stringify(pathText([...pathSupplier(), property]))}`);
        } else {
          keys.add(property);
        }
      },
    },
    { disallowComments: true },
  );
  return found;
}
