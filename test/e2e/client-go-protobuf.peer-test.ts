// client-go v0.36.3's typed clientset with protobuf as its content type (rest config ContentType
// application/vnd.kubernetes.protobuf, as kube-controller-manager sets it; Accept protobuf only)
// creates, gets, lists, watches while updating, updates and deletes a sample of every built-in kind
// Rudder serves with a protobuf schema, against a real Rudder apiserver. The driver is
// tools/client-go-protobuf (Go); the samples are the objects of test/fixtures/protobuf/cases.json.
// Skipped without Go. Not part of `npm test`: run it with `npm run test:peers`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { startApiserver, type ApiserverProcess } from '../../lib/launch/apiserver-process.js';
import { RESOURCES, apiVersionOf } from '../../lib/api/resources.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const TOOL = join(ROOT, 'tools', 'client-go-protobuf');
const CASES = join(ROOT, 'test', 'fixtures', 'protobuf', 'cases.json');
const STEPS = ['create', 'get', 'list', 'watch', 'update', 'delete'] as const;
/** Metadata the server sets: dropped from the samples before they are created. */
const SERVER_FIELDS = ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'ownerReferences'];

interface Sample {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  object: Record<string, unknown>;
}

interface KindResult {
  group: string;
  version: string;
  kind: string;
  ok: boolean;
  steps: Record<(typeof STEPS)[number], string>;
  nonProtobuf: string[];
}

function goBinary(): string | undefined {
  for (const go of ['go', '/usr/local/go/bin/go']) if (spawnSync(go, ['version']).status === 0) return go;
  return undefined;
}

/**
 * A stored Job carries the selector and template labels made from its uid; created again they
 * name another uid, which the apiserver refuses as kube-apiserver does: drop them so they are
 * generated anew.
 */
function withoutGeneratedSelector(job: Record<string, unknown>): void {
  const spec = job.spec as { selector?: unknown; template?: { metadata?: { labels?: Record<string, string> } } };
  delete spec.selector;
  const labels = spec.template?.metadata?.labels ?? {};
  for (const key of Object.keys(labels)) if (key.endsWith('controller-uid') || key.endsWith('job-name')) delete labels[key];
}

/** One sample per served kind with a protobuf schema: the first fixture of its apiVersion and kind. */
function samples(): { samples: Sample[]; without: string[] } {
  const cases = JSON.parse(readFileSync(CASES, 'utf8')) as Array<{ object?: Record<string, unknown> }>;
  const out: Sample[] = [];
  const without: string[] = [];
  for (const info of RESOURCES.filter((r) => r.protobuf !== false)) {
    const apiVersion = apiVersionOf(info);
    const fixture = cases.find((c) => c.object?.apiVersion === apiVersion && c.object.kind === info.kind)?.object;
    if (!fixture) {
      without.push(`${apiVersion} ${info.kind}`);
      continue;
    }
    const object = structuredClone(fixture);
    const metadata = { ...(object.metadata as Record<string, unknown>) };
    for (const field of SERVER_FIELDS) delete metadata[field];
    const namespace = info.namespaced ? 'default' : '';
    if (info.namespaced) metadata.namespace = namespace;
    else delete metadata.namespace;
    object.metadata = metadata;
    if (info.kind === 'Job') withoutGeneratedSelector(object);
    out.push({ group: info.group, version: info.version, kind: info.kind, namespace, object });
  }
  return { samples: out, without };
}

const go = goBinary();

t.test('client-go with protobuf creates, gets, lists, watches, updates and deletes every built-in kind', { skip: go === undefined && 'no go on PATH or in /usr/local/go/bin' }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'rudder-client-go-protobuf-'));
  let server: ApiserverProcess | undefined;
  t.teardown(async () => {
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  });
  // 1. the driver, built from the k8s.io modules its go.mod pins
  const binary = join(work, 'client-go-protobuf');
  const build = spawnSync(go!, ['build', '-o', binary, '.'], { cwd: TOOL, encoding: 'utf8', timeout: 170_000 });
  if (!t.equal(build.status, 0, 'the client-go driver builds')) {
    t.comment(build.stderr);
    return;
  }

  // 2. the samples, and a Rudder apiserver
  const { samples: list, without } = samples();
  for (const kind of without) t.comment(`no sample object for ${kind}`);
  t.same(without, [], 'every served kind has a sample');
  writeFileSync(join(work, 'cases.json'), JSON.stringify(list));
  server = await startApiserver();

  // 3. every kind through the typed clientset, protobuf both ways
  const run = spawnSync(binary, [server.kubeconfig, join(work, 'cases.json')], { encoding: 'utf8', timeout: 150_000 });
  if (!t.equal(run.status, 0, 'the driver ran to the end')) t.comment(run.stderr.slice(-4000));
  const results = run.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as KindResult);
  t.equal(results.length, list.length, 'a result for every kind');
  for (const r of results) {
    const name = `${r.group === '' ? 'core' : r.group}/${r.version} ${r.kind}`;
    const failed = STEPS.filter((step) => r.steps[step] !== '').map((step) => `${step}: ${r.steps[step]}`);
    t.comment(`${name}: ${r.ok ? 'ok' : [...failed, ...r.nonProtobuf.map((answer) => `not protobuf: ${answer}`)].join('; ')}`);
    t.same(failed, [], `${name}: every step passed`);
    t.same(r.nonProtobuf, [], `${name}: every answer was protobuf`);
  }
});
