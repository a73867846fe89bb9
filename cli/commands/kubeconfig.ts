// rudder kubeconfig: prints the cluster's kubeconfig (or its path with --path). For a cluster
// `rudder up` did not start (docker compose), --server builds one from the data directory's CA and
// admin token.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderKubeconfig } from '../../lib/client/kubeconfig.js';
import { ensureTokenFile } from '../../lib/pki/tokens.js';
import { pkiPaths } from '../../lib/pki/certs.js';
import { kubeconfigPath, pkiDir, tokenFile } from '../cluster/components.js';

export function kubeconfig(options: { dataDir: string; path: boolean; server?: string }): number {
  const dataDir = resolve(options.dataDir);
  const path = kubeconfigPath(dataDir);
  if (options.server) {
    const ca = pkiPaths(pkiDir(dataDir)).caCert;
    if (!existsSync(ca) || !existsSync(tokenFile(dataDir))) {
      process.stderr.write(`rudder: ${dataDir} has no cluster CA or token file yet; start the apiserver first.\n`);
      return 1;
    }
    process.stdout.write(renderKubeconfig({ name: 'rudder', server: options.server, caPem: readFileSync(ca, 'utf8'), token: ensureTokenFile(tokenFile(dataDir)) }));
    return 0;
  }
  if (!existsSync(path)) {
    process.stderr.write(`rudder: no kubeconfig at ${path}; start the cluster with "rudder up" first (or pass --server for a cluster it did not start).\n`);
    return 1;
  }
  process.stdout.write(options.path ? `${path}\n` : readFileSync(path, 'utf8'));
  return 0;
}
