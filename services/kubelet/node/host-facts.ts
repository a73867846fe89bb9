// Facts about the machine a node runs on (nodeInfo, default capacity and addresses), read once.
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { arch, cpus, release, totalmem } from 'node:os';
import type { HostFacts } from './node-object.js';

function readFirstLine(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').split('\n')[0]?.trim() || undefined;
  } catch {
    return undefined;
  }
}

function osImage(): string {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    const match = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text);
    if (match?.[1]) return match[1];
  } catch {
    // no os-release: fall through
  }
  return 'Linux';
}

/** Go's GOARCH names, as nodeInfo.architecture and kubernetes.io/arch use them. */
export function goArch(nodeArch: string = arch()): string {
  return nodeArch === 'x64' ? 'amd64' : nodeArch === 'ia32' ? '386' : nodeArch;
}

export function hostFacts(): HostFacts {
  const machineID = readFirstLine('/etc/machine-id') ?? createHash('sha256').update(release()).digest('hex').slice(0, 32);
  return {
    machineID,
    systemUUID: readFirstLine('/sys/class/dmi/id/product_uuid') ?? machineID,
    bootID: readFirstLine('/proc/sys/kernel/random/boot_id') ?? randomUUID(),
    kernelVersion: release(),
    osImage: osImage(),
    architecture: goArch(),
  };
}

/** A simulated node's own machine and system ids (stable per name), on the host's kernel. */
export function simulatedHostFacts(host: HostFacts, nodeName: string): HostFacts {
  const id = createHash('sha256').update(`rudder-sim:${nodeName}`).digest('hex');
  const uuid = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`;
  return { ...host, machineID: id.slice(0, 32), systemUUID: uuid };
}

export function hostCpuMillis(): number {
  return cpus().length * 1000;
}

export function hostMemoryBytes(): number {
  return totalmem();
}

export { hostIPv4 } from '../../../lib/host/ipv4.js';
