// Which folders may import which: the running processes never load build-time code, and lib/api
// (schemas, codecs, validation) stays plain TypeScript, free of the native addon.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import t from 'tap';
import { ROOT } from './helpers/paths.js';

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/g;

function importsOf(file: string): string[] {
  return [...readFileSync(join(ROOT, file), 'utf8').matchAll(IMPORT)].map((m) => join(file, '..', m[1]!));
}

t.test('nothing the processes run imports build-tools/', async (t) => {
  const offenders = ['lib', 'services', 'cli'].flatMap(sources).filter((file) => importsOf(file).some((target) => target.startsWith('build-tools/')));
  t.same(offenders, []);
});

t.test('lib/api does not import the native addon or its declarations', async (t) => {
  const offenders = sources('lib/api').filter((file) => importsOf(file).some((target) => target.startsWith('lib/native/') || target.startsWith('native/')));
  t.same(offenders, []);
});
