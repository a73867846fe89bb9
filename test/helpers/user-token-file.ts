// A token file in a temporary directory (removed when the test ends) holding the admin's token and
// one more user's, for an apiserver started with --token-auth-file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { addToken, ensureTokenFile, type TokenUser } from '../../lib/pki/tokens.js';

export function userTokenFile(t: Test, user: TokenUser): { tokenFile: string; token: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-tokens-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const tokenFile = join(dir, 'tokens.csv');
  ensureTokenFile(tokenFile);
  return { tokenFile, token: addToken(tokenFile, user) };
}
