// docker-compose.yml and the Dockerfile: statically, the compose cluster runs the same components
// as `rudder up --sim-nodes` (the simulated pool a profile), each entry point exists in the build,
// and every flag it passes is one the component accepts; and for real, on a Docker engine of the
// test's own with the base and node images made from this host (no registry is reached): every
// service becomes healthy, kubectl from the host reaches the apiserver with the kubeconfig compose
// prints, both node containers are Ready nodes, the example app serves through its Service from a
// node and its front end reaches the back end by name, and `docker-compose down -v` then the
// engine's stop leave nothing.
import { randomInt } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { DOCKER_BASE_IMAGE } from '../lib/images/docker-base.js';
import { DOCKER_NODE_IMAGE } from '../lib/images/docker-node.js';
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
import { nodeOptions } from '../services/node/options.js';
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
  'dist/services/node/main.js': nodeOptions,
};

interface ComposeService {
  image?: string;
  command?: string[];
  profiles?: string[];
}

const composeFile = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
/** The real node services (the node image), and the services `up` starts without a profile. */
const nodeServices = Object.keys(composeFile.services).filter((name) => composeFile.services[name]!.image === DOCKER_NODE_IMAGE);
const defaultServices = Object.keys(composeFile.services).filter((name) => !composeFile.services[name]!.profiles);

t.test('every compose service runs a built entry point with flags it accepts', async (t) => {
  for (const [name, service] of Object.entries(composeFile.services)) {
    const [entry, ...args] = service.command ?? [];
    t.ok(entry && COMPONENT_OPTIONS[entry], `${name} runs a known component (${entry})`);
    if (!entry || !COMPONENT_OPTIONS[entry]) continue;
    t.ok(existsSync(join(DIST, '..', entry)), `${entry} is built`);
    t.doesNotThrow(() => parseOptions(name, COMPONENT_OPTIONS[entry]!, { argv: args, env: {} }), `${name}'s flags parse`);
    t.equal(service.image, nodeServices.includes(name) ? DOCKER_NODE_IMAGE : 'rudder:latest');
  }
});

