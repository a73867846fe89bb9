// Imports OCI archives into a containerd's k8s.io namespace (the one its CRI plugin serves) with
// `ctr images import`, unpacked for the default snapshotter, so pods can use them at once.
import { runCommand } from '../process/run.js';

export async function importImageArchive(containerdSocket: string, archive: string): Promise<void> {
  await runCommand('ctr', ['--address', containerdSocket, '--namespace', 'k8s.io', 'images', 'import', archive]);
}
