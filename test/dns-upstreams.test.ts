// Where the cluster DNS sends names outside the cluster: --upstream addresses, else the host's
// resolv.conf nameservers, never its own address (a loop).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { parseResolvConf } from '../lib/host/resolv-conf.js';
import { chooseUpstreams, parseUpstream } from '../services/dns/upstreams.js';

t.test('upstream addresses', async (t) => {
  t.same(parseUpstream('10.0.0.2'), { host: '10.0.0.2', port: 53 });
  t.same(parseUpstream('127.0.0.1:5353'), { host: '127.0.0.1', port: 5353 });
  t.same(parseUpstream('[fd00::53]:5353'), { host: 'fd00::53', port: 5353 });
  t.same(parseUpstream('fd00::53'), { host: 'fd00::53', port: 53 });
  t.throws(() => parseUpstream('10.0.0.2:99999'), /host\[:port\]/);
});

t.test('resolv.conf: nameservers, the last search line, options; comments ignored', async (t) => {
  t.same(parseResolvConf('# made by hand\nnameserver 10.0.0.2\nnameserver fe80::1%eth0 ; link-local\nsearch a.example\nsearch b.example c.example\noptions ndots:2 edns0\n'), {
    nameservers: ['10.0.0.2', 'fe80::1'],
    searches: ['b.example', 'c.example'],
    options: ['ndots:2', 'edns0'],
  });
});

t.test('the host\'s nameservers unless upstreams are given, never this server itself', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-dns-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const resolvConf = join(dir, 'resolv.conf');
  writeFileSync(resolvConf, 'nameserver 10.213.0.1\nnameserver 192.0.2.53\n');
  t.same(chooseUpstreams([], resolvConf, { host: '10.213.0.1', port: 53 }), [{ host: '192.0.2.53', port: 53 }]);
  t.same(chooseUpstreams(['127.0.0.1:5300'], resolvConf, { host: '10.213.0.1', port: 53 }), [{ host: '127.0.0.1', port: 5300 }]);
});
