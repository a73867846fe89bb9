// Downloads Go module zips from a Go module proxy, as `go mod download` would.
import type { GoModule } from './go-module.js';

export const DEFAULT_GOPROXY = 'https://proxy.golang.org';

/**
 * The proxy to use: the first GOPROXY entry when it is an https URL, otherwise the public
 * proxy ("direct", "off", file:// and plain http entries are not ways this step fetches).
 */
export function proxyBase(goproxy: string | undefined = process.env.GOPROXY): string {
  const first = (goproxy ?? '').split(/[,|]/)[0]?.trim() ?? '';
  return first.startsWith('https://') ? first.replace(/\/+$/, '') : DEFAULT_GOPROXY;
}

/** The proxy protocol's case encoding: an upper-case letter becomes "!" and its lower case. */
export function escapeModulePath(path: string): string {
  return path.replace(/[A-Z]/g, (letter) => `!${letter.toLowerCase()}`);
}

export function moduleZipUrl(base: string, module: Pick<GoModule, 'path' | 'version'>): string {
  return `${base}/${escapeModulePath(module.path)}/@v/${escapeModulePath(module.version)}.zip`;
}

export async function downloadModuleZip(base: string, module: GoModule, timeoutMs = 300_000): Promise<Uint8Array> {
  const url = moduleZipUrl(base, module);
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
    throw new Error(`${url} could not be reached: ${cause}`);
  }
  if (!response.ok) throw new Error(`${url} answered ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}
