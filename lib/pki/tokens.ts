// Bearer tokens in kube-apiserver's static token file format: token,user,uid,"group1,group2".
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface TokenUser {
  name: string;
  uid: string;
  groups: string[];
  /** Further facts about the user (a ServiceAccount token's pod), as Kubernetes' user.Info Extra. */
  extra?: Record<string, string[]>;
}

export const ADMIN_USER: TokenUser = { name: 'rudder-admin', uid: 'rudder-admin', groups: ['system:masters'] };

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

function csvField(value: string): string {
  return /[",\s]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Splits one CSV line, honouring double quotes. */
function splitCsv(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        current += '"';
        i++;
      } else if (c === '"') quoted = false;
      else current += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(current);
      current = '';
    } else current += c;
  }
  fields.push(current);
  return fields.map((f) => f.trim());
}

export function parseTokenFile(text: string, path = 'token file'): Map<string, TokenUser> {
  const tokens = new Map<string, TokenUser>();
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '' || line.trim().startsWith('#')) return;
    const [token, name, uid, groups] = splitCsv(line);
    if (!token || !name) throw new Error(`${path}:${index + 1}: expected token,user,uid[,"groups"]`);
    tokens.set(token, { name, uid: uid || name, groups: groups ? groups.split(',').map((g) => g.trim()).filter(Boolean) : [] });
  });
  return tokens;
}

export function readTokenFile(path: string): Map<string, TokenUser> {
  return parseTokenFile(readFileSync(path, 'utf8'), path);
}

function tokenLine(token: string, user: TokenUser): string {
  return `${[token, csvField(user.name), csvField(user.uid), csvField(user.groups.join(','))].join(',')}\n`;
}

/** Adds a user with a new token to an existing token file; returns the token. */
export function addToken(path: string, user: TokenUser): string {
  const token = newToken();
  appendFileSync(path, tokenLine(token, user));
  return token;
}

/** Creates the token file with one admin token if it does not exist; returns the admin token. */
export function ensureTokenFile(path: string): string {
  if (existsSync(path)) {
    for (const [token, user] of readTokenFile(path)) if (user.groups.includes('system:masters')) return token;
    throw new Error(`${path} has no token in group system:masters`);
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const token = newToken();
  writeFileSync(path, tokenLine(token, ADMIN_USER), { mode: 0o600 });
  return token;
}
