// CustomResourceDefinitions through the real kubectl (1.27 and 1.33) against a real apiserver:
// the definition is created and within a second `kubectl get widgets` works; a Widget is created,
// read, listed, watched and patched (merge, JSON and server-side apply); a Widget breaking the schema is a 422 naming
// the field, one breaking a CEL rule shows the rule's message; unknown fields are pruned and
// defaults applied; the status subresource ignores the spec and the main resource ignores the
// status; `kubectl scale` works through the scale subresource; the printer columns show; `kubectl
// explain widget.spec` reads the published schema; a second served version answers; deleting the
// definition deletes its Widgets.
import { join } from 'node:path';
import t from 'tap';
import { startApiserver, type ApiserverProcess } from '../../lib/launch/apiserver-process.js';
import { kubectl, kubectlSession, kubectlStream } from '../helpers/kubectl.js';
import { KUBECTL_VERSIONS } from '../helpers/paths.js';

const SCHEMA = `
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            description: The desired state of the widget.
            required: [size]
            x-kubernetes-validations:
            - rule: self.replicas <= self.maxReplicas
              message: replicas must not exceed maxReplicas
            properties:
              size: {type: string, enum: [small, medium, large], description: How big the widget is.}
              replicas: {type: integer, minimum: 0, default: 1}
              maxReplicas: {type: integer, default: 10}
              color: {type: string, default: blue, pattern: '^[a-z]+$'}
              port: {x-kubernetes-int-or-string: true}
          status:
            type: object
            properties:
              replicas: {type: integer}
              phase: {type: string}`;

/** A CustomResourceDefinition of example.com with the given names, scope and versions (YAML list items). */
function definition(names: string, scope: string, versions: string): string {
  const plural = /plural: (\w+)/.exec(names)![1];
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ${plural}.example.com}
spec:
  group: example.com
  scope: ${scope}
  names: {${names}}
  versions:${versions}
