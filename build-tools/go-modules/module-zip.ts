// Opens a Go module zip and proves it is the module go.sum names: the "h1:" hash is Go's
// dirhash.Hash1 — SHA-256 over the sorted "<sha256 hex>  <file name>\n" lines of every file.
import { createHash } from 'node:crypto';
import { unzipSync } from 'fflate';

export type ModuleFiles = Map<string, Uint8Array>;

/** Every file of the zip, named relative to the module root (the "path@version/" prefix removed). */
export function readModuleZip(zip: Uint8Array, module: { path: string; version: string }): { files: ModuleFiles; h1: string } {
  const entries = unzipSync(zip);
  const names = Object.keys(entries)
    .filter((name) => !name.endsWith('/'))
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const summary = createHash('sha256');
  const files: ModuleFiles = new Map();
  const prefix = `${module.path}@${module.version}/`;
  for (const name of names) {
    const content = entries[name]!;
    summary.update(`${createHash('sha256').update(content).digest('hex')}  ${name}\n`);
    if (!name.startsWith(prefix)) throw new Error(`module zip entry ${JSON.stringify(name)} is outside ${prefix}`);
    files.set(name.slice(prefix.length), content);
  }
  return { files, h1: `h1:${summary.digest('base64')}` };
}
