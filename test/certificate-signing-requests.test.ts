// CertificateSigningRequests through the real apiserver (inject): who asked is recorded and cannot
// be forged, nothing sent at create approves a request, the main resource changes only metadata,
// /approval sets Approved or Denied with timestamps, /status cannot touch the approval but may add
// the certificate once; and the ConfigMap kube-apiserver writes at first start for legacy token
// tracking is there.
import t from 'tap';
import { injectServer, type InjectServer } from './helpers/inject-server.js';
import { CERTIFICATE_PEM, certificateSigningRequest } from './validation-fixtures.js';

const CSRS = '/apis/certificates.k8s.io/v1/certificatesigningrequests';
const NOW = new Date('2024-05-01T10:00:00Z');

let server: InjectServer;

t.beforeEach(async () => {
  server = await injectServer({ clock: () => NOW });
});

t.afterEach(async () => {
  await server.close();
});

type Body = Record<string, unknown> & { spec?: Record<string, unknown>; status?: Record<string, unknown>; metadata?: Record<string, unknown> };

async function call(method: 'POST' | 'PUT' | 'GET' | 'PATCH', url: string, payload?: unknown, contentType?: string): Promise<{ statusCode: number; body: Body }> {
  const headers = contentType ? { ...server.auth, 'content-type': contentType } : server.auth;
  const r = await server.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  return { statusCode: r.statusCode, body: r.json() as Body };
}

const approved = { type: 'Approved', status: 'True', reason: 'ByTest', message: 'approved' };

t.test('create records the requester and drops a sent status', async (t) => {
  const sent = certificateSigningRequest();
  sent.spec = { ...(sent.spec as object), username: 'mallory', groups: ['system:masters'] };
  sent.status = { conditions: [approved] };
  const created = await call('POST', CSRS, sent);
  t.equal(created.statusCode, 201);
  t.match(created.body.spec, { username: 'admin', uid: 'admin', groups: ['system:masters'] }, 'the requester is the authenticated user, not what was sent');
  t.same(created.body.status, {}, 'a request cannot be created approved');
});

t.test('the main resource changes metadata only; approval and status each their part', async (t) => {
  const created = (await call('POST', CSRS, certificateSigningRequest())).body;
  const url = `${CSRS}/alice`;

  // 1. an update of the main resource keeps the spec and the status
  const edited = { ...created, metadata: { ...created.metadata, labels: { team: 'a' } }, spec: { ...created.spec, signerName: 'example.com/other' }, status: { conditions: [approved] } };
  const updated = await call('PUT', url, edited);
  t.equal(updated.statusCode, 200);
  t.same(updated.body.metadata?.labels, { team: 'a' });
  t.equal(updated.body.spec?.signerName, 'kubernetes.io/kube-apiserver-client');
  t.same(updated.body.status, {});

  // 2. /status may not approve: the conditions it tried to add are dropped
  const viaStatus = await call('PUT', `${url}/status`, { ...updated.body, status: { conditions: [approved] } });
  t.equal(viaStatus.statusCode, 200);
  t.notOk(viaStatus.body.status?.conditions, 'no Approved condition through /status');

  // 3. /approval approves, filling in the condition's times
  const viaApproval = await call('PUT', `${url}/approval`, { ...viaStatus.body, status: { conditions: [approved] } });
  t.equal(viaApproval.statusCode, 200);
  t.same(viaApproval.body.status?.conditions, [{ ...approved, lastUpdateTime: '2024-05-01T10:00:00Z', lastTransitionTime: '2024-05-01T10:00:00Z' }]);
  const approval = await call('GET', `${url}/approval`);
  t.same(approval.body.status?.conditions, viaApproval.body.status?.conditions, 'GET of /approval reads the request');

  // 4. an approved request cannot be denied as well, nor lose its approval
  const both = await call('PUT', `${url}/approval`, { ...viaApproval.body, status: { conditions: [...(viaApproval.body.status?.conditions as object[]), { type: 'Denied', status: 'True' }] } });
  t.equal(both.statusCode, 422);
  t.match(both.body.message, 'status.conditions[1].type: Invalid value: "Denied": Approved and Denied conditions are mutually exclusive');
  const removed = await call('PATCH', `${url}/approval`, { status: { conditions: [] } }, 'application/merge-patch+json');
  t.equal(removed.statusCode, 422);
  t.match(removed.body.message, 'status.conditions: Forbidden: updates may not remove a condition of type "Approved"');

  // 5. the signer adds the certificate through /status, once
  const certificate = Buffer.from(CERTIFICATE_PEM).toString('base64');
  const issued = await call('PATCH', `${url}/status`, { status: { certificate } }, 'application/merge-patch+json');
  t.equal(issued.statusCode, 200, JSON.stringify(issued.body));
  t.equal(issued.body.status?.certificate, certificate);
  t.equal((issued.body.status?.conditions as object[]).length, 1, 'the approval stays');
  const reissued = await call('PATCH', `${url}/status`, { status: { certificate: Buffer.from(CERTIFICATE_PEM + CERTIFICATE_PEM).toString('base64') } }, 'application/merge-patch+json');
  t.equal(reissued.statusCode, 422);
  t.match(reissued.body.message, 'status.certificate: Forbidden: updates may not modify existing certificate content');
  const table = await server.app.inject({ method: 'GET', url, headers: { ...server.auth, accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } });
  t.same((table.json() as { rows: { cells: unknown[] }[] }).rows[0]!.cells.slice(3), ['admin', '24h', 'Approved,Issued']);
});

t.test('the signer field selector', async (t) => {
  await call('POST', CSRS, certificateSigningRequest());
  const other = certificateSigningRequest();
  other.metadata = { name: 'bob' };
  other.spec = { ...(other.spec as object), signerName: 'example.com/internal' };
  await call('POST', CSRS, other);
  const listed = await call('GET', `${CSRS}?fieldSelector=spec.signerName%3Dexample.com%2Finternal`);
  t.same((listed.body.items as Body[]).map((i) => i.metadata?.name), ['bob']);
  const refused = await call('GET', `${CSRS}?fieldSelector=spec.usages%3Dx`);
  t.equal(refused.statusCode, 400);
  t.match(refused.body.message, 'field label not supported: spec.usages');
});

t.test('bootstrap writes the legacy token tracking ConfigMap, as kube-apiserver does', async (t) => {
  const configMap = await call('GET', '/api/v1/namespaces/kube-system/configmaps/kube-apiserver-legacy-service-account-token-tracking');
  t.equal(configMap.statusCode, 200);
  t.match(configMap.body.data, { since: /^\d{4}-\d{2}-\d{2}$/ });
});
