// Where the generated OpenAPI documents live: dist/openapi/ in a built checkout. Shared by
// the generator that writes them and the apiserver code that reads them.
import { fileURLToPath } from 'node:url';

export const DEFINITIONS_FILE = 'definitions.json';
export const V2_JSON_FILE = 'v2.json';
export const V2_PROTOBUF_FILE = 'v2.pb';
/** A JSON array of the v3 group-version keys ("api/v1", "apis/apps/v1"). */
export const V3_INDEX_FILE = 'v3-index.json';

/** v3/api/v1.json, v3/apis/apps/v1.json */
export function v3File(key: string): string {
  return `v3/${key}.json`;
}

/** dist/openapi, found from this module's place in dist/lib/api/openapi. */
export function defaultOpenApiDir(): string {
  return fileURLToPath(new URL('../../../openapi/', import.meta.url));
}
