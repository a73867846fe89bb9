// Builds Rudder's OpenAPI documents from the kubernetes-types declarations and the resource
// table, at build time: `node dist/build-tools/openapi/generate.js <outdir>` (scripts/ensure.mjs
// runs it into dist/openapi). The apiserver only reads the files this writes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SwaggerDocument } from '../../lib/api/openapi/document-types.js';
import { buildV3Documents, type OpenAPIV3Document } from './document-v3.js';
import { readDefinitions } from './from-typescript.js';
import { KUBERNETES_VERSION } from '../../lib/api/openapi/kubernetes-version.js';
import { patchStrategyOf } from '../../lib/api/patch/patch-strategies.js';
import type { PatchMetadataLookup } from './patch-metadata.js';
import { allPaths } from './paths.js';
import { encodeSwagger } from './protobuf-v2.js';
import { publishedKinds } from './published-definitions.js';
import type { Definitions } from '../../lib/api/openapi/schema.js';
import { DEFINITIONS_FILE, V2_JSON_FILE, V2_PROTOBUF_FILE, V3_INDEX_FILE, v3File } from '../../lib/api/openapi/files.js';

export interface GenerateOptions {
  /** Strategic-merge-patch metadata per field (default: the table the patch code merges with). */
  patchMetadata?: PatchMetadataLookup;
}

export interface GeneratedDocuments {
  definitions: Definitions;
  swagger: SwaggerDocument;
  swaggerProtobuf: Uint8Array;
  /** Keyed "api/v1", "apis/apps/v1". */
  v3: Map<string, OpenAPIV3Document>;
}

export function generateDocuments(options: GenerateOptions = {}): GeneratedDocuments {
  const { roots, groupVersionKinds } = publishedKinds();
  const definitions = readDefinitions(roots, { patchMetadata: options.patchMetadata ?? patchStrategyOf });
  for (const [name, gvks] of groupVersionKinds) definitions[name]!['x-kubernetes-group-version-kind'] = gvks;
  const swagger: SwaggerDocument = {
    swagger: '2.0',
    info: { title: 'Rudder', version: KUBERNETES_VERSION.gitVersion },
    paths: allPaths(),
    definitions,
  };
  return { definitions, swagger, swaggerProtobuf: encodeSwagger(swagger), v3: buildV3Documents(swagger) };
}

/** Writes the documents; definitions.json last, since its presence marks a complete output. */
export function writeDocuments(outDir: string, documents: GeneratedDocuments): void {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, V2_JSON_FILE), JSON.stringify(documents.swagger));
  writeFileSync(join(outDir, V2_PROTOBUF_FILE), documents.swaggerProtobuf);
  for (const [key, document] of documents.v3) {
    const file = join(outDir, v3File(key));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(document));
  }
  writeFileSync(join(outDir, V3_INDEX_FILE), JSON.stringify([...documents.v3.keys()]));
  writeFileSync(join(outDir, DEFINITIONS_FILE), JSON.stringify(documents.definitions));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outDir = process.argv[2];
  if (!outDir) {
    process.stderr.write('usage: node dist/build-tools/openapi/generate.js <outdir>\n');
    process.exit(2);
  }
  writeDocuments(outDir, generateDocuments());
}
