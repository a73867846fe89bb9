// rudder down: stops the supervisor (which stops the components in reverse order), then makes
// sure no component it recorded is left running.
import { resolve } from 'node:path';
import { isAlive, terminate } from '../cluster/process.js';
import { readState, removeState } from '../cluster/state.js';

export async function down(options: { dataDir: string }): Promise<number> {
  const dataDir = resolve(options.dataDir);
  const state = readState(dataDir);
  if (!state) {
    process.stdout.write(`No Rudder cluster is running from ${dataDir}.\n`);
    return 0;
  }
  await terminate(state.supervisorPid, 30_000);
  for (const component of [...state.components].reverse()) {
    if (isAlive(component.pid)) await terminate(component.pid, 10_000);
  }
  removeState(dataDir);
  process.stdout.write('Rudder is stopped.\n');
  return 0;
}
