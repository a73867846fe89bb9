// lib/native types the addon with the declarations napi-rs generates (native/index.d.ts). The
// project compiles with skipLibCheck, which would let a name the generator could not declare
// silently become `any`; this checks the declarations on their own, strictly.
import { join } from 'node:path';
import t from 'tap';
import ts from 'typescript';
import { ROOT } from './helpers/paths.js';

t.test('the generated declarations are complete and strict', async (t) => {
  const file = join(ROOT, 'native', 'index.d.ts');
  const program = ts.createProgram([file], { strict: true, noEmit: true, skipLibCheck: false, types: ['node'], lib: ['lib.es2023.d.ts'] });
  const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  t.same(problems, []);
  const text = program.getSourceFile(file)?.text ?? '';
  t.match(text, /export interface StoreStatus \{/, 'StoreStatus is declared once, from crates/napi');
  t.match(text, /role: 'leader' \| 'follower' \| 'candidate'/);
  t.match(text, /setListener\(listener: \(notice: Buffer\) => void\): void/);
});
