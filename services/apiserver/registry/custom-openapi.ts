// The OpenAPI v3 documents of the custom group versions, rebuilt whenever the served custom
// resources change, with the shared schemas (ObjectMeta, ListMeta, Status, Patch, Scale, ...)
// taken from the generated documents of built-in group versions.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { customGroupVersionDocument } from '../../../lib/api/crd/openapi-v3.js';
import { defaultOpenApiDir, v3File } from '../../../lib/api/openapi/files.js';
import { documentHash, type ServedDocument } from '../../../lib/api/openapi/load.js';
import { apiVersionOf } from '../../../lib/api/resources.js';
import type { CustomResources, ServedVersion } from './custom-resources.js';

/** Generated documents whose schemas custom documents reference: meta.k8s.io/v1's and autoscaling/v1's Scale. */
const SHARED_FROM = ['apis/coordination.k8s.io/v1', 'apis/autoscaling/v1'];

function sharedSchemas(dir: string): Record<string, unknown> {
  const shared: Record<string, unknown> = {};
  for (const key of SHARED_FROM) {
    const path = join(dir, v3File(key));
    if (!existsSync(path)) continue;
    const document = JSON.parse(readFileSync(path, 'utf8')) as { components?: { schemas?: Record<string, unknown> } };
    for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
      if (name.startsWith('io.k8s.apimachinery.') || name === 'io.k8s.api.autoscaling.v1.Scale' || name.startsWith('io.k8s.api.autoscaling.v1.Scale')) shared[name] = schema;
    }
  }
  return shared;
}

export class CustomOpenApi {
  private documents = new Map<string, ServedDocument>();
  private readonly shared: Record<string, unknown>;
  private readonly unsubscribe: () => void;

  constructor(private readonly resources: CustomResources, dir = defaultOpenApiDir()) {
    this.shared = sharedSchemas(dir);
    this.rebuild();
    this.unsubscribe = resources.onChange(() => this.rebuild());
  }

  close(): void {
    this.unsubscribe();
  }

  /** The documents keyed as the /openapi/v3 index names them ("apis/example.com/v1"). */
  current(): ReadonlyMap<string, ServedDocument> {
    return this.documents;
  }

  private rebuild(): void {
    const byGroupVersion = new Map<string, ServedVersion[]>();
    for (const version of this.resources.versions()) {
      const key = `apis/${apiVersionOf(version.info)}`;
      byGroupVersion.set(key, [...(byGroupVersion.get(key) ?? []), version]);
    }
    const documents = new Map<string, ServedDocument>();
    for (const [key, versions] of byGroupVersion) {
      const body = Buffer.from(JSON.stringify(customGroupVersionDocument(versions, this.shared)));
      documents.set(key, { body, hash: documentHash(body) });
    }
    this.documents = documents;
  }
}
