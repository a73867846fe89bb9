// The processes a local cluster runs and the flags each gets, in start order. Every component
// `rudder up` starts is listed here, so adding one to the cluster is one entry.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/ of this checkout: the compiled services live beside the compiled CLI. */
const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ComponentSpec {
  name: string;
  /** Compiled entry point. */
  entry: string;
  args: string[];
  /** Base URL of its health endpoints. */
  url: string;
  /** Wait for this component to be ready before starting the next one. */
  readyBeforeNext: boolean;
}

export interface ClusterLayout {
  dataDir: string;
  bindAddress: string;
  apiserverPort: number;
  logLevel: string;
}

export function pkiDir(dataDir: string): string {
  return join(dataDir, 'pki');
}

export function tokenFile(dataDir: string): string {
  return join(dataDir, 'tokens.csv');
}

export function kubeconfigPath(dataDir: string): string {
  return join(dataDir, 'kubeconfig');
}

export function apiserverUrl(layout: ClusterLayout): string {
  const host = layout.bindAddress === '0.0.0.0' ? '127.0.0.1' : layout.bindAddress;
  return `https://${host}:${layout.apiserverPort}`;
}

export function clusterComponents(layout: ClusterLayout): ComponentSpec[] {
  const { dataDir } = layout;
  return [
    {
      name: 'apiserver',
      entry: join(DIST, 'services', 'apiserver', 'main.js'),
      args: [
        '--data-dir', join(dataDir, 'apiserver'),
        '--cert-dir', pkiDir(dataDir),
        '--token-auth-file', tokenFile(dataDir),
        '--bind-address', layout.bindAddress,
        '--secure-port', String(layout.apiserverPort),
        '--log-level', layout.logLevel,
      ],
      url: apiserverUrl(layout),
      readyBeforeNext: true,
    },
  ];
}
