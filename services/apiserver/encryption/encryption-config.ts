// kube-apiserver's --encryption-provider-config: an EncryptionConfiguration
// (apiserver.config.k8s.io/v1) listing, per group of resources, providers in order — the first
// encrypts every write, all of them can read (so a key can be rotated: add the new key first,
// keep the old one after it, re-write every object, then drop the old key).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { IDENTITY, providersOf, type EncryptionKey, type Provider } from './providers.js';

export interface ResourceEncryption {
  /** The resources as the configuration names them: "secrets", "deployments.apps", "*.apps", "*.*". */
  resources: string[];
  /** Every key of every provider, in order; the first writes. */
  providers: Provider[];
}

function keysOf(raw: unknown, where: string): EncryptionKey[] {
  const keys = (raw as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new Error(`${where}.keys must be a list`);
  return keys.map((key: unknown, i) => {
    const k = key as { name?: unknown; secret?: unknown } | null;
    if (typeof k?.name !== 'string' || k.name === '' || k.name.includes(':')) throw new Error(`${where}.keys[${i}].name must be a non-empty name without ":"`);
    if (typeof k.secret !== 'string') throw new Error(`${where}.keys[${i}].secret must be a base64 string`);
    return { name: k.name, secret: Buffer.from(k.secret, 'base64') };
  });
}

export function parseEncryptionConfig(text: string): ResourceEncryption[] {
  const doc = parse(text) as Record<string, unknown> | null;
  if (doc?.kind !== 'EncryptionConfiguration' || (doc.apiVersion !== 'apiserver.config.k8s.io/v1' && doc.apiVersion !== 'v1')) {
    throw new Error('the file must hold kind EncryptionConfiguration, apiVersion apiserver.config.k8s.io/v1');
  }
  if (!Array.isArray(doc.resources) || doc.resources.length === 0) throw new Error('resources must be a non-empty list');
  return doc.resources.map((entry: unknown, i) => {
    const where = `resources[${i}]`;
    const e = entry as { resources?: unknown; providers?: unknown } | null;
    if (!Array.isArray(e?.resources) || e.resources.length === 0 || e.resources.some((r) => typeof r !== 'string')) throw new Error(`${where}.resources must be a non-empty list of resource names`);
    if (!Array.isArray(e.providers) || e.providers.length === 0) throw new Error(`${where}.providers must be a non-empty list`);
    const providers = e.providers.flatMap((provider: unknown, j) => {
      const at = `${where}.providers[${j}]`;
      const kinds = Object.keys((provider ?? {}) as object);
      if (kinds.length !== 1) throw new Error(`${at} must name exactly one provider`);
      const kind = kinds[0]!;
      if (kind === 'identity') return [IDENTITY];
      return providersOf(kind, keysOf((provider as Record<string, unknown>)[kind], `${at}.${kind}`), `${at}.${kind}`);
    });
    return { resources: e.resources as string[], providers };
  });
}

export function loadEncryptionConfig(path: string): ResourceEncryption[] {
  try {
    return parseEncryptionConfig(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`--encryption-provider-config ${path}: ${(error as Error).message}`);
  }
}
