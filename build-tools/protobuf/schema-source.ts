// Where the Kubernetes protobuf schema comes from: the Go modules and the packages of them whose
// generated.proto files (and the Go structs beside them) the fetch step keeps.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SCHEMA_DIR, MANIFEST_FILE, type ManifestModule, type SchemaManifest } from '../../lib/api/protobuf/schema-files.js';
import type { GoModule } from '../go-modules/go-module.js';

export interface SchemaModule extends GoModule {
  /** Package directories (relative to the module root) whose schema is kept. */
  readonly packages: readonly string[];
}

export const SCHEMA_MODULES: readonly SchemaModule[] = [
  {
    path: 'k8s.io/api',
    version: 'v0.30.0',
    h1: 'h1:siWhRq7cNjy2iHssOB9SCGNCl2spiF1dO3dABqZ8niA=',
    packages: ['core/v1', 'apps/v1', 'autoscaling/v1', 'coordination/v1', 'discovery/v1'],
  },
  {
    path: 'k8s.io/apimachinery',
    version: 'v0.30.0',
    h1: 'h1:qxVPsyDM5XS96NIh9Oj6LavoVFYff/Pon9cZeDIkHHA=',
    packages: ['pkg/apis/meta/v1', 'pkg/apis/meta/v1beta1', 'pkg/api/resource', 'pkg/util/intstr', 'pkg/runtime', 'pkg/runtime/schema'],
  },
];

export function manifestModules(modules: readonly SchemaModule[] = SCHEMA_MODULES): ManifestModule[] {
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
