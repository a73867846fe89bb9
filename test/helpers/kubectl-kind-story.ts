// One kind's story through the real kubectl, shared by the e2e tests of each group of kinds: it is
// created from a manifest and, where kubectl has one, by its `kubectl create` command; listed wide
// and by label; watched while it changes; replaced; patched with each patch type; deleted (a
// protected object stays marked until the test removes its finalizer, as Kubernetes' protection
// controllers would); and explained.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { startApiserver, type ApiserverProcess } from '../../lib/launch/apiserver-process.js';
import { kubectl, kubectlStream } from './kubectl.js';
import { KUBECTL_VERSIONS } from './paths.js';

export interface KindCase {
  /** What kubectl calls it, and what it prints before the name ("job.batch"). */
  resource: string;
  printed: string;
  namespaced: boolean;
  /** The object's name in a test of one kubectl version (an IPAddress is named by its address). */
  name?: (tag: string) => string;
  /** The manifest of an object named `name` labelled tier=e2e. */
  manifest: (name: string) => string;
  /** A `kubectl create ...` for an object named `name`, where kubectl has one. */
  create?: (name: string) => string[];
  /** What `create` needs first (the Deployment kubectl autoscale reads). */
  before?: (name: string) => string[];
  /** Its `kubectl create` line ("created", or "autoscaled" for kubectl autoscale). */
  createdWord?: string;
  /** The finalizer admission adds, which a controller removes once the object is unused. */
  finalizer?: string;
  wideHeader: RegExp;
  apiResource: RegExp;
  explainKind: string;
}

export interface StoryContext {
  version: string;
  kubeconfig: string;
  /** The namespace of namespaced kinds, and the suffix names carry ("127" for kubectl 1.27). */
  namespace: string;
  tag: string;
  /** Where manifests are written. */
  dir: string;
}

export async function kindStory(t: Test, c: KindCase, context: StoryContext): Promise<void> {
  const { version, kubeconfig, namespace: ns, tag, dir } = context;
  const run = (...args: string[]) => kubectl(version, kubeconfig, args);
  const scope = c.namespaced ? ['-n', ns] : [];
  const k = (...args: string[]) => run(...scope, ...args);
  const name = c.name?.(tag) ?? `${c.resource.slice(0, 6)}-${tag}`;
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, c.manifest(name));

  // 1. create from a manifest, and with kubectl's own command
  const created = await k('create', '-f', file);
  t.equal(created.stdout.trim(), `${c.printed}/${name} created`, created.stderr);
  if (c.create) {
    if (c.before) t.equal((await k(...c.before(`${name}-cli`))).code, 0);
    const other = await k(...c.create(`${name}-cli`));
    t.equal(other.stdout.trim(), `${c.printed}/${name}-cli ${c.createdWord ?? 'created'}`, other.stderr);
  }

  // 2. wide columns, and a label selector that finds only the manifest's object
  const wide = await k('get', c.resource, '-o', 'wide');
  t.equal(wide.code, 0, wide.stderr);
  t.match(wide.stdout, c.wideHeader);
  t.match(wide.stdout, new RegExp(`^${name.replace(/\./g, '\\.')}\\s`, 'm'));
  const selected = await k('get', c.resource, '-l', 'tier=e2e', '-o', 'name');
  t.same(selected.stdout.trim().split('\n'), [`${c.printed}/${name}`], selected.stderr);

  // 3. get -w prints the object again when it changes
  const watcher = kubectlStream(version, kubeconfig, [...scope, 'get', c.resource, name, '-w', '--output-watch-events']);
  t.ok(await watcher.waitFor(name), `the watch printed the object:\n${watcher.output()}`);
  const labelled = await k('label', c.resource, name, 'watched=yes');
  t.match(labelled.stdout, /labeled/, labelled.stderr);
  t.ok(await watcher.waitFor('MODIFIED'), `the watch printed the change:\n${watcher.output()}`);
  watcher.stop();

  // 4. replace, then each patch type
  const current = await k('get', c.resource, name, '-o', 'json');
  const object = JSON.parse(current.stdout) as { metadata: { annotations?: Record<string, string> } };
  object.metadata.annotations = { ...object.metadata.annotations, replaced: 'yes' };
  const replacedFile = join(dir, `${name}-replaced.json`);
  writeFileSync(replacedFile, JSON.stringify(object));
  const replaced = await k('replace', '-f', replacedFile);
  t.equal(replaced.stdout.trim(), `${c.printed}/${name} replaced`, replaced.stderr);
  for (const [type, patch] of [
    ['strategic', '{"metadata":{"labels":{"strategic":"yes"}}}'],
    ['merge', '{"metadata":{"labels":{"merge":"yes"}}}'],
    ['json', '[{"op":"add","path":"/metadata/labels/json","value":"yes"}]'],
  ] as const) {
    const patched = await k('patch', c.resource, name, '--type', type, '-p', patch);
    t.equal(patched.stdout.trim(), `${c.printed}/${name} patched`, `${type}: ${patched.stderr}`);
  }
  const labels = await k('get', c.resource, name, '-o', 'jsonpath={.metadata.labels.strategic} {.metadata.labels.merge} {.metadata.labels.json} {.metadata.annotations.replaced}');
  t.equal(labels.stdout, 'yes yes yes yes');

  // 5. delete; a protected object stays, marked, until its finalizer goes
  const deleted = await k('delete', c.resource, name, ...(c.finalizer ? ['--wait=false'] : []));
  t.equal(deleted.stdout.trim(), `${c.printed} "${name}" deleted`, deleted.stderr);
  if (c.finalizer) {
    const marked = await k('get', c.resource, name, '-o', 'jsonpath={.metadata.finalizers[0]} {.metadata.deletionTimestamp}');
    t.match(marked.stdout, new RegExp(`^${c.finalizer} \\d{4}-`), marked.stderr);
    const released = await k('patch', c.resource, name, '--type', 'merge', '-p', '{"metadata":{"finalizers":null}}');
    t.equal(released.code, 0, released.stderr);
  }
  const gone = await k('get', c.resource, name);
  t.equal(gone.code, 1);

  // 6. explain
  const explained = await run('explain', c.resource);
  t.equal(explained.code, 0, explained.stderr);
  t.match(explained.stdout, new RegExp(`KIND:\\s+${c.explainKind}`));
}

