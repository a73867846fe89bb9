// The node's kernel settings the rules need: forwarding, bridged traffic through iptables where
// the bridge module is loaded, and route_localnet only with localhost NodePorts
// (CVE-2020-8558: KUBE-FIREWALL then drops martian packets to 127.0.0.0/8).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Logger } from '../../lib/observe/logger.js';

function ensure(path: string, value: string, log: Logger): void {
  const file = `/proc/sys/${path}`;
  if (!existsSync(file)) {
    log.info({ sysctl: path }, 'sysctl not present here; left alone');
    return;
  }
  try {
    if (readFileSync(file, 'utf8').trim() !== value) {
      writeFileSync(file, value);
      log.info({ sysctl: path, value }, 'set sysctl');
    }
  } catch (error) {
    log.warn({ err: error, sysctl: path, value }, 'cannot set sysctl');
  }
}

export function ensureSysctls(localhostNodePorts: boolean, log: Logger): void {
  ensure('net/ipv4/ip_forward', '1', log);
  ensure('net/bridge/bridge-nf-call-iptables', '1', log);
  if (localhostNodePorts) ensure('net/ipv4/conf/all/route_localnet', '1', log);
}
