// The encryption providers and EncryptionConfiguration parsing: each provider opens what it
// sealed and nothing else (aesgcm binds a value to its storage key), the envelope names provider
// and key as Kubernetes writes it, and a bad configuration names what is wrong.
import { randomBytes } from 'node:crypto';
import t from 'tap';
import { parseEncryptionConfig } from '../services/apiserver/encryption/encryption-config.js';
import { EncryptingTransformer } from '../services/apiserver/encryption/encrypting-transformer.js';

function configFor(provider: string, bytes: number): string {
  return `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
- resources: [secrets, "*.apps"]
  providers:
  - ${provider}:
      keys:
      - {name: k1, secret: "${randomBytes(bytes).toString('base64')}"}
`;
}

for (const provider of ['aescbc', 'aesgcm', 'secretbox']) {
  t.test(`${provider} seals and opens, and refuses tampering`, async (t) => {
    const transformer = new EncryptingTransformer(parseEncryptionConfig(configFor(provider, 32)));
    const key = '/registry/core/secrets/default/db';
    const value = { kind: 'Secret', data: { password: 'aGVsbG8=' } };
    t.ok(transformer.applies(key));
    t.ok(transformer.applies('/registry/apps/deployments/default/web'), '"*.apps" covers the group');
    t.notOk(transformer.applies('/registry/core/configmaps/default/x'));
    const sealed = transformer.toStored(key, value) as Buffer;
    t.equal(sealed.subarray(0, `k8s:enc:${provider}:v1:k1:`.length).toString(), `k8s:enc:${provider}:v1:k1:`);
    t.notOk(sealed.includes(Buffer.from('aGVsbG8=')), 'the value is not in the sealed bytes');
    t.same(transformer.fromStored(key, sealed), value);
    t.notOk(transformer.isStale(key, sealed));
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    t.throws(() => transformer.fromStored(key, tampered), 'a changed byte is refused');
    if (provider === 'aesgcm') t.throws(() => transformer.fromStored('/registry/core/secrets/default/other', sealed), 'a value moved to another key is refused');
  });
}

t.test('configuration errors name what is wrong', async (t) => {
  t.throws(() => parseEncryptionConfig(configFor('secretbox', 16)), /secretbox key must be 32 bytes/);
  t.throws(() => parseEncryptionConfig(configFor('rot13', 32)), /unknown provider "rot13"/);
  t.throws(() => parseEncryptionConfig('kind: Policy'), /EncryptionConfiguration/);
  const identityFirst = new EncryptingTransformer(parseEncryptionConfig(configFor('aescbc', 32).replace('  - aescbc:', '  - identity: {}\n  - aescbc:')));
  t.notOk(identityFirst.applies('/registry/core/configmaps/a/b'));
  t.equal(identityFirst.toStored('/registry/core/secrets/a/b', { a: 1 }) instanceof Uint8Array, false, 'identity first: stored as it is');
});
