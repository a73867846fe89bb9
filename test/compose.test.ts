// docker-compose.yml and the Dockerfile: statically, the compose cluster runs the same components
// as `rudder up --sim-nodes`, each entry point exists in the build, and every flag it passes is one
// the component accepts; and for real, on a Docker engine of the test's own with the base image
// made from this host (no registry is reached): every service becomes healthy, kubectl from the
// host reaches the apiserver with the kubeconfig compose prints, the example app runs on the
// simulated nodes, and `docker-compose down -v` then the engine's stop leave nothing.
import { randomInt } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { DOCKER_BASE_IMAGE } from '../lib/images/docker-base.js';
import { freePort } from '../lib/process/ports.js';
import { dockerSkip, startDockerd } from './helpers/dockerd.js';
import { kubectl } from './helpers/kubectl.js';
import { until } from './helpers/until.js';
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

const composeFile = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };

t.test('every compose service runs a built entry point with flags it accepts', async (t) => {
  for (const [name, service] of Object.entries(composeFile.services)) {
    const [entry, ...args] = service.command ?? [];
    t.ok(entry && COMPONENT_OPTIONS[entry], `${name} runs a known component (${entry})`);
    if (!entry || !COMPONENT_OPTIONS[entry]) continue;
    t.ok(existsSync(join(DIST, '..', entry)), `${entry} is built`);
    t.doesNotThrow(() => parseOptions(name, COMPONENT_OPTIONS[entry]!, { argv: args, env: {} }), `${name}'s flags parse`);
    t.equal(service.image, 'rudder:latest');
  }
});

t.test('compose starts the same components as rudder up --sim-nodes, with flags the components accept', async (t) => {
  const components = clusterComponents({ dataDir: '/data', bindAddress: '127.0.0.1', apiserverPort: 6443, logLevel: 'info', apiservers: 1, peerPort: 7443, simNodes: 2, kubeletPort: 10250 });
  t.same(Object.keys(composeFile.services).sort(), components.map((c) => c.name).sort());
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
  const scheduler = composeFile.services.scheduler as ComposeService & { depends_on?: Record<string, { condition: string }> };
  const apiserver = composeFile.services.apiserver as ComposeService & { networks?: { default?: { aliases?: string[] } } };
  const master = scheduler.command?.find((a) => a.startsWith('--master='))?.slice('--master='.length) ?? '';
  t.ok(apiserver.networks?.default?.aliases?.includes(new URL(master).hostname), `the apiserver answers to ${master}`);
  t.equal(scheduler.depends_on?.apiserver?.condition, 'service_healthy');
  const parsed = parseOptions('scheduler', schedulerOptions, { argv: scheduler.command!.slice(1), env: {} });
  t.equal(parsed.leaderElect, true, 'active/standby by default, as kube-scheduler');
});

t.test('compose runs controllers as their ServiceAccounts, as rudder up does, and its DNS writes kube-dns (no rudder up writes it there)', async (t) => {
  const parsed = (name: string, options: OptionSpecs) => parseOptions(name, options, { argv: composeFile.services[name]!.command!.slice(1), env: {} });
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
  t.match(dockerfile, /^ARG BASE_IMAGE=node:20/m, 'the Node.js version the project runs on, by default from the official image');
  t.match(dockerfile, /^FROM \$\{BASE_IMAGE\} AS prebuilt$/m, 'a target that packs what this checkout built, on any base');
});

/** An assertion's message: what was done, and on failure what the command said. */
function said(what: string, result: { code: number; stderr: string }): string {
  return result.code === 0 ? what : `${what}: ${result.stderr.slice(-2000)}`;
}

