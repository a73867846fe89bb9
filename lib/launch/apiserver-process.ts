// Starts the real apiserver (dist/services/apiserver/main.js) as a child process on a free
// loopback port with its own data directory, waits for /readyz, and writes a kubeconfig for it.
// Tests and benchmarks use it to run the component exactly as users do.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeKubeconfig } from '../client/kubeconfig.js';
import { ensureTokenFile } from '../pki/tokens.js';
import { freePort } from '../process/ports.js';
import { captureOutput, signalAndWait } from '../process/child.js';

/** dist/ of this checkout (this file compiles to dist/lib/launch/). */
const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ApiserverProcess {
  url: string;
  port: number;
  dataDir: string;
  kubeconfig: string;
  token: string;
  caPem: string;
  child: ChildProcess;
  /** Output so far (stdout and stderr), for failure messages. */
  output(): string;
  /** Restarts on the same port and data directory (after a stop or kill). */
  restart(): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  dataDir?: string;
  extraArgs?: string[];
  env?: NodeJS.ProcessEnv;
  /** HTTPS port (default: a free one). */
  port?: number;
  /** Shared cluster CA and serving certificate (default: <dataDir>/pki, made by the apiserver). */
  certDir?: string;
  /** Shared token file (default: <dataDir>/tokens.csv). */
  tokenFile?: string;
  /** How long to wait for /readyz (default 30 s). */
  readyTimeoutMs?: number;
}

function get(url: string, caPem: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { ca: caPem, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

export async function startApiserver(options: StartOptions = {}): Promise<ApiserverProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'rudder-apiserver-'));
  const ownsDir = options.dataDir === undefined;
  const port = options.port ?? (await freePort());
  const certDir = options.certDir ?? join(dataDir, 'pki');
  const tokenFile = options.tokenFile ?? join(dataDir, 'tokens.csv');
  const token = ensureTokenFile(tokenFile);
  const shared = [...(options.certDir ? ['--cert-dir', options.certDir] : []), ...(options.tokenFile ? ['--token-auth-file', options.tokenFile] : [])];
  let output = '';
  let child: ChildProcess;

  const launch = async (): Promise<void> => {
    child = spawn(process.execPath, [join(DIST, 'services', 'apiserver', 'main.js'), '--data-dir', dataDir, '--secure-port', String(port), '--log-level', 'warn', ...shared, ...(options.extraArgs ?? [])], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
    });
    captureOutput(child, (text) => (output += text));
    const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`apiserver exited with ${child.exitCode}:\n${output}`);
      let caPem = '';
      try {
        caPem = readFileSync(join(certDir, 'ca.crt'), 'utf8');
      } catch {
        await sleep(50);
        continue;
      }
      if ((await get(`https://127.0.0.1:${port}/readyz`, caPem)) === 200) return;
      await sleep(50);
    }
    throw new Error(`apiserver did not become ready:\n${output}`);
  };
  await launch();
  const caPem = readFileSync(join(certDir, 'ca.crt'), 'utf8');
  const url = `https://127.0.0.1:${port}`;
  const kubeconfig = join(dataDir, 'kubeconfig');
  writeKubeconfig(kubeconfig, { name: 'rudder', server: url, caPem, token });

  return {
    url,
    port,
    dataDir,
    kubeconfig,
    token,
    caPem,
    get child() {
      return child;
    },
    output: () => output,
    restart: launch,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      await signalAndWait(child, signal);
    },
    async stop() {
      await signalAndWait(child, 'SIGTERM');
      if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
