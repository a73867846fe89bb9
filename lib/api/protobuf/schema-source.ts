// Where the Kubernetes protobuf schema comes from and where it is kept. The fetch step writes
// this layout under dist/proto/ and the decoder reads it, so both name it from here.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface GoModule {
  /** Module path as the Go module proxy names it. */
  readonly path: string;
  readonly version: string;
  /** The go.sum "h1:" hash of the module zip: a download that hashes differently is refused. */
  readonly h1: string;
  /** Package directories (relative to the module root) whose schema is kept. */
  readonly packages: readonly string[];
}

export const GO_MODULES: readonly GoModule[] = [
  {
    path: 'k8s.io/api',
    version: 'v0.30.0',
    h1: 'h1:siWhRq7cNjy2iHssOB9SCGNCl2spiF1dO3dABqZ8niA=',
    packages: ['core/v1', 'apps/v1', 'autoscaling/v1', 'coordination/v1', 'discovery/v1', 'events/v1'],
  },
  {
    path: 'k8s.io/apimachinery',
    version: 'v0.30.0',
    h1: 'h1:qxVPsyDM5XS96NIh9Oj6LavoVFYff/Pon9cZeDIkHHA=',
    packages: ['pkg/apis/meta/v1', 'pkg/apis/meta/v1beta1', 'pkg/api/resource', 'pkg/util/intstr', 'pkg/runtime', 'pkg/runtime/schema'],
  },
];

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

export function manifestModules(modules: readonly GoModule[] = GO_MODULES): ManifestModule[] {
  return modules.map(({ path, version, h1, packages }) => ({ path, version, h1, packages: [...packages] }));
}

/** Whether `dir` holds a complete schema fetched from the modules and packages named above. */
export function schemaUpToDate(dir: string = DEFAULT_SCHEMA_DIR): boolean {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as SchemaManifest;
    return JSON.stringify(manifest.modules) === JSON.stringify(manifestModules());
  } catch {
    return false;
  }
}

/** How a user builds the schema when it is missing. */
export const BUILD_HINT = 'run `npm run build` (or `node dist/lib/api/protobuf/fetch.js`) with access to the Go module proxy';
