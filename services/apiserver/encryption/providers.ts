// The encryption providers of kube-apiserver's EncryptionConfiguration, each writing Kubernetes'
// envelope: "k8s:enc:<provider>:v1:<key name>:" followed by the provider's bytes —
// aescbc (a random 16-byte IV, then AES-CBC with PKCS#7 padding), aesgcm (a random 12-byte nonce,
// then AES-GCM with its tag; the storage key is the authenticated data, so a value cannot be moved
// to another key), secretbox (a random 24-byte nonce, then XSalsa20-Poly1305 through
// @noble/ciphers, as NaCl's secretbox) — and identity, which stores values as they are.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { secretbox } from '@noble/ciphers/salsa.js';

export const ENVELOPE_PREFIX = 'k8s:enc:';

export interface EncryptionKey {
  name: string;
  secret: Buffer;
}

export interface Provider {
  /** aescbc, aesgcm, secretbox or identity. */
  kind: string;
  /** The envelope prefix of values it writes ('' for identity). */
  prefix: string;
  encrypt(plain: Uint8Array, key: string): Buffer;
  decrypt(sealed: Uint8Array, key: string): Buffer;
}

function aescbc(key: EncryptionKey): Provider {
  const algorithm = `aes-${key.secret.length * 8}-cbc`;
  return {
    kind: 'aescbc',
    prefix: `${ENVELOPE_PREFIX}aescbc:v1:${key.name}:`,
    encrypt(plain) {
      const iv = randomBytes(16);
      const cipher = createCipheriv(algorithm, key.secret, iv);
      return Buffer.concat([iv, cipher.update(plain), cipher.final()]);
    },
    decrypt(sealed) {
      if (sealed.length < 32 || sealed.length % 16 !== 0) throw new Error('the data is not a whole number of AES blocks');
      const decipher = createDecipheriv(algorithm, key.secret, sealed.subarray(0, 16));
      return Buffer.concat([decipher.update(sealed.subarray(16)), decipher.final()]);
    },
  };
}

function aesgcm(key: EncryptionKey): Provider {
  const algorithm = `aes-${key.secret.length * 8}-gcm` as 'aes-256-gcm';
  return {
    kind: 'aesgcm',
    prefix: `${ENVELOPE_PREFIX}aesgcm:v1:${key.name}:`,
    encrypt(plain, storageKey) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv(algorithm, key.secret, nonce);
      cipher.setAAD(Buffer.from(storageKey));
      return Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    },
    decrypt(sealed, storageKey) {
      if (sealed.length < 12 + 16) throw new Error('the data is shorter than a nonce and a tag');
      const decipher = createDecipheriv(algorithm, key.secret, sealed.subarray(0, 12));
      decipher.setAAD(Buffer.from(storageKey));
      decipher.setAuthTag(sealed.subarray(sealed.length - 16));
      return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
    },
  };
}

function secretboxProvider(key: EncryptionKey): Provider {
  return {
    kind: 'secretbox',
    prefix: `${ENVELOPE_PREFIX}secretbox:v1:${key.name}:`,
    encrypt(plain) {
      const nonce = randomBytes(24);
      return Buffer.concat([nonce, secretbox(key.secret, nonce).seal(plain)]);
    },
    decrypt(sealed) {
      if (sealed.length < 24 + 16) throw new Error('the data is shorter than a nonce and a tag');
      return Buffer.from(secretbox(key.secret, sealed.subarray(0, 24)).open(sealed.subarray(24)));
    },
  };
}

export const IDENTITY: Provider = {
  kind: 'identity',
  prefix: '',
  encrypt: (plain) => Buffer.from(plain),
  decrypt: (sealed) => Buffer.from(sealed),
};

const KEY_LENGTHS: Record<string, number[]> = { aescbc: [16, 24, 32], aesgcm: [16, 24, 32], secretbox: [32] };
const MAKERS: Record<string, (key: EncryptionKey) => Provider> = { aescbc, aesgcm, secretbox: secretboxProvider };

/** One provider per key of a provider entry; throws an Error naming what is wrong. */
export function providersOf(kind: string, keys: EncryptionKey[], where: string): Provider[] {
  const make = MAKERS[kind];
  if (!make) throw new Error(`${where}: unknown provider "${kind}" (aescbc, aesgcm, secretbox, identity)`);
  if (keys.length === 0) throw new Error(`${where}.keys: at least one key is required`);
  return keys.map((key, i) => {
    if (!KEY_LENGTHS[kind]!.includes(key.secret.length)) throw new Error(`${where}.keys[${i}].secret: a ${kind} key must be ${KEY_LENGTHS[kind]!.join(', ')} bytes (base64), not ${key.secret.length}`);
    return make(key);
  });
}
