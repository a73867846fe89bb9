// Where the Kubernetes protobuf schema is kept. The build step (build-tools/protobuf/fetch.ts)
// writes this layout under dist/proto/ and the decoder reads it, so both name it from here.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/proto, seen from the compiled dist/lib/api/protobuf/*.js. */
export const DEFAULT_SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'proto');

/** Written last by the fetch step: its presence means the directory is complete. */
export const MANIFEST_FILE = 'manifest.json';
/** The Go struct facts (json name, omitempty, pointer, inline) per proto message field. */
export const GO_FIELDS_FILE = 'go-fields.json';

export interface SchemaManifest {
  modules: ManifestModule[];
  /** .proto files, relative to the schema directory, as their import statements name them. */
  protoFiles: string[];
  goFieldsFile: string;
}

export interface ManifestModule {
  path: string;
  version: string;
  h1: string;
  packages: string[];
}

/** How a user builds the schema when it is missing. */
export const BUILD_HINT = 'run `npm run build` (or `node dist/build-tools/protobuf/fetch.js`) with access to the Go module proxy';
