// rudder kubeconfig: prints the cluster's kubeconfig (or its path with --path).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { kubeconfigPath } from '../cluster/components.js';

export function kubeconfig(options: { dataDir: string; path: boolean }): number {
  const path = kubeconfigPath(resolve(options.dataDir));
  if (!existsSync(path)) {
    process.stderr.write(`rudder: no kubeconfig at ${path}; start the cluster with "rudder up" first.\n`);
    return 1;
  }
  process.stdout.write(options.path ? `${path}\n` : readFileSync(path, 'utf8'));
  return 0;
}
