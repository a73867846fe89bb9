// Objects in the shape Kubernetes writes them. kube-apiserver decodes every object into its Go
// type and encodes it back, so what it stores and serves has Go's shape: zero values of
// `omitempty` fields gone (an env var's `value: ""`, an empty `data: {}`), fields without
// `omitempty` present even when zero (a ReplicaSet's `status.replicas: 0`, an Event's
// `source: {}`), quantities canonical ("1.5Gi" is "1536Mi", 0.25 is "250m"). The protobuf schema
// and the Go field table carry exactly those rules, so a write is put in that shape once before it
// is stored (protobuf/canonical-json.ts) — and then the JSON, msgpack and protobuf a client reads
// back are the same object.
import protobuf from 'protobufjs';
import type { KubeObject } from './object.js';
import { JsonCanonicalizer } from './protobuf/canonical-json.js';
import { responseMessageFor } from './protobuf/kinds.js';
import { lazySchema } from './protobuf/schema-loader.js';
import { DEFAULT_SCHEMA_DIR } from './protobuf/schema-files.js';

const schema = lazySchema(DEFAULT_SCHEMA_DIR);
let canonicalizer: JsonCanonicalizer | undefined;
const types = new Map<string, protobuf.Type | undefined>();

function messageType(apiVersion: string, kind: string): protobuf.Type | undefined {
  const key = `${apiVersion} ${kind}`;
  if (types.has(key)) return types.get(key);
  const name = responseMessageFor(apiVersion, kind);
  const found = name === undefined ? undefined : schema.load().root.lookup(name);
  const type = found instanceof protobuf.Type ? found : undefined;
  types.set(key, type);
  return type;
}

/** The object as Kubernetes would store it; unchanged when no protobuf schema was built. */
export function canonicalForm<T extends KubeObject>(obj: T): T {
  if (!schema.available()) return obj;
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const type = messageType(apiVersion, kind);
  if (type === undefined) return obj;
  canonicalizer ??= new JsonCanonicalizer(schema.load().goFields);
  return { apiVersion, kind, ...canonicalizer.canonical(type, obj) } as unknown as T;
}
