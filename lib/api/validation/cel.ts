// CEL expressions of admission policies and webhook match conditions are checked for syntax when
// they are stored, as Kubernetes compiles them then. Rudder parses them with @marcbachmann/cel-js
// (optional types on, as Kubernetes enables them); it does not type-check them against the
// variables Kubernetes declares (object, oldObject, request, params, ...), so only syntax errors
// are refused. The message keeps Kubernetes' "compilation failed: ERROR: <input>:line:column:" form.
import { Environment } from '@marcbachmann/cel-js';

const ENVIRONMENT = new Environment({ enableOptionalTypes: true, unlistedVariablesAreDyn: true });

/** Where the parser's caret points: "> 1 | a +" followed by a line with "^" under the spot. */
function position(message: string): { line: number; column: number } | undefined {
  const lines = message.split('\n');
  const source = lines.findIndex((l) => /^>\s*\d+ \| /.test(l));
  if (source < 0) return undefined;
  const sourceLine = lines[source]!;
  const prefix = /^>\s*(\d+) \| /.exec(sourceLine)!;
  const caret = lines[source + 1]?.indexOf('^') ?? -1;
  if (caret < 0) return undefined;
  return { line: Number(prefix[1]), column: Math.max(1, caret - prefix[0].length + 1) };
}

/** The compilation error Kubernetes would report for a syntax error, or undefined when it parses. */
export function celSyntaxError(expression: string): string | undefined {
  try {
    ENVIRONMENT.parse(expression);
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const where = position(message);
    const first = message.split('\n', 1)[0]!;
    return `compilation failed: ERROR: <input>:${where ? `${where.line}:${where.column}` : '1:1'}: Syntax error: ${first}`;
  }
}