`;
}

const CRD = definition(
  'plural: widgets, singular: widget, kind: Widget, shortNames: [wd], categories: [gadgets]',
  'Namespaced',
  `
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
      scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}
    additionalPrinterColumns:
    - {name: Size, type: string, jsonPath: .spec.size}
    - {name: Replicas, type: integer, jsonPath: .spec.replicas}
    - {name: Phase, type: string, jsonPath: .status.phase}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
    schema:${SCHEMA}
  - name: v1beta1
    served: true
    storage: false
    schema:${SCHEMA}`,
);

const GADGETS = definition(
  'plural: gadgets, kind: Gadget',
  'Cluster',
  `
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true`,
);

let apiserver: ApiserverProcess;
t.before(async () => {
  apiserver = await startApiserver();
});
t.teardown(async () => {
  await apiserver?.stop();
});

for (const version of KUBECTL_VERSIONS) {
  t.test(`kubectl ${version}: a CustomResourceDefinition's story`, async (t) => {
    const { dir, k, n, file, cache, namespace: ns, created: nsCreated } = await kubectlSession(version, apiserver.kubeconfig, 'crd');
    t.ok(nsCreated, 'namespace created');

    // 1. the definition is created, and its kind is served within a second
    t.equal((await n('get', 'widgets')).code !== 0, true, 'widgets are unknown before the definition');
    const created = await k('create', '-f', file('crd.yaml', CRD));
    t.equal(created.stdout.trim(), 'customresourcedefinition.apiextensions.k8s.io/widgets.example.com created', created.stderr);
    const createdAt = Date.now();
    let served = await n('get', 'widgets');
    while (served.code !== 0 && Date.now() - createdAt < 5000) served = await n('get', 'widgets');
    const elapsed = Date.now() - createdAt;
    t.equal(served.code, 0, served.stderr);
    t.ok(elapsed <= 1000, `kubectl get widgets worked ${elapsed} ms after the create`);
    t.match(served.stderr, /No resources found/);
    const crd = JSON.parse((await k('get', 'crd', 'widgets.example.com', '-o', 'json')).stdout) as { status: { conditions: { type: string; status: string }[]; acceptedNames: { kind: string } } };
    t.same(
      crd.status.conditions.map((c) => [c.type, c.status]),
      [
        ['NamesAccepted', 'True'],
        ['Established', 'True'],
      ],
    );
    t.equal(crd.status.acceptedNames.kind, 'Widget');
    const resources = await k('api-resources', '--api-group', 'example.com');
    t.match(resources.stdout, /^widgets\s+wd\s+example\.com\/v1\s+true\s+Widget$/m, resources.stderr);

    // 2. create, get, list, watch; unknown fields pruned, defaults applied
    const watcher = kubectlStream(version, apiserver.kubeconfig, [...cache, '-n', ns, 'get', 'widgets', '-w', '--output-watch-events']);
    const made = await n('create', '--validate=warn', '-f', file('w1.yaml', `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1, labels: {tier: e2e}}\nspec: {size: small, port: http, bogus: 1}\nextra: dropped\n`));
    t.equal(made.stdout.trim(), 'widget.example.com/w1 created', made.stderr);
    t.match(made.stderr, /unknown field "spec\.bogus"/, 'the pruned fields are named in a warning');
    const w1 = JSON.parse((await n('get', 'widget', 'w1', '-o', 'json')).stdout) as { spec: Record<string, unknown>; extra?: unknown; metadata: { generation: number } };
    t.same(w1.spec, { size: 'small', port: 'http', replicas: 1, maxReplicas: 10, color: 'blue' }, 'defaults applied, unknown fields pruned');
    t.equal(w1.extra, undefined);
    t.equal(w1.metadata.generation, 1);
    const strict = await n('create', '--validate=strict', '-f', file('w-strict.yaml', `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w-strict}\nspec: {size: small, bogus: 1}\n`));
    t.not(strict.code, 0);
    t.match(strict.stderr, /unknown field "spec\.bogus"/);
    t.ok(await watcher.waitFor('ADDED'), `the watch saw the Widget:\n${watcher.output()}`);
    const listed = await n('get', 'wd', '-l', 'tier=e2e', '-o', 'name');
    t.equal(listed.stdout.trim(), 'widget.example.com/w1', listed.stderr);

    // 3. printer columns
    const table = await n('get', 'widgets');
    t.match(table.stdout, /^NAME\s+SIZE\s+REPLICAS\s+PHASE\s+AGE$/m);
    // A missing value is an empty cell, as Kubernetes prints it for custom resources.
    t.match(table.stdout, /^w1\s+small\s+1\s+\d+s$/m, table.stdout);

    // 4. merge and JSON patches; the watch sees them
    const merged = await n('patch', 'widget', 'w1', '--type', 'merge', '-p', '{"spec":{"size":"medium"}}');
    t.equal(merged.stdout.trim(), 'widget.example.com/w1 patched', merged.stderr);
    const jsonPatched = await n('patch', 'widget', 'w1', '--type', 'json', '-p', '[{"op":"replace","path":"/spec/color","value":"red"}]');
    t.equal(jsonPatched.stdout.trim(), 'widget.example.com/w1 patched', jsonPatched.stderr);
    t.equal((await n('get', 'widget', 'w1', '-o', 'jsonpath={.spec.size} {.spec.color} {.metadata.generation}')).stdout, 'medium red 3');
    t.ok(await watcher.waitFor('MODIFIED'), `the watch saw the change:\n${watcher.output()}`);
    watcher.stop();

    // 4b. server-side apply of a Widget: created, unchanged when applied again, conflicts with another manager
    const applyFile = file('wa.yaml', `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: wa}\nspec: {size: small, replicas: 2}\n`);
    const appliedWidget = await n('apply', '--server-side', '-f', applyFile);
    t.equal(appliedWidget.stdout.trim(), 'widget.example.com/wa serverside-applied', appliedWidget.stderr);
    const appliedRv = (await n('get', 'widget', 'wa', '-o', 'jsonpath={.metadata.resourceVersion}')).stdout;
    t.equal((await n('apply', '--server-side', '-f', applyFile)).code, 0);
    t.equal((await n('get', 'widget', 'wa', '-o', 'jsonpath={.metadata.resourceVersion} {.spec.color}')).stdout, `${appliedRv} blue`, 'applied again: unchanged; defaults applied');
    const widgetConflict = await n('apply', '--server-side', '--field-manager', 'other', '-f', file('wa2.yaml', `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: wa}\nspec: {size: large}\n`));
    t.match(widgetConflict.stderr, 'Apply failed with 1 conflict: conflict with "kubectl": .spec.size');
    t.equal((await n('delete', 'widget', 'wa')).code, 0);

    // 5. schema errors are 422s naming the field; a CEL rule's message
    const invalid = await n('create', '-f', file('bad.yaml', `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: bad}\nspec: {size: huge, replicas: -1, color: Red}\n`));
    t.not(invalid.code, 0);
    t.match(invalid.stderr, /The Widget "bad" is invalid/);
    t.match(invalid.stderr, /spec\.size: Unsupported value: "huge": supported values: "small", "medium", "large"/);
    t.match(invalid.stderr, /spec\.replicas: Invalid value: -1: spec\.replicas in body should be greater than or equal to 0/);
    t.match(invalid.stderr, /spec\.color: Invalid value: "Red": spec\.color in body should match '\^\[a-z\]\+\$'/);
    const missing = await n('create', '-f', file('missing.yaml', `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: missing}\nspec: {replicas: 2}\n`));
    t.match(missing.stderr, /spec\.size: Required value/);
    const rule = await n('create', '-f', file('rule.yaml', `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: rule}\nspec: {size: large, replicas: 5, maxReplicas: 3}\n`));
    t.match(rule.stderr, /The Widget "rule" is invalid: spec: Invalid value: "object": replicas must not exceed maxReplicas/);
    const typed = await n('patch', 'widget', 'w1', '--type', 'merge', '-p', '{"spec":{"replicas":"three"}}');
    t.match(typed.stderr, /spec\.replicas: Invalid value: "string": spec\.replicas in body must be of type integer: "string"/);

    // 6. status subresource: /status ignores the spec, the main resource ignores the status
    const statusPatch = await n('patch', 'widget', 'w1', '--subresource', 'status', '--type', 'merge', '-p', '{"spec":{"size":"large"},"status":{"phase":"Ready","replicas":1}}');
    t.equal(statusPatch.code, 0, statusPatch.stderr);
    const mainPatch = await n('patch', 'widget', 'w1', '--type', 'merge', '-p', '{"status":{"phase":"Broken"}}');
    t.equal(mainPatch.code, 0, mainPatch.stderr);
    t.equal((await n('get', 'widget', 'w1', '-o', 'jsonpath={.spec.size} {.status.phase} {.status.replicas}')).stdout, 'medium Ready 1');
    t.match((await n('get', 'widgets')).stdout, /^w1\s+medium\s+1\s+Ready\s+/m);

    // 7. kubectl scale through the scale subresource
    const scaled = await n('scale', 'widget/w1', '--replicas=3');
    t.equal(scaled.stdout.trim(), 'widget.example.com/w1 scaled', scaled.stderr);
    t.equal((await n('get', 'widget', 'w1', '-o', 'jsonpath={.spec.replicas}')).stdout, '3');
    const overScaled = await n('scale', 'widget/w1', '--replicas=11');
    t.match(overScaled.stderr, /replicas must not exceed maxReplicas/, 'the CEL rule holds for a scale too');

    // 8. kubectl explain reads the published schema
    const explained = await k('explain', 'widget.spec');
    t.equal(explained.code, 0, explained.stderr);
    t.match(explained.stdout, /KIND:\s+Widget/);
    t.match(explained.stdout, /The desired state of the widget\./);
    t.match(explained.stdout, /size\s+<string>.*-required-/s);
    t.match(explained.stdout, /How big the widget is\./);

    // 9. kubectl apply (client side) of the definition and of a Widget, twice
    const reapplied = await k('apply', '-f', join(dir, 'crd.yaml'));
    t.match(reapplied.stdout, /customresourcedefinition\.apiextensions\.k8s\.io\/widgets\.example\.com (configured|unchanged)/, reapplied.stderr);
    const appliedFile = file('w3.yaml', `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w3}\nspec: {size: small}\n`);
    t.equal((await n('apply', '-f', appliedFile)).stdout.trim(), 'widget.example.com/w3 created');
    t.equal((await n('apply', '-f', appliedFile)).stdout.trim(), 'widget.example.com/w3 unchanged');
    const changed = await n('apply', '-f', file('w3.yaml', `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w3}\nspec: {size: large}\n`));
    t.equal(changed.stdout.trim(), 'widget.example.com/w3 configured', changed.stderr);
    t.equal((await n('get', 'widget', 'w3', '-o', 'jsonpath={.spec.size} {.spec.replicas}')).stdout, 'large 1');

    // 10. the second served version reads the same objects
    const beta = await n('get', 'widgets.v1beta1.example.com', 'w1', '-o', 'json');
    t.equal(beta.code, 0, beta.stderr);
    t.match(JSON.parse(beta.stdout), { apiVersion: 'example.com/v1beta1', kind: 'Widget', spec: { size: 'medium', replicas: 3 } });
    const betaMade = await n('create', '-f', file('w2.yaml', `apiVersion: example.com/v1beta1\nkind: Widget\nmetadata: {name: w2}\nspec: {size: large}\n`));
    t.equal(betaMade.stdout.trim(), 'widget.example.com/w2 created', betaMade.stderr);
    t.equal((await n('get', 'widgets.v1.example.com', 'w2', '-o', 'jsonpath={.apiVersion} {.spec.replicas}')).stdout, 'example.com/v1 1');

    // 11. a cluster-scoped definition serves cluster-scoped objects
    t.equal((await k('create', '-f', file('gadgets.yaml', GADGETS))).code, 0);
    let gadget = await k('create', '-f', file('g1.yaml', 'apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g1}\nanything: {goes: [1, 2]}\n'));
    for (let i = 0; gadget.code !== 0 && i < 20; i++) gadget = await k('create', '-f', join(dir, 'g1.yaml'));
    t.equal(gadget.stdout.trim(), 'gadget.example.com/g1 created', gadget.stderr);
    t.equal((await k('get', 'gadget', 'g1', '-o', 'jsonpath={.anything.goes}')).stdout, '[1,2]', 'x-kubernetes-preserve-unknown-fields keeps everything');
    t.equal((await k('delete', 'crd', 'gadgets.example.com')).code, 0);

    // 12. deleting the definition deletes its objects, then the definition
    const deleted = await k('delete', 'crd', 'widgets.example.com');
    t.equal(deleted.stdout.trim(), 'customresourcedefinition.apiextensions.k8s.io "widgets.example.com" deleted', deleted.stderr);
    t.not((await k('get', 'crd', 'widgets.example.com')).code, 0);
    const gone = await n('get', 'widgets');
    t.not(gone.code, 0, 'widgets are no longer served');
    const stored = await fetchKeys(apiserver, '/registry/example.com/widgets/');
    t.equal(stored, 0, 'no Widget is left in the store');
  });
}

/** How many objects remain under a key prefix, read through a fresh definition of the same kind. */
async function fetchKeys(server: ApiserverProcess, _prefix: string): Promise<number> {
  const res = await kubectl(KUBECTL_VERSIONS[0], server.kubeconfig, ['create', '-f', '-'], CRD);
  if (res.code !== 0) return -1;
  let listed = await kubectl(KUBECTL_VERSIONS[0], server.kubeconfig, ['get', 'widgets', '-A', '-o', 'name']);
  for (let i = 0; listed.code !== 0 && i < 20; i++) listed = await kubectl(KUBECTL_VERSIONS[0], server.kubeconfig, ['get', 'widgets', '-A', '-o', 'name']);
  await kubectl(KUBECTL_VERSIONS[0], server.kubeconfig, ['delete', 'crd', 'widgets.example.com']);
  return listed.stdout.trim() === '' ? 0 : listed.stdout.trim().split('\n').length;
}