t.test('docker-compose up for real: healthy services, kubectl from the host, the example app; down -v leaves nothing', { skip: dockerSkip(), timeout: 600_000 }, async (t) => {
  const hostLinks = (): string[] => readdirSync('/sys/class/net');
  const linksBefore = new Set(hostLinks());

  // 1. an engine of the test's own, and the base image made from this host
  const docker = await startDockerd(t);
  const base = docker.run(process.execPath, [join(DIST, 'build-tools', 'docker-base-image.js')]);
  t.equal(base.code, 0, said('the base image is imported', base));

  // 2. the image: the prebuilt target on that base, packing what this checkout built
  const build = docker.run('sh', ['-c', `tar -ch package.json node_modules dist native bin Dockerfile | docker build -q --target prebuilt --build-arg BASE_IMAGE=${DOCKER_BASE_IMAGE} -t rudder:latest -`], { cwd: ROOT, timeoutMs: 400_000 });
  t.equal(build.code, 0, said('the image builds', build));

  // 3. compose up: every service becomes healthy
  const project = `rudder${randomInt(100_000, 999_999)}`;
  const port = await freePort();
  const compose = (...args: string[]) => docker.run('docker-compose', ['-p', project, '-f', join(ROOT, 'docker-compose.yml'), ...args], { env: { RUDDER_APISERVER_PORT: String(port) } });
  t.teardown(() => void compose('down', '-v', '--timeout', '1'));
  const up = compose('up', '-d', '--no-build');
  t.equal(up.code, 0, said('compose up', up));
  const containers = compose('ps', '-q').stdout.trim().split('\n').filter(Boolean);
  t.equal(containers.length, Object.keys(composeFile.services).length, 'a container per service');
  let health = '';
  const healthy = await until(() => {
    health = docker.run('docker', ['inspect', '--format', '{{.Name}} {{.State.Health.Status}}', ...containers]).stdout.trim();
    return health.split('\n').every((line) => line.endsWith(' healthy'));
  }, 180_000, 1000);
  t.ok(healthy, `every service is healthy:\n${health}`);

  // 4. kubectl from the host with the kubeconfig compose prints: the simulated nodes are Ready
  const printed = compose('run', '--rm', 'apiserver', 'dist/cli/main.js', 'kubeconfig', '--data-dir', '/data', '--server', `https://127.0.0.1:${port}`);
  t.equal(printed.code, 0, said('compose prints a kubeconfig', printed));
  const kubeconfig = join(docker.dir, 'kubeconfig');
  writeFileSync(kubeconfig, printed.stdout);
  const kube = (...args: string[]) => kubectl('1.33', kubeconfig, args);
  t.ok(await until(async () => (await kube('get', 'nodes', '--no-headers')).stdout.split('\n').filter((l) => /\sReady\s/.test(l)).length === 2, 60_000, 500), 'two simulated nodes are Ready');

  // 5. the example app runs
  const applied = await kube('apply', '-f', join(ROOT, 'examples', 'app.yaml'));
  t.equal(applied.code, 0, said('the app is applied', applied));
  const available = await kube('wait', '--for=condition=Available', 'deployment/frontend', 'deployment/backend', '--timeout=90s');
  t.equal(available.code, 0, said('both Deployments are Available', available));

  // 6. down -v, then the engine stops: no container, volume, network, process, mount or link is left
  const network = docker.run('docker', ['network', 'inspect', '--format', '{{.Id}}', `${project}_default`]).stdout.trim();
  const down = compose('down', '-v', '--timeout', '1');
  t.equal(down.code, 0, said('compose down -v', down));
  t.equal(docker.run('docker', ['ps', '-aq']).stdout.trim(), '', 'no container');
  t.equal(docker.run('docker', ['volume', 'ls', '-q']).stdout.trim(), '', 'no volume');
  t.same(docker.run('docker', ['network', 'ls', '--format', '{{.Name}}']).stdout.trim().split('\n').sort(), ['host', 'none'], 'no network but docker\'s own');
  await docker.stop();
  t.same(docker.leftovers(), { processes: 0, mounts: 0 }, 'no process or mount of the engine');
  t.notOk(hostLinks().includes(`br-${network.slice(0, 12)}`), 'the compose network\'s bridge is gone');
  t.same(hostLinks().filter((name) => name.startsWith('veth') && !linksBefore.has(name)), [], 'no container\'s veth is left');
});
