// Hostile credentials against the apiserver's authentication: ServiceAccount JWTs that are
// unsigned (alg none), signed with another key or an HMAC of the public key, expired, for another
// audience, bound to a deleted pod, or mangled byte by byte; arbitrary bearer headers and
// impersonation headers; client certificates from another CA, expired, for server auth only, with
// an empty or arbitrary subject. Each is answered 401 or 403 (or the user it names, for a valid
// certificate), never 5xx.
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { exportSPKI, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import t from 'tap';
import { startApiserver } from '../lib/launch/apiserver-process.js';
import { pkiPaths } from '../lib/pki/certs.js';
import { createClientCert, issueCertificate } from '../lib/pki/issue.js';
import { ALGORITHM, readCa, serial, webcrypto, x509 } from '../lib/pki/x509.js';
import { ServiceAccountTokens } from '../services/apiserver/auth/service-account-tokens.js';
import { fuzzParameters } from './fuzz/settings.js';
import { injectServer, type InjectServer } from './helpers/inject-server.js';
import { rest } from './helpers/rest.js';

const AUDIENCE = 'https://kubernetes.default.svc.cluster.local';
const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const WHOAMI = '/apis/authentication.k8s.io/v1/selfsubjectreviews';

let now = new Date('2026-06-01T12:00:00Z');
let server: InjectServer;
t.before(async () => {
  server = await injectServer({ clock: () => now, apiAudiences: [AUDIENCE], users: { 'viewer-token': { name: 'viewer', uid: 'viewer', groups: [] } } });
});
t.teardown(() => server.close());

async function status(headers: Record<string, string>, url = WHOAMI): Promise<number> {
  const res = await server.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, payload: '{}' });
  return res.statusCode;
}

