// Loads the fetched Kubernetes .proto files and the Go field table from a schema directory.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import protobuf from 'protobufjs';
import type { GoFieldTable } from './go-fields.js';
import { MANIFEST_FILE, type SchemaManifest } from './schema-files.js';

export interface ProtobufSchema {
  root: protobuf.Root;
  goFields: GoFieldTable;
}

/** Parses .proto files (named as their imports name them) relative to `dir`, imports included. */
export function loadProtoRoot(dir: string, files: readonly string[]): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (isAbsolute(target) ? target : join(dir, target));
  // keepCase: the proto field names are the JSON names, FieldsV1's "Raw" included.
  root.loadSync([...files], { keepCase: true });
  root.resolveAll();
  return root;
}

export function schemaBuilt(dir: string): boolean {
  return existsSync(join(dir, MANIFEST_FILE));
}

/** Reads a complete schema directory; throws when it is missing or unreadable. */
export function loadSchema(dir: string): ProtobufSchema {
  const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as SchemaManifest;
  const goFields = JSON.parse(readFileSync(join(dir, manifest.goFieldsFile), 'utf8')) as GoFieldTable;
  return { root: loadProtoRoot(dir, manifest.protoFiles), goFields };
}
