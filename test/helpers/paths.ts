// Where the compiled project lives, seen from a compiled test (dist/test/helpers/*.js).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ROOT = join(DIST, '..');
export const KUBECTL_VERSIONS = ['1.27', '1.33'] as const;

export function kubectlBinary(version: string): string {
  return `/usr/lib/google-cloud-sdk/bin/kubectl.${version}`;
}
