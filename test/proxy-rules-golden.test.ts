// Golden rulesets in kube-proxy's test normalisation: each test/fixtures/proxy/NAME.yaml
// (Services and EndpointSlices) compiled with the flags in NAME.args by `rudder proxy-rules`,
// with the native and the reference compiler, equals NAME.rules. kube-proxy-overall.rules is
// kube-proxy's own expected output for its TestOverallIPTablesRules; the cluster-* rules were
// checked against a real kube-proxy 1.36 (see kube-proxy-compare and the README).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { Command, Option } from 'commander';
import { proxyRulesText, type ProxyRulesOptions } from '../cli/commands/proxy-rules.js';
import { nativeProxyRules } from '../lib/native/proxy.js';
import { compileReference } from '../lib/proxy/iptables.js';
import { ROOT } from './helpers/paths.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'proxy');

/** The flags of NAME.args as the command parses them. */
function parseArgs(line: string): Omit<ProxyRulesOptions, 'objects'> {
  const command = new Command()
    .option('--node-name <name>', '', '')
    .option('--cluster-cidr <cidr>')
    .option('--masquerade-bit <bit>', '', Number, 14)
    .option('--node-ip <ip...>', '', [])
    .addOption(new Option('--ip-family <family>').choices(['IPv4', 'IPv6']))
    .option('--localhost-nodeports', '', false)
    .option('--nfacct', '', false)
    .option('--random-fully', '', false);
  command.parse(line.trim().split(/\s+/), { from: 'user' });
  return { ...(command.opts() as Omit<ProxyRulesOptions, 'objects' | 'normalized' | 'reference'>), normalized: true, reference: false };
}

const native = nativeProxyRules();
const cases = readdirSync(FIXTURES).filter((f) => f.endsWith('.rules')).map((f) => f.slice(0, -'.rules'.length));

t.ok(cases.length >= 4, 'the fixtures are found');
for (const name of cases) {
  t.test(name, async (t) => {
    const objects = readFileSync(join(FIXTURES, `${name}.yaml`), 'utf8');
    const options = parseArgs(readFileSync(join(FIXTURES, `${name}.args`), 'utf8'));
    const expected = readFileSync(join(FIXTURES, `${name}.rules`), 'utf8');
    t.equal(proxyRulesText(objects, options, native.compile), expected, 'native compiler');
    t.equal(proxyRulesText(objects, options, compileReference), expected, 'reference compiler');
  });
}
