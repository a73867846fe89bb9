// Where module files live on this machine between builds: Rudder's own cache of the few files
// a build keeps, and Go's module cache, whose zips (left there by `go build`, e.g. of the
// kube-peers) spare a download.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { escapeModulePath } from './go-proxy.js';
import type { GoModule } from './go-module.js';

export { rudderCacheDir } from '../../lib/host/cache-dir.js';

/** Go's GOMODCACHE: $GOMODCACHE, else the first $GOPATH entry's pkg/mod, else ~/go/pkg/mod. */
export function goModCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GOMODCACHE) return env.GOMODCACHE;
  const gopath = env.GOPATH?.split(delimiter).find((entry) => entry !== '');
  return join(gopath ?? join(homedir(), 'go'), 'pkg', 'mod');
}

/** The module's zip as `go mod download` keeps it, when it is there. */
export function goModCacheZip(module: Pick<GoModule, 'path' | 'version'>, goModCache: string): string | undefined {
  const zip = join(goModCache, 'cache', 'download', escapeModulePath(module.path), '@v', `${escapeModulePath(module.version)}.zip`);
  return existsSync(zip) ? zip : undefined;
}
