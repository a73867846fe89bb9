// Where the CRI v1 schema is kept. The build step (build-tools/cri/fetch.ts) writes the proto of
// k8s.io/cri-api under dist/cri/ and the client loads it from there, so both name it from here.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/cri, seen from the compiled dist/lib/cri/*.js. */
export const DEFAULT_CRI_SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'cri');

/** The proto file inside the schema directory, named as in the module. */
export const CRI_PROTO_PATH = join('runtime', 'v1', 'api.proto');

/** Written after the proto: names the module version it came from, and means the directory is complete. */
export const CRI_MANIFEST_FILE = 'manifest.json';

export interface CriSchemaManifest {
  module: { path: string; version: string; h1: string };
  proto: string;
}

/** How a user builds the schema when it is missing. */
export const CRI_BUILD_HINT = 'run `npm run build` (or `node dist/build-tools/cri/fetch.js`) with access to the Go module proxy';
