// Encryption at rest as the store's value transformer: a value under a configured resource's keys
// is stored as its msgpack bytes sealed by the first provider (Kubernetes' envelope prefix first);
// reading finds the provider by the prefix. Values stored before encryption was configured (plain
// objects) are read only while identity is among the resource's providers, as in Kubernetes.
import { decodeMsgpack, encodeMsgpack } from '../../../lib/api/msgpack.js';
import type { ValueTransformer } from '../../../lib/native/store.js';
import type { ResourceEncryption } from './encryption-config.js';
import { ENVELOPE_PREFIX, type Provider } from './providers.js';

/** "secrets" -> core/secrets, "deployments.apps" -> apps/deployments; "*.apps" and "*.*" match a group or everything. */
function matcher(name: string): (group: string, resource: string) => boolean {
  if (name === '*.*') return () => true;
  const dot = name.indexOf('.');
  const resource = dot === -1 ? name : name.slice(0, dot);
  const group = dot === -1 ? 'core' : name.slice(dot + 1);
  return (g, r) => g === group && (resource === '*' || r === resource);
}

/** Group and resource of a storage key /registry/<group>/<resource>/... */
function groupResource(key: string): [string, string] {
  const parts = key.split('/', 4);
  return [parts[2] ?? '', parts[3] ?? ''];
}

const ENVELOPE = Buffer.from(ENVELOPE_PREFIX);

export class EncryptingTransformer implements ValueTransformer {
  private readonly rules: { matches: (group: string, resource: string) => boolean; providers: Provider[] }[];
  /** Providers by resource prefix, worked out once per resource. */
  private readonly byPrefix = new Map<string, Provider[] | null>();

  constructor(config: ResourceEncryption[]) {
    this.rules = config.flatMap((entry) => entry.resources.map((name) => ({ matches: matcher(name), providers: entry.providers })));
  }

  private providers(key: string): Provider[] | null {
    const [group, resource] = groupResource(key);
    const prefix = `${group}/${resource}`;
    let found = this.byPrefix.get(prefix);
    if (found === undefined) {
      found = this.rules.find((rule) => rule.matches(group, resource))?.providers ?? null;
      this.byPrefix.set(prefix, found);
    }
    return found;
  }

  applies(key: string): boolean {
    const providers = this.providers(key);
    // Only identity: nothing to seal or open.
    return providers !== null && providers.some((p) => p.kind !== 'identity');
  }

  toStored(key: string, value: unknown): unknown {
    const writer = this.providers(key)![0]!;
    if (writer.kind === 'identity') return value;
    return Buffer.concat([Buffer.from(writer.prefix), writer.encrypt(encodeMsgpack(value), key)]);
  }

  isStale(key: string, stored: unknown): boolean {
    const writer = this.providers(key)![0]!;
    const sealed = stored instanceof Uint8Array;
    if (writer.kind === 'identity') return sealed;
    return !sealed || !Buffer.from(stored.buffer, stored.byteOffset, Math.min(stored.length, writer.prefix.length)).equals(Buffer.from(writer.prefix));
  }

  fromStored(key: string, stored: unknown): unknown {
    const providers = this.providers(key)!;
    if (!(stored instanceof Uint8Array) || !Buffer.from(stored.buffer, stored.byteOffset, Math.min(stored.length, ENVELOPE.length)).equals(ENVELOPE)) {
      if (providers.some((p) => p.kind === 'identity')) return stored;
      throw new Error(`${key} is stored unencrypted and identity is not among its providers`);
    }
    const bytes = Buffer.from(stored.buffer, stored.byteOffset, stored.length);
    for (const provider of providers) {
      if (provider.prefix === '' || !bytes.subarray(0, provider.prefix.length).equals(Buffer.from(provider.prefix))) continue;
      return decodeMsgpack(provider.decrypt(bytes.subarray(provider.prefix.length), key));
    }
    const sealedWith = bytes.subarray(0, 80).toString('latin1').split(':').slice(2, 5).join(':');
    throw new Error(`no provider of ${key} can read data sealed with ${sealedWith} (was its key removed?)`);
  }
}
