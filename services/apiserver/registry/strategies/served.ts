// The served resource a strategy file is about, from the resource table.
import { findResource, type ResourceInfo } from '../../../../lib/api/resources.js';

export function served(group: string, version: string, resource: string): ResourceInfo {
  const info = findResource(group, version, resource);
  if (!info) throw new Error(`${resource} in ${group || 'core'}/${version} is not in the resource table`);
  return info;
}
