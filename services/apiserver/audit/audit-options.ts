// The audit flags (--audit-policy-file, --audit-log-path, --audit-log-maxsize,
// --audit-log-maxbackup) as the audit filter's policy and sink; none without a policy file.
import type { AuditOptions } from '../http/audit.js';
import { openAuditLog } from './audit-log.js';
import { AuditPolicy } from './policy.js';

export interface AuditFlags {
  auditPolicyFile: string;
  auditLogPath: string;
  auditLogMaxsize: number;
  auditLogMaxbackup: number;
}

/** Throws an Error naming the flag when the flags do not fit together or the policy is invalid. */
export function auditOptions(flags: AuditFlags): AuditOptions | undefined {
  if (flags.auditPolicyFile === '') {
    if (flags.auditLogPath !== '') throw new Error('--audit-log-path needs --audit-policy-file: the policy decides what is audited');
    return undefined;
  }
  if (flags.auditLogPath === '') throw new Error('--audit-policy-file needs --audit-log-path (a file, or - for standard output)');
  for (const [flag, value] of [['--audit-log-maxsize', flags.auditLogMaxsize], ['--audit-log-maxbackup', flags.auditLogMaxbackup]] as const) {
    if (!Number.isInteger(value) || value < 0) throw new Error(`${flag} must be a whole number, 0 or more`);
  }
  const policy = AuditPolicy.load(flags.auditPolicyFile);
  return { policy, sink: openAuditLog({ path: flags.auditLogPath, maxSizeMegabytes: flags.auditLogMaxsize, maxBackups: flags.auditLogMaxbackup }) };
}
