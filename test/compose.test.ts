// docker-compose.yml and the Dockerfile are checked statically (no Docker engine here): the
// compose cluster runs the same components as `rudder up`, each entry point exists in the build,
// and every flag it passes is one the component accepts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { parseOptions, type OptionSpecs } from '../lib/config/options.js';
import { apiserverOptions } from '../services/apiserver/options.js';
import { controllerManagerOptions } from '../services/controller-manager/options.js';
import { dnsOptions } from '../services/dns/options.js';
import { kubeletOptions } from '../services/kubelet/options.js';
import { schedulerOptions } from '../services/scheduler/options.js';
import { clusterComponents } from '../cli/cluster/components.js';
import { DIST, ROOT } from './helpers/paths.js';

/** Each component's entry point and its options: a new component must be added here, in compose and in rudder up. */
const COMPONENT_OPTIONS: Record<string, OptionSpecs> = {
  'dist/services/apiserver/main.js': apiserverOptions,
  'dist/services/scheduler/main.js': schedulerOptions,
  'dist/services/controller-manager/main.js': controllerManagerOptions,
  'dist/services/kubelet/main.js': kubeletOptions,
  'dist/services/dns/main.js': dnsOptions,
};

interface ComposeService {
  image?: string;
  command?: string[];
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };

t.test('every compose service runs a built entry point with flags it accepts', async (t) => {
  for (const [name, service] of Object.entries(compose.services)) {
    const [entry, ...args] = service.command ?? [];
    t.ok(entry && COMPONENT_OPTIONS[entry], `${name} runs a known component (${entry})`);
    if (!entry || !COMPONENT_OPTIONS[entry]) continue;
    t.ok(existsSync(join(DIST, '..', entry)), `${entry} is built`);
    t.doesNotThrow(() => parseOptions(name, COMPONENT_OPTIONS[entry]!, { argv: args, env: {} }), `${name}'s flags parse`);
    t.equal(service.image, 'rudder:latest');
  }
});

t.test('compose starts the same components as rudder up, with flags the components accept', async (t) => {
  const components = clusterComponents({ dataDir: '/data', bindAddress: '127.0.0.1', apiserverPort: 6443, logLevel: 'info', apiservers: 1, peerPort: 7443 });
  t.same(Object.keys(compose.services).sort(), components.map((c) => c.name).sort());
  for (const component of components) {
    const entry = `dist/${component.entry.split('/dist/')[1]}`;
    t.ok(COMPONENT_OPTIONS[entry], `${component.name} is described`);
    t.doesNotThrow(() => parseOptions(component.name, COMPONENT_OPTIONS[entry]!, { argv: component.args, env: {} }), `${component.name}'s rudder up flags parse`);
  }
});

t.test('rudder up --sim-nodes adds a kubelet whose flags parse', async (t) => {
  const components = clusterComponents({ dataDir: '/data', bindAddress: '127.0.0.1', apiserverPort: 6443, logLevel: 'info', apiservers: 1, peerPort: 7443, simNodes: 5000, kubeletPort: 10250 });
  const kubelet = components.find((c) => c.name === 'kubelet-sim');
  t.ok(kubelet, 'a kubelet-sim component');
  const parsed = parseOptions('kubelet-sim', kubeletOptions, { argv: kubelet!.args, env: {} });
  t.match(parsed, { runtime: 'sim', simNodes: 5000, clusterCidr: '100.64.0.0/10', port: 10250, rootDir: '/data/kubelet-sim' });
});

t.test('the compose scheduler reaches the apiserver by a name its certificate holds, after it is healthy', async (t) => {
  const scheduler = compose.services.scheduler as ComposeService & { depends_on?: Record<string, { condition: string }> };
  const apiserver = compose.services.apiserver as ComposeService & { networks?: { default?: { aliases?: string[] } } };
  const master = scheduler.command?.find((a) => a.startsWith('--master='))?.slice('--master='.length) ?? '';
  t.ok(apiserver.networks?.default?.aliases?.includes(new URL(master).hostname), `the apiserver answers to ${master}`);
  t.equal(scheduler.depends_on?.apiserver?.condition, 'service_healthy');
  const parsed = parseOptions('scheduler', schedulerOptions, { argv: scheduler.command!.slice(1), env: {} });
  t.equal(parsed.leaderElect, true, 'active/standby by default, as kube-scheduler');
});

t.test('compose runs controllers as their ServiceAccounts, as rudder up does, and its DNS writes kube-dns (no rudder up writes it there)', async (t) => {
  const parsed = (name: string, options: OptionSpecs) => parseOptions(name, options, { argv: compose.services[name]!.command!.slice(1), env: {} });
  t.equal(parsed('controller-manager', controllerManagerOptions).useServiceAccountCredentials, true, 'compose: --use-service-account-credentials');
  t.equal(parsed('dns', dnsOptions).registerService, true, 'compose: the DNS registers kube-dns');
  const components = clusterComponents({ dataDir: '/data', bindAddress: '127.0.0.1', apiserverPort: 6443, logLevel: 'info', apiservers: 1, peerPort: 7443 });
  const upArgs = (name: string) => components.find((c) => c.name === name)!.args;
  t.equal(parseOptions('controller-manager', controllerManagerOptions, { argv: upArgs('controller-manager'), env: {} }).useServiceAccountCredentials, true, 'rudder up: --use-service-account-credentials');
  t.equal(parseOptions('dns', dnsOptions, { argv: upArgs('dns'), env: {} }).registerService, false, 'rudder up: the DNS does not (rudder up writes kube-dns)');
});

t.test('the Dockerfile builds everything and ships what the entry points need', async (t) => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  t.match(dockerfile, /RUN node scripts\/ensure\.mjs --force/);
  for (const shipped of ['dist', 'native', 'node_modules']) t.match(dockerfile, new RegExp(`COPY --from=build /src/${shipped} `), `ships ${shipped}`);
  t.match(dockerfile, /^FROM node:20/m, 'the Node.js version the project runs on');
});
