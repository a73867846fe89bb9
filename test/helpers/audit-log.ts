// An apiserver's audit log as a test reads it while the apiserver writes it: the events of its whole
// lines (the last may still be being written), and an audit Policy file for a few resources.
import { readFileSync, writeFileSync } from 'node:fs';

export interface AuditEvent {
  stage: string;
  verb: string;
  user: { username: string; groups?: string[] };
  objectRef?: { resource?: string; namespace?: string; name?: string; subresource?: string };
  responseStatus?: { code: number };
  annotations?: Record<string, string>;
}

export function readAuditEvents(path: string): AuditEvent[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').slice(0, -1).map((line) => JSON.parse(line) as AuditEvent);
}

/** Writes a Policy auditing `verbs` on the core `resources` at Metadata, and nothing else. */
export function writeAuditPolicy(path: string, verbs: string[], resources: string[]): void {
  writeFileSync(path, JSON.stringify({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'Metadata', verbs, resources: [{ group: '', resources }] }] }));
}
