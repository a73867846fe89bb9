// rudder down: stops the supervisor (which stops the components in reverse order and removes the
// nodes), then makes sure no component it recorded is left running and nothing the nodes' record
// lists is left on the host (after a supervisor that was killed, or a host reboot).
import { resolve } from 'node:path';
import { cleanupRecorded } from '../../lib/local-nodes/cleanup.js';
import { MadeRecord, recordPath } from '../../lib/local-nodes/record.js';
import { isAlive, terminate } from '../cluster/process.js';
import { readState, removeState } from '../cluster/state.js';

export async function down(options: { dataDir: string }): Promise<number> {
  const dataDir = resolve(options.dataDir);
  const state = readState(dataDir);
  const record = new MadeRecord(recordPath(dataDir));
  const nodesLeft = record.read().length > 0;
  if (!state && !nodesLeft) {
    process.stdout.write(`No Rudder cluster is running from ${dataDir}.\n`);
    return 0;
  }
  if (state) {
    await terminate(state.supervisorPid, 30_000);
    for (const component of [...state.components].reverse()) {
      if (isAlive(component.pid)) await terminate(component.pid, 10_000);
    }
  }
  try {
    // what the supervisor removes as it stops; left only when it could not
    if (record.read().length > 0) await cleanupRecorded(record);
  } catch (error) {
    process.stderr.write(`rudder: ${(error as Error).message}\n`);
    return 1;
  }
  removeState(dataDir);
  process.stdout.write('Rudder is stopped.\n');
  return 0;
}
