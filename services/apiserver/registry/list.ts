// LIST: a consistent, paged read at one revision (the caller has made the store readable at the
// consistency the resourceVersion asks for: read-consistency.ts). Selectors filter while paging,
// so a page holds up to `limit` matches and `continue` resumes after the last key examined, as in
// Kubernetes.
import type { KubeList, KubeObject, StoredObject } from '../../../lib/api/object.js';
import { apiVersionOf, storagePrefix, type ResourceInfo } from '../../../lib/api/resources.js';
import { errors } from '../../../lib/api/status.js';
import { StoreError, type Store } from '../../../lib/native/store.js';
import { decodeContinue, encodeContinue } from './continue-token.js';
import type { ObjectFilter } from './filter.js';
import { parseResourceVersion, type ListOptions } from './list-options.js';
import { toStored } from './stored-object.js';

/** Keys read per store call while a selector filters most of them out. */
const SCAN_CHUNK = 1000;

export function compactedContinueError(): Error {
  return errors.expired(
    'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
  );
}

export function listObjects(
  store: Store,
  info: ResourceInfo,
  namespace: string | undefined,
  options: ListOptions,
  filter: ObjectFilter,
): KubeList<StoredObject> {
  const prefix = storagePrefix(info, namespace);
  let revision = 0;
  let startAfter: string | undefined;
  if (options.continue !== '') {
    const token = decodeContinue(options.continue);
    // Tokens name revisions this server listed at; a later one was never handed out.
    if (token.revision > store.revision) throw errors.badRequest('continue key is not valid: it names a resourceVersion this server has not reached');
    revision = token.revision;
    startAfter = prefix + token.startAfter;
  } else if (options.resourceVersionMatch === 'Exact') {
    revision = parseResourceVersion(options.resourceVersion) ?? 0;
  }
  if (revision === 0) revision = store.revision;

  const items: StoredObject[] = [];
  let more = false;
  let count = 0;
  let lastKey: string | undefined;
  const limit = options.limit;
  for (;;) {
    const want = limit > 0 ? (filter.empty ? limit - items.length : Math.max(limit - items.length, SCAN_CHUNK)) : 0;
    let page;
    try {
      page = store.range<KubeObject>(prefix, { startAfter, limit: want, revision });
    } catch (error) {
      if (error instanceof StoreError && error.code === 'Compacted') {
        if (options.continue !== '') throw compactedContinueError();
        throw errors.expired(`too old resource version: ${revision} (${store.compactRevision})`);
      }
      throw error;
    }
    count = page.count;
    for (const kv of page.kvs) {
      lastKey = kv.key;
      const obj = toStored(kv);
      if (!filter.matches(obj)) continue;
      items.push(obj);
      if (limit > 0 && items.length === limit) break;
    }
    const stoppedEarly = limit > 0 && items.length === limit && lastKey !== page.kvs[page.kvs.length - 1]?.key;
    more = stoppedEarly || page.more;
    if (!page.more || (limit > 0 && items.length === limit)) break;
    startAfter = lastKey;
  }

  const list: KubeList<StoredObject> = {
    apiVersion: apiVersionOf(info),
    kind: info.listKind,
    metadata: { resourceVersion: String(revision) },
    items,
  };
  if (more && lastKey !== undefined) {
    list.metadata.continue = encodeContinue({ revision, startAfter: lastKey.slice(prefix.length) });
    if (filter.empty) {
      const remaining = count - items.length;
      if (remaining > 0) list.metadata.remainingItemCount = remaining;
    }
  }
  return list;
}
