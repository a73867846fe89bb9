// Server-side apply through the real kubectl (1.27 and 1.33) against a real apiserver: a
// multi-document manifest applied twice (the second run changes nothing: same resourceVersions),
// a conflict between two managers printed as kubectl prints Kubernetes' conflicts,
// --force-conflicts taking the field over, a field dropped from the applied file disappearing,
// `get --show-managed-fields` showing the managers, and a client-side `kubectl apply` followed by
// `apply --server-side` taking the fields over without a conflict.
import { join } from 'node:path';
import t from 'tap';
import { startApiserver, type ApiserverProcess } from '../../lib/launch/apiserver-process.js';
import { kubectlSession } from '../helpers/kubectl.js';
import { KUBECTL_VERSIONS } from '../helpers/paths.js';

interface Managed {
  manager: string;
  operation: string;
  apiVersion: string;
  fieldsV1: Record<string, unknown>;
}

interface Obj {
  metadata: { resourceVersion: string; labels?: Record<string, string>; managedFields?: Managed[] };
  data?: Record<string, string>;
  spec?: { replicas?: number };
}

function manifest(color: string, withTier: boolean): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels:
    app: demo${withTier ? '\n    tier: web' : ''}
data:
  color: ${color}
  size: large
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports:
        - containerPort: 80
`;
}

let apiserver: ApiserverProcess;
t.before(async () => {
  apiserver = await startApiserver();
});
t.teardown(async () => {
  await apiserver?.stop();
});

for (const version of KUBECTL_VERSIONS) {
  t.test(`kubectl ${version}: server-side apply`, async (t) => {
    const { dir, n, file, created } = await kubectlSession(version, apiserver.kubeconfig, 'ssa');
    t.ok(created, 'namespace created');
    const get = async (what: string): Promise<Obj> => {
      const got = await n('get', what, '-o', 'json', '--show-managed-fields');
      t.equal(got.code, 0, got.stderr);
      return JSON.parse(got.stdout) as Obj;
    };

    // 1. a multi-document manifest, applied twice: the second run changes nothing
    const first = await n('apply', '--server-side', '-f', file('app.yaml', manifest('blue', true)));
    t.equal(first.code, 0, first.stderr);
    t.equal(first.stdout.trim(), 'configmap/settings serverside-applied\ndeployment.apps/web serverside-applied');
    const before = [await get('configmap/settings'), await get('deployment/web')];
    const second = await n('apply', '--server-side', '-f', join(dir, 'app.yaml'));
    t.equal(second.code, 0, second.stderr);
    t.equal(second.stdout.trim(), 'configmap/settings serverside-applied\ndeployment.apps/web serverside-applied');
    const after = [await get('configmap/settings'), await get('deployment/web')];
    t.same(
      after.map((o) => o.metadata.resourceVersion),
      before.map((o) => o.metadata.resourceVersion),
      'the second apply wrote nothing: same resourceVersions',
    );
    const applied = before[0]!.metadata.managedFields ?? [];
    t.same(
      applied.map((m) => [m.manager, m.operation]),
      [['kubectl', 'Apply']],
    );
    t.same(applied[0]!.fieldsV1, { 'f:data': { 'f:color': {}, 'f:size': {} }, 'f:metadata': { 'f:labels': { 'f:app': {}, 'f:tier': {} } } });

    // 2. another manager changing an owned field: a conflict, as kubectl prints it
    const other = file('other.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {color: red}\n');
    const conflict = await n('apply', '--server-side', '--field-manager', 'ops', '-f', other);
    t.not(conflict.code, 0);
    t.match(conflict.stderr, 'Apply failed with 1 conflict: conflict with "kubectl": .data.color');
    t.match(conflict.stderr, /Please review the fields above--they currently have other managers/);
    t.equal((await get('configmap/settings')).data?.color, 'blue', 'a refused apply changes nothing');

    // The same value from another manager is shared ownership, no conflict.
    const shared = await n('apply', '--server-side', '--field-manager', 'auditor', '-f', file('shared.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {size: large}\n'));
    t.equal(shared.code, 0, shared.stderr);

    // 3. --force-conflicts takes the field over
    const forced = await n('apply', '--server-side', '--field-manager', 'ops', '--force-conflicts', '-f', other);
    t.equal(forced.code, 0, forced.stderr);
    const taken = await get('configmap/settings');
    t.equal(taken.data?.color, 'red');
    const owners = new Map((taken.metadata.managedFields ?? []).map((m) => [m.manager, m.fieldsV1]));
    t.same(owners.get('ops'), { 'f:data': { 'f:color': {} } }, 'ops owns .data.color');
    t.same(owners.get('kubectl'), { 'f:data': { 'f:size': {} }, 'f:metadata': { 'f:labels': { 'f:app': {}, 'f:tier': {} } } }, 'kubectl no longer owns it');
    t.same(owners.get('auditor'), { 'f:data': { 'f:size': {} } }, 'auditor shares .data.size');

    // 4. a field dropped from the applied file disappears (no one else owns it); a shared one stays
    const dropped = await n('apply', '--server-side', '--force-conflicts', '-f', file('app2.yaml', manifest('red', false).replace('  size: large\n', '')));
    t.equal(dropped.code, 0, dropped.stderr);
    const pruned = await get('configmap/settings');
    t.same(pruned.metadata.labels, { app: 'demo' }, 'the dropped label is gone');
    t.equal(pruned.data?.size, 'large', 'a field another manager still owns stays');

    // 5. get --show-managed-fields shows the managers
    const shown = await n('get', 'configmap/settings', '-o', 'yaml', '--show-managed-fields');
    t.match(shown.stdout, /managedFields:/);
    t.match(shown.stdout, /manager: kubectl\n\s+operation: Apply/);
    t.match(shown.stdout, /manager: ops\n\s+operation: Apply/);
    t.match(shown.stdout, /fieldsType: FieldsV1/);
    const hidden = await n('get', 'configmap/settings', '-o', 'yaml');
    t.notMatch(hidden.stdout, /managedFields:/, 'hidden without the flag');

    // 6. client-side apply, then server-side apply takes the fields over without a conflict
    const csa = await n('apply', '-f', file('legacy.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: legacy}\ndata: {mode: old, keep: kept}\n'));
    t.equal(csa.code, 0, csa.stderr);
    t.same(
      ((await get('configmap/legacy')).metadata.managedFields ?? []).map((m) => [m.manager, m.operation]),
      [['kubectl-client-side-apply', 'Update']],
    );
    const ssa = await n('apply', '--server-side', '-f', file('legacy2.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: legacy}\ndata: {mode: new, keep: kept}\n'));
    t.equal(ssa.code, 0, ssa.stderr);
    t.equal(ssa.stdout.trim(), 'configmap/legacy serverside-applied');
    const migrated = await get('configmap/legacy');
    t.equal(migrated.data?.mode, 'new');
    const kubectlFields = (migrated.metadata.managedFields ?? []).find((m) => m.manager === 'kubectl' && m.operation === 'Apply');
    t.ok(kubectlFields, 'kubectl is now an Apply manager');
    t.same((kubectlFields?.fieldsV1 as { 'f:data'?: unknown })['f:data'], { 'f:keep': {}, 'f:mode': {} });
    const csaLeft = (migrated.metadata.managedFields ?? []).find((m) => m.manager === 'kubectl-client-side-apply');
    t.notOk(csaLeft !== undefined && JSON.stringify(csaLeft.fieldsV1).includes('f:mode'), 'the client-side manager no longer owns .data.mode');

  });
}
