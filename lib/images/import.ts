// Imports OCI archives into a containerd's k8s.io namespace (the one its CRI plugin serves) with
// `ctr images import`, unpacked for the default snapshotter, so pods can use them at once.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function importImageArchive(containerdSocket: string, archive: string): Promise<void> {
  try {
    await run('ctr', ['--address', containerdSocket, '--namespace', 'k8s.io', 'images', 'import', archive], { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`ctr images import ${archive} failed${stderr ? `: ${stderr}` : ''}`);
  }
}
