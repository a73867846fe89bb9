// Auditing as kube-apiserver does it (--audit-policy-file, --audit-log-path): the policy's first
// matching rule decides the level; a create, a request RBAC denies and a watch produce
// audit.k8s.io/v1 Events with their stages, user, objectRef, response status, authorization
// decision and, at RequestResponse, the request and response objects; requests a None rule
// matches leave nothing; an invalid policy stops the apiserver at start with the reason.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { request } from 'undici';
import { startApiserver } from '../lib/launch/apiserver-process.js';
import { addToken, ensureTokenFile } from '../lib/pki/tokens.js';
import { pool } from '../bench/lib/load.js';
import { DIST } from './helpers/paths.js';

const POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
rules:
- level: None
  nonResourceURLs: ["/readyz", "/livez", "/healthz*"]
- level: RequestResponse
  resources: [{group: "", resources: ["secrets"]}]
- level: Metadata
  resources: [{group: "", resources: ["configmaps"]}]
  omitStages: []
`;

interface AuditEvent {
  kind: string;
  apiVersion: string;
  level: string;
  auditID: string;
  stage: string;
  verb: string;
  requestURI: string;
  user: { username: string; groups: string[] };
  objectRef?: { resource: string; namespace?: string; name?: string; apiVersion: string };
  responseStatus?: { code: number; reason?: string; status?: string };
  requestObject?: { metadata?: { name?: string } };
  responseObject?: { metadata?: { name?: string; resourceVersion?: string } };
  annotations?: Record<string, string>;
  requestReceivedTimestamp: string;
  stageTimestamp: string;
}

t.test('a policy audits creates, denials and watches at their levels', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-audit-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const tokenFile = join(dir, 'tokens.csv');
  ensureTokenFile(tokenFile);
  const outsider = addToken(tokenFile, { name: 'outsider', uid: 'outsider', groups: [] });
  const policyFile = join(dir, 'policy.yaml');
  writeFileSync(policyFile, POLICY);
  const logFile = join(dir, 'audit', 'audit.log');
  const server = await startApiserver({ tokenFile, extraArgs: ['--audit-policy-file', policyFile, '--audit-log-path', logFile] });
  t.teardown(() => server.stop());
  const client = pool({ url: server.url, caPem: server.caPem }, 2);
  t.teardown(() => client.close());
  const call = async (token: string, method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res = await client.request({ method, path, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'user-agent': 'audit-test/1.0' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { code: res.statusCode, auditId: String(res.headers['audit-id'] ?? ''), text: await res.body.text() };
  };

  const created = await call(server.token, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'audited' }, data: { a: 'b' } });
  t.equal(created.code, 201);
  t.match(created.auditId, /^[0-9a-f-]{36}$/, 'the response carries its Audit-Id');
  const secret = await call(server.token, 'POST', '/api/v1/namespaces/default/secrets', { metadata: { name: 'kept' }, stringData: { k: 'v' } });
  t.equal(secret.code, 201);
  const denied = await call(outsider, 'GET', '/api/v1/namespaces/default/secrets');
  t.equal(denied.code, 403);
  const watched = await call(server.token, 'GET', '/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1');
  t.equal(watched.code, 200);
  const health = await request(`${server.url}/readyz`, { dispatcher: client });
  await health.body.text();
  await server.stop();

  const events = readFileSync(logFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as AuditEvent);
  const byId = (id: string) => events.filter((e) => e.auditID === id);
  t.ok(events.every((e) => e.kind === 'Event' && e.apiVersion === 'audit.k8s.io/v1'), 'every line is an audit.k8s.io/v1 Event');
  t.notOk(events.some((e) => e.requestURI.startsWith('/readyz')), 'a None rule leaves the health probe out');

  const create = byId(created.auditId);
  t.same(create.map((e) => e.stage), ['RequestReceived', 'ResponseComplete'], 'a create: RequestReceived, then ResponseComplete');
  t.match(create[1], {
    level: 'Metadata',
    verb: 'create',
    user: { username: 'admin' },
    objectRef: { resource: 'configmaps', namespace: 'default', name: 'audited', apiVersion: 'v1' },
    responseStatus: { code: 201 },
    annotations: { 'authorization.k8s.io/decision': 'allow' },
  });
  t.notOk('requestObject' in create[1]!, 'Metadata keeps the objects out');
  t.ok(Date.parse(create[1]!.stageTimestamp) >= Date.parse(create[1]!.requestReceivedTimestamp));

  const secretEvents = events.filter((e) => e.objectRef?.resource === 'secrets' && e.verb === 'create' && e.stage === 'ResponseComplete');
  t.equal(secretEvents.length, 1);
  t.match(secretEvents[0], { level: 'RequestResponse', requestObject: { metadata: { name: 'kept' } }, responseObject: { metadata: { name: 'kept' } } }, 'RequestResponse keeps both objects');

  const forbid = byId(denied.auditId).find((e) => e.stage === 'ResponseComplete');
  t.match(forbid, {
    verb: 'list',
    user: { username: 'outsider' },
    responseStatus: { code: 403, reason: 'Forbidden', status: 'Failure' },
    annotations: { 'authorization.k8s.io/decision': 'forbid' },
  }, 'the denied request is audited with its 403 and the forbid decision');

  const watch = byId(watched.auditId);
  t.same(watch.map((e) => e.stage), ['RequestReceived', 'ResponseStarted', 'ResponseComplete'], 'a watch has all three stages');
  t.equal(watch[0]?.verb, 'watch');
});

t.test('an invalid policy stops the apiserver at start with the reason', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-audit-bad-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const policyFile = join(dir, 'policy.yaml');
  writeFileSync(policyFile, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Everything\n');
  const run = spawnSync(process.execPath, [join(DIST, 'services', 'apiserver', 'main.js'), '--data-dir', join(dir, 'data'), '--secure-port', '0', '--audit-policy-file', policyFile, '--audit-log-path', join(dir, 'audit.log')], { encoding: 'utf8', timeout: 30_000 });
  t.equal(run.status, 2);
  t.match(run.stderr, /--audit-policy-file .*rules\[0\]\.level must be one of None, Metadata, Request, RequestResponse/);
  const unpaired = spawnSync(process.execPath, [join(DIST, 'services', 'apiserver', 'main.js'), '--data-dir', join(dir, 'data'), '--secure-port', '0', '--audit-log-path', join(dir, 'audit.log')], { encoding: 'utf8', timeout: 30_000 });
  t.equal(unpaired.status, 2);
  t.match(unpaired.stderr, /--audit-log-path needs --audit-policy-file/);
});
