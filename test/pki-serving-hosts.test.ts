// The serving certificate follows the addresses the cluster is reached on: a data dir made for
// loopback, started again with nodes (whose processes reach the apiserver on the node bridge), gets
// a certificate naming the new addresses from the same CA; one that already names them is kept.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ensurePki } from '../lib/pki/certs.js';

t.test('ensurePki issues the serving certificate again when it lacks an address, under the same CA', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-pki-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));

  // 1. a loopback-only cluster
  const paths = await ensurePki(dir, ['localhost', '127.0.0.1']);
  const ca = readFileSync(paths.caCert, 'utf8');
  const first = new X509Certificate(readFileSync(paths.serverCert));
  t.equal(first.checkIP('10.213.0.1'), undefined, 'the first certificate does not name the bridge address');

  // 2. the same data dir with nodes: the bridge and node addresses are added
  await ensurePki(dir, ['localhost', '127.0.0.1', '10.213.0.1', '10.213.0.2']);
  const second = new X509Certificate(readFileSync(paths.serverCert));
  t.equal(second.checkIP('10.213.0.1'), '10.213.0.1');
  t.equal(second.checkIP('10.213.0.2'), '10.213.0.2');
  t.equal(second.checkHost('localhost'), 'localhost', 'it still names loopback');
  t.equal(readFileSync(paths.caCert, 'utf8'), ca, 'the CA is kept');
  t.ok(second.checkIssued(new X509Certificate(ca)), 'signed by that CA');

  // 3. asked for fewer names than it has: kept as it is
  await ensurePki(dir, ['127.0.0.1', '10.213.0.1']);
  t.equal(new X509Certificate(readFileSync(paths.serverCert)).serialNumber, second.serialNumber, 'not issued again');
});
