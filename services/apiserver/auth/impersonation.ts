// Impersonation headers (kubectl --as, --as-group, --as-uid), as kube-apiserver's
// WithImpersonation filter: Impersonate-User names the user, Impersonate-Group (repeatable) its
// groups, Impersonate-Uid its uid, Impersonate-Extra-<key> its extra. Each needs the `impersonate`
// verb on users, groups, serviceaccounts (for system:serviceaccount:<ns>:<name>), uids or
// userextras/<key>; a missing one is a 403 naming it, and groups or extra without a user is a 400.
import type { IncomingMessage } from 'node:http';
import { errors } from '../../../lib/api/status.js';
import type { TokenUser } from '../../../lib/auth/request-user.js';
import type { Authorizer, ResourceAttributes } from '../rbac/attributes.js';
import { ANONYMOUS, AUTHENTICATED_GROUP } from './authenticator.js';
import { forbidden } from '../../../lib/auth/forbidden.js';
import { serviceAccountGroups } from './service-account-tokens.js';

const PREFIX = 'impersonate-';
const EXTRA_PREFIX = 'impersonate-extra-';
const SERVICE_ACCOUNT = /^system:serviceaccount:([^:]+):([^:]+)$/;

interface Requested {
  user: string | undefined;
  uid: string | undefined;
  groups: string[];
  extra: Record<string, string[]>;
}

function requested(raw: IncomingMessage): Requested | undefined {
  const found: Requested = { user: undefined, uid: undefined, groups: [], extra: {} };
  let any = false;
  const headers = raw.rawHeaders;
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = headers[i]!.toLowerCase();
    if (!name.startsWith(PREFIX)) continue;
    any = true;
    const value = headers[i + 1]!;
    if (name === 'impersonate-user') found.user = value;
    else if (name === 'impersonate-uid') found.uid = value;
    else if (name === 'impersonate-group') found.groups.push(value);
    else if (name.startsWith(EXTRA_PREFIX)) {
      let key: string;
      try {
        key = decodeURIComponent(name.slice(EXTRA_PREFIX.length));
      } catch {
        throw errors.badRequest(`invalid impersonation extra key ${JSON.stringify(name)}`);
      }
      (found.extra[key] ??= []).push(value);
    }
  }
  return any ? found : undefined;
}

function resourceAttributes(resource: string, name: string, group = '', namespace = ''): ResourceAttributes {
  return { verb: 'impersonate', group, version: '', resource, subresource: '', namespace, name };
}

/** The user to act as, or `user` itself when the request has no impersonation headers; throws a Status to refuse. */
export function impersonate(raw: IncomingMessage, user: TokenUser, authorizer: Authorizer | undefined): TokenUser {
  const asked = requested(raw);
  if (!asked) return user;
  if (asked.user === undefined || asked.user === '') {
    throw errors.badRequest(`requested ${JSON.stringify({ groups: asked.groups, extra: asked.extra, uid: asked.uid ?? '' })} without impersonating a user`);
  }
  const checks: ResourceAttributes[] = [];
  const serviceAccount = SERVICE_ACCOUNT.exec(asked.user);
  checks.push(serviceAccount ? resourceAttributes('serviceaccounts', serviceAccount[2]!, '', serviceAccount[1]!) : resourceAttributes('users', asked.user));
  for (const group of asked.groups) checks.push(resourceAttributes('groups', group));
  if (asked.uid !== undefined) checks.push(resourceAttributes('uids', asked.uid, 'authentication.k8s.io'));
  for (const [key, values] of Object.entries(asked.extra)) for (const value of values) checks.push({ ...resourceAttributes('userextras', value, 'authentication.k8s.io'), subresource: key });
  if (authorizer) {
    for (const check of checks) {
      if (!authorizer.authorize({ user, resource: check }).allowed) throw forbidden(user, { resource: check });
    }
  }
  const groups = [...asked.groups];
  if (groups.length === 0 && serviceAccount) groups.push(...serviceAccountGroups(serviceAccount[1]!));
  if (asked.user === ANONYMOUS.name) {
    if (!groups.includes('system:unauthenticated')) groups.push('system:unauthenticated');
  } else if (!groups.includes(AUTHENTICATED_GROUP)) groups.push(AUTHENTICATED_GROUP);
  const impersonated: TokenUser = { name: asked.user, uid: asked.uid ?? '', groups };
  if (Object.keys(asked.extra).length > 0) impersonated.extra = asked.extra;
  return impersonated;
}
