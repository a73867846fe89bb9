// Where Rudder keeps what it builds once per machine (images made from local binaries, module
// files): the same place for the CLI, the build tools and the tests.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** $RUDDER_CACHE_DIR, else $XDG_CACHE_HOME/rudder, else ~/.cache/rudder. */
export function rudderCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RUDDER_CACHE_DIR) return env.RUDDER_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'rudder');
}
