// A component that cannot start (its port is taken) exits 1 with the cause in its log, so its
// supervisor sees a failed start; it neither stays up serving nothing nor ends with status 0.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { startApiserver } from '../../lib/launch/apiserver-process.js';
import { DIST } from '../helpers/paths.js';

function exitOf(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

t.test('an apiserver, a scheduler and the DNS whose port is taken exit 1 and say why', async (t) => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  t.teardown(() => taken.close());
  const address = taken.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const dataDir = mkdtempSync(join(tmpdir(), 'rudder-start-failure-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const apiserver = await exitOf([join(DIST, 'services/apiserver/main.js'), '--data-dir', dataDir, '--secure-port', String(port)]);
  t.equal(apiserver.code, 1, apiserver.output);
  t.match(apiserver.output, /failed to start/);
  t.match(apiserver.output, /EADDRINUSE/);

  const server = await startApiserver();
  t.teardown(() => server.stop());
  const scheduler = await exitOf([join(DIST, 'services/scheduler/main.js'), '--kubeconfig', server.kubeconfig, '--secure-port', String(port), '--leader-elect=false']);
  t.equal(scheduler.code, 1, scheduler.output);
  t.match(scheduler.output, /failed to start/);
  t.match(scheduler.output, /EADDRINUSE/);

  const dns = await exitOf([join(DIST, 'services/dns/main.js'), '--kubeconfig', server.kubeconfig, '--dns-bind-address', `127.0.0.1:0`, '--metrics-bind-address', `127.0.0.1:${port}`, '--upstream', '127.0.0.1:53']);
  t.equal(dns.code, 1, dns.output);
  t.match(dns.output, /failed to start/);
  t.match(dns.output, /EADDRINUSE/);
});
