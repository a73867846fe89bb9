// Kubernetes' own OpenAPI definitions: the `definitions` of the swagger.json the release commits
// (api/openapi-spec/swagger.json of k8s.io/kubernetes), read through the module cache, so only the
// first build on a machine downloads the module.
import type { Definitions } from '../../lib/api/openapi/schema.js';
import { moduleId } from '../go-modules/go-module.js';
import { keptModuleFiles, type ModuleSourceOptions } from '../go-modules/module-cache.js';
import { KUBERNETES_MODULE, SWAGGER_FILE } from '../kubernetes-release.js';

export interface UpstreamDefinitions {
  definitions: Definitions;
  /** k8s.io/kubernetes@v1.36.3 */
  source: string;
  downloadedBytes: number;
}

export async function upstreamDefinitions(options: ModuleSourceOptions = {}): Promise<UpstreamDefinitions> {
  const { files, downloadedBytes } = await keptModuleFiles(KUBERNETES_MODULE, { files: [SWAGGER_FILE] }, options);
  const source = moduleId(KUBERNETES_MODULE);
  const swagger = JSON.parse(Buffer.from(files.get(SWAGGER_FILE)!).toString('utf8')) as { definitions?: Definitions };
  if (typeof swagger.definitions !== 'object' || swagger.definitions === null) throw new Error(`${source}'s ${SWAGGER_FILE} has no definitions`);
  return { definitions: swagger.definitions, source, downloadedBytes };
}
