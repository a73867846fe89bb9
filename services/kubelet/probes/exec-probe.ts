// exec probes: the command run in the container through the runtime (CRI ExecSync); exit code 0
// is success, any other a failure whose output is the command's; a command that outlives the
// timeout fails as "command ... timed out".
import type { PodRuntime } from '../runtime/pod-runtime.js';
import { failure, probeError, success, type ProbeOutcome } from './probe-outcome.js';

export async function execProbe(runtime: PodRuntime, uid: string, container: string, command: string[], timeoutSeconds: number): Promise<ProbeOutcome> {
  if (!runtime.execSync) return probeError('the runtime cannot run commands in containers');
  try {
    const result = await runtime.execSync(uid, container, command, timeoutSeconds);
    const output = `${result.stdout}${result.stderr}`;
    return result.exitCode === 0 ? success(output) : failure(output);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/deadline|timed? ?out/i.test(message)) return failure(`command ${JSON.stringify(command.join(' '))} timed out`);
    return probeError(message);
  }
}