async function adminPost(url: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await server.app.inject({ method: 'POST', url, headers: { ...server.auth, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  return JSON.parse(res.body) as Record<string, unknown>;
}

async function requestToken(spec: Record<string, unknown>): Promise<string> {
  const answer = await adminPost('/api/v1/namespaces/default/serviceaccounts/fuzz/token', { spec });
  return (answer.status as { token: string }).token;
}

function segments(token: string): [Record<string, unknown>, Record<string, unknown>, string] {
  const [header, payload, signature] = token.split('.');
  const decode = (part: string): Record<string, unknown> => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  return [decode(header!), decode(payload!), signature!];
}

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

t.test('forged, expired and misdirected ServiceAccount tokens are 401', async (t) => {
  await adminPost('/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'fuzz' } });
  const good = await requestToken({ audiences: [AUDIENCE], expirationSeconds: 600 });
  t.equal(await status({ authorization: `Bearer ${good}` }), 201, 'the genuine token works');
  const [header, payload] = segments(good);

  const none = `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`;
  t.equal(await status({ authorization: `Bearer ${none}` }), 401, 'alg none');

  const other = await generateKeyPair('ES256');
  const wrongKey = await new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(other.privateKey);
  t.equal(await status({ authorization: `Bearer ${wrongKey}` }), 401, 'signed with another key');

  const jwks = JSON.parse((await server.app.inject({ method: 'GET', url: '/openid/v1/jwks', headers: server.auth })).body) as { keys: JWK[] };
  const publicPem = await exportSPKI((await importJWK(jwks.keys[0]!, 'ES256')) as Parameters<typeof exportSPKI>[0]);
  const hsInput = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`;
  const confused = `${hsInput}.${createHmac('sha256', publicPem).update(hsInput).digest('base64url')}`;
  t.equal(await status({ authorization: `Bearer ${confused}` }), 401, 'HS256 keyed with the public key');

  const elsewhere = await requestToken({ audiences: ['somewhere-else'], expirationSeconds: 600 });
  t.equal(await status({ authorization: `Bearer ${elsewhere}` }), 401, 'for another audience');

  const expiring = await requestToken({ audiences: [AUDIENCE], expirationSeconds: 600 });
  t.equal(await status({ authorization: `Bearer ${expiring}` }), 201);
  now = new Date(now.getTime() + 601_000);
  t.equal(await status({ authorization: `Bearer ${expiring}` }), 401, 'after it expired');
  t.equal(await status({ authorization: `Bearer ${good}` }), 401, 'the first token expired too');

  const pod = await adminPost('/api/v1/namespaces/default/pods', { metadata: { name: 'holder' }, spec: { serviceAccountName: 'fuzz', containers: [{ name: 'c', image: 'busybox' }] } });
  const bound = await requestToken({ audiences: [AUDIENCE], boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'holder', uid: (pod.metadata as { uid: string }).uid } });
  t.equal(await status({ authorization: `Bearer ${bound}` }), 201, 'bound to a live pod');
  await server.app.inject({ method: 'DELETE', url: '/api/v1/namespaces/default/pods/holder?gracePeriodSeconds=0', headers: server.auth });
  t.equal(await status({ authorization: `Bearer ${bound}` }), 401, 'after its pod is deleted');

  const short = await adminPost('/api/v1/namespaces/default/serviceaccounts/fuzz/token', { spec: { expirationSeconds: 599 } });
  t.match(short, { code: 422, message: /spec\.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes/ });
  const missing = await adminPost('/api/v1/namespaces/default/serviceaccounts/nobody/token', { spec: {} });
  t.match(missing, { code: 404, message: 'serviceaccounts "nobody" not found' });

  const live = await requestToken({ audiences: [AUDIENCE] });
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: live.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, flip) => {
      const mangled = live.slice(0, at) + String.fromCharCode(live.charCodeAt(at) ^ flip) + live.slice(at + 1);
      if (mangled === live) return;
      const code = await status({ authorization: `Bearer ${mangled}` });
      // Only the signature's last character has bits no byte uses: changing those alone changes nothing.
      if (code !== 401 && !(code === 201 && at === live.length - 1)) throw new Error(`a token mangled at ${at} got ${code}`);
    }),
    fuzzParameters(200),
  );
  await fc.assert(
    fc.asyncProperty(fc.string({ unit: fc.constantFrom(...'abcXYZ019._-=+/ \t"{}:,'.split('')), maxLength: 200 }), async (text) => {
      for (const value of [`Bearer ${text}`, text, `Bearer ${encode({ alg: text })}.${encode({ iss: ISSUER, aud: AUDIENCE, sub: text, exp: 9e9 })}.${text}`]) {
        const code = await status({ authorization: value });
        if (code !== 401 && code !== 403) throw new Error(`Authorization ${JSON.stringify(value)} got ${code}`);
      }
    }),
    fuzzParameters(200),
  );
  t.pass('no forged bearer credential got past authentication');
});

t.test('a legacy ServiceAccount token works while its Secret and ServiceAccount exist', async (t) => {
  const account = await adminPost('/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'legacy' } });
  await adminPost('/api/v1/namespaces/default/secrets', { metadata: { name: 'legacy-token', annotations: { 'kubernetes.io/service-account.name': 'legacy' } }, type: 'kubernetes.io/service-account-token' });
  const issuer = new ServiceAccountTokens({ key: server.serviceAccountKey, issuer: ISSUER, store: server.store, clock: () => now });
  const token = await issuer.issueLegacy('default', { name: 'legacy', uid: (account.metadata as { uid: string }).uid }, 'legacy-token');
  const who = await server.app.inject({ method: 'POST', url: WHOAMI, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: '{}' });
  t.equal(who.statusCode, 201);
  t.match(JSON.parse(who.body), { status: { userInfo: { username: 'system:serviceaccount:default:legacy', groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'] } } });
  await server.app.inject({ method: 'DELETE', url: '/api/v1/namespaces/default/secrets/legacy-token', headers: server.auth });
  t.equal(await status({ authorization: `Bearer ${token}` }), 401, 'after its Secret is deleted');
});

t.test('arbitrary impersonation headers are 400 or 403, never 5xx, and never grant a user without impersonate', async (t) => {
  const headerName = fc.oneof(fc.constantFrom('impersonate-user', 'impersonate-group', 'impersonate-uid'), fc.string({ unit: fc.constantFrom(...'abcdef-%2F'.split('')), minLength: 1, maxLength: 12 }).map((k) => `impersonate-extra-${k}`));
  const value = fc.string({ unit: fc.constantFrom(...'abc:system-serviceaccount*/ '.split('')), maxLength: 40 }).map((v) => v.trim() || 'x');
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(headerName, value), { minLength: 1, maxLength: 4 }), async (pairs) => {
      const headers: Record<string, string> = {};
      for (const [name, v] of pairs) headers[name] = v;
      const viewer = await status({ ...headers, authorization: 'Bearer viewer-token' });
      if (viewer !== 400 && viewer !== 403) throw new Error(`viewer impersonating ${JSON.stringify(headers)} got ${viewer}`);
      const admin = await status({ ...headers, ...server.auth });
      if (admin >= 500 || (admin !== 201 && admin !== 400 && admin !== 403)) throw new Error(`admin impersonating ${JSON.stringify(headers)} got ${admin}`);
      if (headers['impersonate-user'] === undefined && admin !== 400) throw new Error(`impersonation without a user must be 400, got ${admin} for ${JSON.stringify(headers)}`);
    }),
    fuzzParameters(150),
  );
  t.pass('impersonation headers never 5xx');
});

t.test('client certificates: another CA, expired, server-only and empty subjects are 401; any CA-signed subject is its user', async (t) => {
  const api = await startApiserver();
  t.teardown(() => api.stop());
  const pki = pkiPaths(join(api.dataDir, 'pki'));
  const ca = await readCa(pki.caCert, pki.caKey);
  const whoami = async (cert: { certPem: string; keyPem: string }): Promise<{ status: number; body: string }> => {
    const res = await rest({ url: api.url, caPem: api.caPem, certPem: cert.certPem, keyPem: cert.keyPem }, 'POST', WHOAMI, {});
    return { status: res.status, body: res.text };
  };

  const dir = mkdtempSync(join(tmpdir(), 'rudder-other-ca-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const otherCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=rudder-ca',
    notBefore: new Date(Date.now() - 1000),
    notAfter: new Date(Date.now() + 3600_000),
    signingAlgorithm: ALGORITHM,
    keys: keys as webcrypto.CryptoKeyPair,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
  });
  const otherCa = { cert: otherCert, key: keys.privateKey as webcrypto.CryptoKey };
  t.equal((await whoami(await createClientCert(otherCa, 'mallory', ['system:masters']))).status, 401, 'signed by another CA with the same name');
  t.equal((await whoami(await createClientCert(ca, 'late', [], { now: new Date(Date.now() - 7200_000), lifetimeMs: 3600_000 }))).status, 401, 'expired');
  t.equal((await whoami(await issueCertificate(ca, { subject: 'CN=server-only', usages: [x509.ExtendedKeyUsage.serverAuth] }))).status, 401, 'not for client auth');
  t.equal((await whoami(await issueCertificate(ca, { subject: 'O=nobody', usages: [x509.ExtendedKeyUsage.clientAuth] }))).status, 401, 'no common name');

  const name = fc.string({ unit: fc.constantFrom(...'abcXYZ019:._-@ ,+=<>#;'.split('')), minLength: 1, maxLength: 24 }).filter((s) => s.trim() === s && s !== '' && !s.startsWith('#'));
  await fc.assert(
    fc.asyncProperty(name, fc.array(name, { maxLength: 3 }), async (user, groups) => {
      const answer = await whoami(await createClientCert(ca, user, groups));
      if (answer.status !== 201) throw new Error(`CN=${JSON.stringify(user)} O=${JSON.stringify(groups)} got ${answer.status}: ${answer.body}`);
      const info = (JSON.parse(answer.body) as { status: { userInfo: { username: string; groups: string[] } } }).status.userInfo;
      if (info.username !== user || JSON.stringify(info.groups) !== JSON.stringify([...groups, 'system:authenticated'].filter((g, i, all) => all.indexOf(g) === i))) {
        throw new Error(`CN=${JSON.stringify(user)} O=${JSON.stringify(groups)} became ${JSON.stringify(info)}`);
      }
    }),
    fuzzParameters(25),
  );
  t.pass('every CA-signed subject is read back exactly');
});