export interface KindGroup {
  /** Names the namespace ("<prefix>-127") and the manifests' folder. */
  prefix: string;
  cases: readonly KindCase[];
  /** Checks `kubectl api-resources --categories=all -o name` (`all` is its output). */
  categories: (t: Test, all: string) => void;
}

/**
 * For each kubectl version: `api-resources` lists every kind of the group as Kubernetes does, then
 * each kind's story, against one real apiserver started for the whole file.
 */
export function kindGroupStories(t: Test, group: KindGroup): void {
  let server: ApiserverProcess;
  let dir: string;
  t.before(async () => {
    server = await startApiserver();
    dir = mkdtempSync(join(tmpdir(), `rudder-kubectl-${group.prefix}-`));
  });
  t.teardown(async () => {
    await server.stop();
  });
  for (const version of KUBECTL_VERSIONS) {
    const tag = version.replace('.', '');
    const ns = `${group.prefix}-${tag}`;
    const run = (...args: string[]) => kubectl(version, server.kubeconfig, args);
    t.test(`kubectl ${version}: api-resources lists the kinds as Kubernetes does`, async (t) => {
      const resources = await run('api-resources');
      t.equal(resources.code, 0, resources.stderr);
      for (const c of group.cases) t.match(resources.stdout, c.apiResource, c.resource);
      group.categories(t, (await run('api-resources', '--categories=all', '-o', 'name')).stdout);
      t.equal((await run('create', 'namespace', ns)).code, 0);
    });
    for (const c of group.cases) {
      t.test(`kubectl ${version}: ${c.resource}`, (t) => kindStory(t, c, { version, kubeconfig: server.kubeconfig, namespace: ns, tag, dir }));
    }
  }
}

/** A line of `kubectl api-resources -o name` output, as a pattern. */
export function resourceLine(name: string): RegExp {
  return new RegExp(`^${name.replace(/\./g, '\\.')}$`, 'm');
}
