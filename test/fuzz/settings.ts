// How long the apiserver fuzz runs and how to replay it. `npm test` uses each property's default
// number of runs (about a minute in all on two cores); RUDDER_FUZZ_RUNS=N runs every property N
// times; RUDDER_FUZZ_SEED (and RUDDER_FUZZ_PATH, both printed by fast-check on a failure) replay
// a failing run. The server keeps what earlier runs stored, so a failure that depends on it
// replays from the seed alone (every run again), not from the path.
import type fc from 'fast-check';

function envInteger(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got ${JSON.stringify(text)}`);
  return value;
}

/** fast-check parameters for a fuzz property whose default is `defaultRuns` runs. */
export function fuzzParameters<T>(defaultRuns: number): fc.Parameters<T> {
  const seed = envInteger('RUDDER_FUZZ_SEED');
  const path = process.env.RUDDER_FUZZ_PATH;
  return {
    numRuns: envInteger('RUDDER_FUZZ_RUNS') ?? defaultRuns,
    ...(seed === undefined ? {} : { seed }),
    ...(path === undefined || path === '' ? {} : { path }),
    maxSkipsPerRun: 10,
  };
}

/** Whether the run is longer than npm test's (progress lines are worth printing then). */
export function longRun(): boolean {
  return envInteger('RUDDER_FUZZ_RUNS') !== undefined;
}
