// metadata.managedFields decoded into one field set per manager and encoded back. A manager is
// identified as Kubernetes identifies it: name, operation, subresource, and for Update also the
// apiVersion (Apply managers keep one entry whatever version they applied with).
import { FieldSet, FieldsV1Error } from './field-set.js';

export type Operation = 'Apply' | 'Update';

export interface ManagerEntry {
  manager: string;
  operation: Operation;
  apiVersion: string;
  time?: string;
  subresource?: string;
  set: FieldSet;
}

export type Managers = Map<string, ManagerEntry>;

export function managerId(manager: string, operation: Operation, apiVersion: string, subresource: string | undefined): string {
  return JSON.stringify([manager, operation, operation === 'Update' ? apiVersion : '', subresource ?? '']);
}

export class ManagedFieldsError extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The managers of metadata.managedFields; malformed entries throw ManagedFieldsError. */
export function decodeManagedFields(entries: unknown): Managers {
  const managers: Managers = new Map();
  if (entries === undefined || entries === null) return managers;
  if (!Array.isArray(entries)) throw new ManagedFieldsError('managedFields must be a list');
  for (const raw of entries) {
    if (!isRecord(raw)) throw new ManagedFieldsError('a managedFields entry must be an object');
    const operation = raw.operation;
    if (operation !== 'Apply' && operation !== 'Update') throw new ManagedFieldsError(`operation must be Apply or Update, got ${JSON.stringify(operation)}`);
    if (raw.fieldsType !== undefined && raw.fieldsType !== 'FieldsV1') throw new ManagedFieldsError(`fieldsType must be FieldsV1, got ${JSON.stringify(raw.fieldsType)}`);
    let set: FieldSet;
    try {
      set = FieldSet.fromFieldsV1(raw.fieldsV1 ?? {});
    } catch (error) {
      if (error instanceof FieldsV1Error) throw new ManagedFieldsError(error.message);
      throw error;
    }
    const entry: ManagerEntry = {
      manager: typeof raw.manager === 'string' ? raw.manager : '',
      operation,
      apiVersion: typeof raw.apiVersion === 'string' ? raw.apiVersion : '',
      set,
    };
    if (typeof raw.time === 'string') entry.time = raw.time;
    if (typeof raw.subresource === 'string' && raw.subresource !== '') entry.subresource = raw.subresource;
    const id = managerId(entry.manager, operation, entry.apiVersion, entry.subresource);
    const prior = managers.get(id);
    managers.set(id, prior ? { ...entry, set: prior.set.union(set) } : entry);
  }
  return managers;
}

/** managedFields as stored: managers with no fields left are dropped; Apply before Update, then by time and name. */
export function encodeManagedFields(managers: Managers): Record<string, unknown>[] {
  const entries = [...managers.values()].filter((entry) => !entry.set.isEmpty());
  entries.sort((a, b) => {
    if (a.operation !== b.operation) return a.operation === 'Apply' ? -1 : 1;
    const ta = a.time ?? '';
    const tb = b.time ?? '';
    if (ta !== tb) return ta < tb ? -1 : 1;
    return a.manager < b.manager ? -1 : a.manager > b.manager ? 1 : 0;
  });
  // Empty strings are left out, as the Go type's omitempty leaves them out. Built field by field
  // in the order Kubernetes writes them.
  return entries.map((entry) => {
    const out: Record<string, unknown> = {};
    if (entry.manager !== '') out.manager = entry.manager;
    out.operation = entry.operation;
    if (entry.apiVersion !== '') out.apiVersion = entry.apiVersion;
    if (entry.time !== undefined) out.time = entry.time;
    out.fieldsType = 'FieldsV1';
    out.fieldsV1 = entry.set.toFieldsV1();
    if (entry.subresource !== undefined) out.subresource = entry.subresource;
    return out;
  });
}

/** How a conflict names its manager: "kubectl", or "ctl" using apps/v1 for an Update manager. */
export function describeManager(entry: ManagerEntry): string {
  let out = JSON.stringify(entry.manager);
  if (entry.subresource !== undefined) out += ` with subresource ${JSON.stringify(entry.subresource)}`;
  if (entry.operation === 'Update') out += ` using ${entry.apiVersion}`;
  return out;
}

/** The manager name Kubernetes derives from a User-Agent when a request names none: up to the first '/'. */
export function managerFromUserAgent(userAgent: string | undefined): string {
  const agent = userAgent ?? '';
  const slash = agent.indexOf('/');
  return slash < 0 ? agent : agent.slice(0, slash);
}
