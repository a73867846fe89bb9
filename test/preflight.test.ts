// The pieces of `rudder up`'s preflight: which failures --ignore-preflight-errors turns into
// warnings (names as kubeadm takes them: case-insensitive, or `all`), the lines printed, and the
// listener table that tells whether a port is taken where the apiserver will listen, also on an
// address no interface has yet (the nodes' bridge address before the bridge exists).
import { createServer, type Server } from 'node:net';
import t from 'tap';
import { formatOutcome, parseIgnored, sortFailures } from '../cli/cluster/preflight.js';
import { tcpPortTaken } from '../lib/host/tcp-listeners.js';
import { freePort } from '../lib/process/ports.js';

const failures = [
  { check: 'Port-6443', message: 'port 6443 is in use.' },
  { check: 'FileExisting-runc', message: 'runc is missing.' },
];

t.test('--ignore-preflight-errors makes the named checks warnings, case-insensitively, or all of them', async (t) => {
  t.same(sortFailures(failures, parseIgnored('')).errors.map((f) => f.check), ['Port-6443', 'FileExisting-runc']);
  const some = sortFailures(failures, parseIgnored('port-6443, Unknown'));
  t.same([some.errors.map((f) => f.check), some.warnings.map((f) => f.check)], [['FileExisting-runc'], ['Port-6443']]);
  t.same(sortFailures(failures, parseIgnored('all')).errors, []);
});

t.test('the lines: warnings, errors, then how to go on anyway; nothing when every check passed', async (t) => {
  t.same(formatOutcome(sortFailures(failures, parseIgnored('Port-6443'))), [
    'rudder: [preflight] warning Port-6443 (ignored): port 6443 is in use.',
    'rudder: [preflight] FileExisting-runc: runc is missing.',
    'rudder: [preflight] nothing was started. To go on anyway: --ignore-preflight-errors=FileExisting-runc',
  ]);
  t.same(formatOutcome({ errors: [], warnings: [] }), []);
});

function listen(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port }, () => resolve(server));
  });
}

t.test('a listener on loopback takes its port on loopback and for a wildcard bind, not on another address; a wildcard listener takes it everywhere', { skip: process.platform === 'linux' ? false : 'reads /proc/net/tcp' }, async (t) => {
  const port = await freePort();
  t.equal(tcpPortTaken('127.0.0.1', port), false, 'free before');
  const loopback = await listen('127.0.0.1', port);
  t.equal(tcpPortTaken('127.0.0.1', port), true);
  t.equal(tcpPortTaken('0.0.0.0', port), true);
  t.equal(tcpPortTaken('10.213.250.1', port), false, 'a bridge address is not taken by a loopback listener');
  await new Promise((resolve) => loopback.close(resolve));

  const wildcard = await listen('::', port);
  t.equal(tcpPortTaken('10.213.250.1', port), true, 'a wildcard listener takes the port on every address');
  await new Promise((resolve) => wildcard.close(resolve));
  t.equal(tcpPortTaken('127.0.0.1', port), false, 'free after');
});
