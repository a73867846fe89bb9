// Builds Rudder's OpenAPI documents at build time from Kubernetes' own definitions (the release's
// swagger.json, see upstream-definitions.ts) and Rudder's resource table, which decides the
// paths, the served kinds and their x-kubernetes-group-version-kind:
// `node dist/build-tools/openapi/generate.js <outdir>` (scripts/ensure.mjs runs it into
// dist/openapi). The apiserver only reads the files this writes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SwaggerDocument } from '../../lib/api/openapi/document-types.js';
import { DEFINITIONS_FILE, V2_JSON_FILE, V2_PROTOBUF_FILE, V3_INDEX_FILE, v3File } from '../../lib/api/openapi/files.js';
import { KUBERNETES_VERSION } from '../../lib/api/openapi/kubernetes-version.js';
import type { Definitions } from '../../lib/api/openapi/schema.js';
import { buildV3Documents, type OpenAPIV3Document } from './document-v3.js';
import { allPaths } from './paths.js';
import { encodeSwagger } from './protobuf-v2.js';
import { publishedDefinitions } from './published-definitions.js';
import { upstreamDefinitions } from './upstream-definitions.js';

export interface GeneratedDocuments {
  definitions: Definitions;
  swagger: SwaggerDocument;
  swaggerProtobuf: Uint8Array;
  /** Keyed "api/v1", "apis/apps/v1". */
  v3: Map<string, OpenAPIV3Document>;
}

/** The documents, from Kubernetes' definitions (all of them; the published ones are picked here). */
export function generateDocuments(upstream: Definitions): GeneratedDocuments {
  const definitions = publishedDefinitions(upstream);
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

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const outDir = args.find((arg) => !arg.startsWith('--'));
  if (!outDir) {
    process.stderr.write('usage: node dist/build-tools/openapi/generate.js <outdir> [--quiet]\n');
    process.exit(2);
  }
  const say = (message: string): void => void process.stderr.write(`rudder: ${message}\n`);
  const progress = args.includes('--quiet') ? () => undefined : say;
  let upstream: Awaited<ReturnType<typeof upstreamDefinitions>>;
  try {
    upstream = await upstreamDefinitions({ log: progress, warn: (message) => say(`warning: ${message}`) });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    say(`the Kubernetes OpenAPI definitions could not be fetched (${why}); the apiserver cannot decode request bodies without them. Run \`npm run build\` with access to the Go module proxy (set GOPROXY to an https proxy if needed), or put the k8s.io/kubernetes module zip in Go's module cache (go mod download).`);
    process.exit(1);
  }
  const documents = generateDocuments(upstream.definitions);
  writeDocuments(outDir, documents);
  const downloaded = upstream.downloadedBytes > 0 ? `; ${Math.round(upstream.downloadedBytes / 1024)} KiB downloaded` : '';
  progress(`OpenAPI documents written to ${outDir} from ${upstream.source} (${Object.keys(documents.definitions).length} definitions${downloaded})`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
