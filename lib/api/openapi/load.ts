// Reads the generated documents from disk, once, into the byte forms the server sends:
// the v2 document as JSON and protobuf, and each v3 group-version document as JSON with the
// hash the /openapi/v3 index advertises (upper-case hex SHA-512 of the JSON, as Kubernetes).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultOpenApiDir, DEFINITIONS_FILE, V2_JSON_FILE, V2_PROTOBUF_FILE, V3_INDEX_FILE, v3File } from './files.js';
import type { Definitions } from './schema.js';

export interface ServedDocument {
  body: Buffer;
  /** Upper-case hex SHA-512 of the JSON form: the ETag, and the v3 `hash` query parameter. */
  hash: string;
}

export interface LoadedDocuments {
  v2Json: ServedDocument;
  v2Protobuf: ServedDocument;
  /** Keyed "api/v1", "apis/apps/v1". */
  v3: Map<string, ServedDocument>;
}

export function documentHash(json: Buffer): string {
  return createHash('sha512').update(json).digest('hex').toUpperCase();
}

function readGenerated(dir: string, file: string): Buffer {
  const path = join(dir, file);
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: the OpenAPI documents are generated at build time; run \`npm run ensure\` (or node dist/build-tools/openapi/generate.js ${dir})`);
  }
  return readFileSync(path);
}

export function loadDocuments(dir: string): LoadedDocuments {
  const v2Json = readGenerated(dir, V2_JSON_FILE);
  const v2Hash = documentHash(v2Json);
  const keys = JSON.parse(readGenerated(dir, V3_INDEX_FILE).toString('utf8')) as string[];
  const v3 = new Map<string, ServedDocument>();
  for (const key of keys) {
    const body = readGenerated(dir, v3File(key));
    v3.set(key, { body, hash: documentHash(body) });
  }
  return {
    v2Json: { body: v2Json, hash: v2Hash },
    v2Protobuf: { body: readGenerated(dir, V2_PROTOBUF_FILE), hash: v2Hash },
    v3,
  };
}

export function loadDefinitions(dir: string): Definitions {
  return JSON.parse(readGenerated(dir, DEFINITIONS_FILE).toString('utf8')) as Definitions;
}

let served: Definitions | undefined;

/**
 * The definitions of the built dist/openapi, read once: the strict decoder and the strategic
 * merge patch share them.
 */
export function loadServedDefinitions(): Definitions {
  served ??= loadDefinitions(defaultOpenApiDir());
  return served;
}