t.test('compose starts the same components as rudder up --sim-nodes, with flags the components accept', async (t) => {
  const components = clusterComponents({ dataDir: '/data', bindAddress: '127.0.0.1', apiserverPort: 6443, logLevel: 'info', apiservers: 1, peerPort: 7443, simNodes: 2, kubeletPort: 10250 });
  t.same(Object.keys(composeFile.services).filter((name) => !nodeServices.includes(name)).sort(), components.map((c) => c.name).sort());
  t.same(nodeServices, ['node-1', 'node-2'], 'two real nodes');
  t.same(composeFile.services['kubelet-sim']?.profiles, ['sim'], 'the simulated pool is a profile');
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

/** A script for `node -e` that prints the body of a GET of its argument (busybox's wget is not in every image). */
const GET = "require('http').get(process.argv[1], { timeout: 5000 }, (r) => { let b = ''; r.on('data', (c) => (b += c)); r.on('end', () => console.log(b)); }).on('error', (e) => { console.error(e.message); process.exit(1); })";

/** An assertion's message: what was done, and on failure what the command said. */
function said(what: string, result: { code: number; stderr: string }): string {
  return result.code === 0 ? what : `${what}: ${result.stderr.slice(-2000)}`;
}

t.test('docker-compose up for real: healthy services, kubectl from the host, real nodes serving the example app; down -v leaves nothing', { skip: dockerSkip(), timeout: 600_000 }, async (t) => {
  const hostLinks = (): string[] => readdirSync('/sys/class/net');
  const linksBefore = new Set(hostLinks());

  // 1. an engine of the test's own, and the base image made from this host
  const docker = await startDockerd(t);
  const base = docker.run(process.execPath, [join(DIST, 'build-tools', 'docker-base-image.js')]);
  t.equal(base.code, 0, said('the base image is imported', base));

  // 2. the image: the prebuilt target on that base, packing what this checkout built
  const build = docker.run('sh', ['-c', `tar -ch package.json node_modules dist native bin Dockerfile | docker build -q --target prebuilt --build-arg BASE_IMAGE=${DOCKER_BASE_IMAGE} -t rudder:latest -`], { cwd: ROOT, timeoutMs: 400_000 });
  t.equal(build.code, 0, said('the image builds', build));
  const nodeImage = docker.run(process.execPath, [join(DIST, 'build-tools', 'docker-node-image.js')], { timeoutMs: 400_000 });
  t.equal(nodeImage.code, 0, said('the node image builds', nodeImage));

  // 3. compose up: every service becomes healthy
  const project = `rudder${randomInt(100_000, 999_999)}`;
  const port = await freePort();
  const compose = (...args: string[]) => docker.run('docker-compose', ['-p', project, '-f', join(ROOT, 'docker-compose.yml'), ...args], { env: { RUDDER_APISERVER_PORT: String(port) } });
  t.teardown(() => void compose('down', '-v', '--timeout', '1'));
  const up = compose('up', '-d', '--no-build');
  t.equal(up.code, 0, said('compose up', up));
  const containers = compose('ps', '-q').stdout.trim().split('\n').filter(Boolean);
  t.equal(containers.length, defaultServices.length, 'a container per service');
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
  let nodes = '';
  const ready = await until(async () => {
    nodes = (await kube('get', 'nodes', '--no-headers')).stdout;
    return nodes.split('\n').filter((l) => /^rudder-node-\d\s+Ready\s/.test(l)).length === 2;
  }, 90_000, 500);
  t.ok(ready, `the two node containers are Ready nodes:\n${nodes}`);

  // 5. the example app runs
  const applied = await kube('apply', '-f', join(ROOT, 'examples', 'app.yaml'));
  t.equal(applied.code, 0, said('the app is applied', applied));
  const available = await kube('wait', '--for=condition=Available', 'deployment/frontend', 'deployment/backend', '--timeout=120s');
  t.equal(available.code, 0, said('both Deployments are Available', available));
  const frontendIP = (await kube('get', 'service', 'frontend', '-o', 'jsonpath={.spec.clusterIP}')).stdout.trim();
  let answer = '';
  const serves = await until(() => {
    answer = compose('exec', '-T', 'node-1', 'node', '-e', GET, `http://${frontendIP}/`).stdout.trim();
    return /^frontend \S+ -> backend \S+$/.test(answer);
  }, 60_000, 1000);
  t.ok(serves, `the front end answers through its Service from a node and reaches the back end by name: ${answer}`);

  // 6. down -v, then the engine stops: no container, volume, network, process, mount or link is left
  const network = docker.run('docker', ['network', 'inspect', '--format', '{{.Id}}', `${project}_default`]).stdout.trim();
  const nodeContainers = docker.run('docker', ['inspect', '--format', '{{.Id}}', ...nodeServices.map((name) => `${project}_${name}_1`)]).stdout.trim().split('\n').filter(Boolean);
  t.equal(nodeContainers.length, nodeServices.length, 'a container per node');
  // stopped, the nodes remove their pods (and so their mounts and cgroups) before containerd stops
  const stopped = compose('stop', '--timeout', '20', ...nodeServices);
  t.equal(stopped.code, 0, said('the nodes stop', stopped));
  const nodeLog = compose('logs', '--no-color', 'node-1').stdout;
  t.match(nodeLog, /"pods":[1-9]\d*,"msg":"pod sandboxes removed"/, 'node-1 removed its pods as it stopped');
  const down = compose('down', '-v', '--timeout', '20');
  t.equal(down.code, 0, said('compose down -v', down));
  t.equal(docker.run('docker', ['ps', '-aq']).stdout.trim(), '', 'no container');
  t.equal(docker.run('docker', ['volume', 'ls', '-q']).stdout.trim(), '', 'no volume');
  t.same(docker.run('docker', ['network', 'ls', '--format', '{{.Name}}']).stdout.trim().split('\n').sort(), ['host', 'none'], 'no network but docker\'s own');
  await docker.stop();
  t.same(docker.leftovers(), { processes: 0, mounts: 0 }, 'no process or mount of the engine');
  t.notOk(hostLinks().includes(`br-${network.slice(0, 12)}`), 'the compose network\'s bridge is gone');
  const cgroups = readdirSync('/sys/fs/cgroup').flatMap((hierarchy) => nodeContainers.map((id) => join('/sys/fs/cgroup', hierarchy, 'docker', id))).filter((path) => existsSync(path));
  t.same(cgroups, [], 'no cgroup of a node container (or of its pods) is left');
  t.same(hostLinks().filter((name) => name.startsWith('veth') && !linksBefore.has(name)), [], 'no container\'s veth is left');
});
