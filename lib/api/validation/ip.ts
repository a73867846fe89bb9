// IP and CIDR checks with the apiserver's messages. Parsing follows Go's net.ParseIP in the
// "sloppy" variant Kubernetes uses: IPv4 octets may carry leading zeros, zones are refused.
import { isIPv6 } from 'node:net';
import type { FieldPath } from '../field-errors.js';
import { type Errs } from './json.js';

export interface ParsedIP {
  /** Sixteen bytes; IPv4 addresses are stored IPv4-mapped (::ffff:a.b.c.d) like Go's net.IP. */
  bytes: number[];
  /** True for dotted-quad input and for IPv4-mapped IPv6 (Go's To4() != nil). */
  isV4: boolean;
}

function parseV4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

function parseV6(text: string): number[] | undefined {
  if (text.includes('%') || !isIPv6(text)) return undefined;
  let head = text;
  let tailV4: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (!v4) return undefined;
    tailV4 = v4;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [left, right] = head.includes('::') ? (head.split('::') as [string, string]) : [head, undefined];
  const groups = (s: string | undefined): number[] => (s ? s.split(':').filter((g) => g !== '').map((g) => parseInt(g, 16)) : []);
  const l = groups(left);
  const r = groups(right);
  const words = right === undefined ? l : [...l, ...new Array(8 - l.length - r.length).fill(0), ...r];
  if (words.length !== 8) return undefined;
  const bytes = words.flatMap((w) => [w >> 8, w & 0xff]);
  if (tailV4.length === 4) bytes.splice(12, 4, ...tailV4);
  return bytes;
}

export function parseIP(text: string): ParsedIP | undefined {
  const v4 = parseV4(text);
  if (v4) return { bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4], isV4: true };
  const v6 = parseV6(text);
  if (!v6) return undefined;
  const mapped = v6.slice(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff;
  return { bytes: v6, isV4: mapped };
}

export function isIPv6String(text: string): boolean {
  const ip = parseIP(text);
  return ip !== undefined && !ip.isV4;
}

export function validateIP(errs: Errs, path: FieldPath, value: string): boolean {
  if (parseIP(value)) return true;
  errs.invalid(path, value, ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']);
  return false;
}

export function validateIPv4(errs: Errs, path: FieldPath, value: string): void {
  if (!parseIP(value)?.isV4) errs.invalid(path, value, ['must be a valid IPv4 address']);
}

export function validateIPv6(errs: Errs, path: FieldPath, value: string): void {
  const ip = parseIP(value);
  if (!ip || ip.isV4) errs.invalid(path, value, ['must be a valid IPv6 address']);
}

export function isValidCIDR(value: string): boolean {
  const slash = value.indexOf('/');
  if (slash < 0) return false;
  const ip = parseIP(value.slice(0, slash));
  const bits = value.slice(slash + 1);
  if (!ip || !/^[0-9]{1,3}$/.test(bits)) return false;
  const literalV4 = parseV4(value.slice(0, slash)) !== undefined;
  return Number(bits) <= (literalV4 ? 32 : 128);
}

export function validateCIDR(errs: Errs, path: FieldPath, value: string): void {
  if (!isValidCIDR(value)) errs.invalid(path, value, ['must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)']);
}

/**
 * Endpoint and external IPs may not be unspecified, loopback or link-local: those addresses
 * mean something different on every node.
 */
export function validateNonSpecialIP(errs: Errs, path: FieldPath, value: string): void {
  const ip = parseIP(value);
  if (!ip) {
    errs.invalid(path, value, ['must be a valid IP address']);
    return;
  }
  const b = ip.bytes;
  const v4 = b.slice(12);
  if (ip.isV4 ? v4.every((x) => x === 0) : b.every((x) => x === 0)) errs.invalid(path, value, [`may not be unspecified (${value})`]);
  if (ip.isV4 ? v4[0] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1) {
    errs.invalid(path, value, ['may not be in the loopback range (127.0.0.0/8, ::1/128)']);
  }
  if (ip.isV4 ? v4[0] === 169 && v4[1] === 254 : b[0] === 0xfe && (b[1]! & 0xc0) === 0x80) {
    errs.invalid(path, value, ['may not be in the link-local range (169.254.0.0/16, fe80::/10)']);
  }
  if (ip.isV4 ? v4[0] === 224 && v4[1] === 0 && v4[2] === 0 : b[0] === 0xff && (b[1]! & 0x0f) === 0x02) {
    errs.invalid(path, value, ['may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)']);
  }
}

/** True when the addresses hold exactly one IPv4 and one IPv6 address between them. */
export function isDualStack(ips: readonly string[]): boolean {
  const parsed = ips.map(parseIP);
  return parsed.some((p) => p?.isV4) && parsed.some((p) => p && !p.isV4);
}
