// Where the Kubernetes protobuf schema comes from: the packages of the release's k8s.io/api and
// k8s.io/apimachinery whose generated.proto files (and the Go structs beside them) the fetch step keeps.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SCHEMA_DIR, MANIFEST_FILE, type ManifestModule, type SchemaManifest } from '../../lib/api/protobuf/schema-files.js';
import type { GoModule } from '../go-modules/go-module.js';
import { API_MODULE, APIMACHINERY_MODULE } from '../kubernetes-release.js';

export interface SchemaModule extends GoModule {
  /** Package directories (relative to the module root) whose schema is kept. */
  readonly packages: readonly string[];
}

/**
 * The GA versions of every group Rudder serves or is to serve (their kinds decode and encode
 * only when their packages are here), and the apimachinery packages those import.
 */
export const SCHEMA_MODULES: readonly SchemaModule[] = [
  {
    ...API_MODULE,
    packages: [
      'core/v1',
      'admissionregistration/v1',
      'apps/v1',
      'authentication/v1',
      'authorization/v1',
      'autoscaling/v1',
      'autoscaling/v2',
      'batch/v1',
      'certificates/v1',
      'coordination/v1',
      'discovery/v1',
      'events/v1',
      'networking/v1',
      'node/v1',
      'policy/v1',
      'rbac/v1',
      'resource/v1',
      'scheduling/v1',
      'storage/v1',
    ],
  },
  {
    ...APIMACHINERY_MODULE,
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
