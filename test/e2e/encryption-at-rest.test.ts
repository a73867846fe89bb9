// Encryption at rest (--encryption-provider-config, an EncryptionConfiguration): a Secret's value
// never reaches the store's files (a ConfigMap's does, which shows the search would find it),
// while get, list and watch answer in plain text; rotating the key (new key first, re-write every
// Secret, then drop the old key) leaves every Secret sealed by the new key and readable; a value
// sealed by a key no provider holds is an error, not garbage.
import { readdirSync, readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import t from 'tap';
import { startApiserver, type ApiserverProcess } from '../../lib/launch/apiserver-process.js';
import { Store } from '../../lib/native/store.js';
import { ensureTokenFile } from '../../lib/pki/tokens.js';
import { rest, type RestTarget } from '../helpers/rest.js';
import { openWatch } from '../helpers/watch-stream.js';

const KEY1 = randomBytes(32).toString('base64');
const KEY2 = randomBytes(32).toString('base64');
const SECRET_TEXT = `s3cr3t-${randomBytes(8).toString('hex')}`;
const CONFIG_TEXT = `pl41n-${randomBytes(8).toString('hex')}`;

function config(providers: string): string {
  return `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
- resources: [secrets]
  providers:
${providers}`;
}
const AESCBC_KEY1 = `  - aescbc:\n      keys:\n      - {name: key1, secret: "${KEY1}"}\n`;
const AESGCM_KEY2 = `  - aesgcm:\n      keys:\n      - {name: key2, secret: "${KEY2}"}\n`;
const IDENTITY = `  - identity: {}\n`;

/** Whether any file of the store holds `text` (or its base64, as Secret data is kept). */
function storeHolds(dataDir: string, text: string): boolean {
  const dir = join(dataDir, 'store');
  const needles = [Buffer.from(text), Buffer.from(Buffer.from(text).toString('base64'))];
  return readdirSync(dir).some((file) => {
    const bytes = readFileSync(join(dir, file));
    return needles.some((needle) => bytes.includes(needle));
  });
}

t.test('Secrets are sealed in the store, read in plain text, and re-sealed by a rotated key', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'rudder-encryption-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const dataDir = join(root, 'data');
  const tokenFile = join(root, 'tokens.csv');
  ensureTokenFile(tokenFile);
  const configFile = join(root, 'encryption.yaml');
  const start = async (providers: string): Promise<{ server: ApiserverProcess; target: RestTarget }> => {
    writeFileSync(configFile, config(providers));
    const server = await startApiserver({ dataDir, tokenFile, extraArgs: ['--encryption-provider-config', configFile] });
    t.teardown(() => server.stop());
    return { server, target: { url: server.url, caPem: server.caPem, token: server.token } };
  };

  // 1. aescbc with key1 writes; identity reads what was there before.
  let { server, target } = await start(AESCBC_KEY1 + IDENTITY);
  const watch = await openWatch(target, '/api/v1/namespaces/default/secrets?watch=true');
  const created = await rest(target, 'POST', '/api/v1/namespaces/default/secrets', { metadata: { name: 'db' }, stringData: { password: SECRET_TEXT } });
  t.equal(created.status, 201);
  const cm = await rest(target, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'plain' }, data: { v: CONFIG_TEXT } });
  t.equal(cm.status, 201);
  const read = await rest(target, 'GET', '/api/v1/namespaces/default/secrets/db');
  t.equal(Buffer.from((read.json() as { data: { password: string } }).data.password, 'base64').toString(), SECRET_TEXT, 'get answers the plain value');
  const listed = await rest(target, 'GET', '/api/v1/namespaces/default/secrets');
  t.ok(JSON.stringify(listed.json()).includes(Buffer.from(SECRET_TEXT).toString('base64')), 'list answers the plain value');
  t.ok(await watch.until((events) => events.some((e) => e.object.metadata?.name === 'db')));
  const event = watch.events.find((e) => e.object.metadata?.name === 'db');
  t.match(event, { type: 'ADDED', object: { metadata: { name: 'db' }, data: { password: Buffer.from(SECRET_TEXT).toString('base64') } } }, 'watch answers the plain value');
  watch.close();
  await server.stop();
  t.notOk(storeHolds(dataDir, SECRET_TEXT), "the Secret's value is in none of the store's files");
  t.ok(storeHolds(dataDir, CONFIG_TEXT), "a ConfigMap's value is (the search finds what is there)");

  // 2. Rotation: key2 (aesgcm) first, key1 still readable; re-write every Secret; then drop key1.
  ({ server, target } = await start(AESGCM_KEY2 + AESCBC_KEY1));
  const secrets = (await rest(target, 'GET', '/api/v1/secrets')).json() as { items: { metadata: { namespace: string; name: string } }[] };
  t.ok(secrets.items.length >= 1, 'key1 still opens the old Secrets');
  for (const item of secrets.items) {
    const replaced = await rest(target, 'PUT', `/api/v1/namespaces/${item.metadata.namespace}/secrets/${item.metadata.name}`, item);
    t.equal(replaced.status, 200, `re-wrote ${item.metadata.namespace}/${item.metadata.name}`);
  }
  await server.stop();
  const offline = Store.open({ dataDir: join(dataDir, 'store') });
  const stored = offline.range<unknown>('/registry/core/secrets/').kvs;
  await offline.close();
  t.ok(stored.length >= 1);
  t.same(
    stored.filter((kv) => !(kv.value instanceof Uint8Array && Buffer.from(kv.value).subarray(0, 23).toString() === 'k8s:enc:aesgcm:v1:key2:')).map((kv) => kv.key),
    [],
    'every Secret is sealed by key2 (aesgcm) now',
  );
  ({ server, target } = await start(AESGCM_KEY2));
  const again = await rest(target, 'GET', '/api/v1/namespaces/default/secrets/db');
  t.equal(Buffer.from((again.json() as { data: { password: string } }).data.password, 'base64').toString(), SECRET_TEXT, 'readable with key2 alone');
  await server.stop();

  // 3. A key nobody holds any more: reading is an error, not garbage.
  ({ server, target } = await start(AESCBC_KEY1));
  const unreadable = await rest(target, 'GET', '/api/v1/namespaces/default/secrets/db');
  t.equal(unreadable.status, 500, 'a Secret sealed by a removed key cannot be read');
  t.match(unreadable.text, /sealed with aesgcm:v1:key2/);
  await server.stop();
});
