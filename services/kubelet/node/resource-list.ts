// Resource lists as the kubelet's flags write them ("cpu=4,memory=8Gi") and as a Node reports them:
// capacity, and allocatable = capacity - kube-reserved - system-reserved - the hard eviction
// threshold of memory.available.
import { quantityMilliValue, quantityValue, tryParseQuantity } from '../../../lib/api/validation/quantity.js';

/** Amounts by resource name: cpu in millicores, everything else in units (bytes, pods). */
export type Amounts = Map<string, number>;

export function parseResourceFlags(entries: readonly string[], flag: string): Amounts {
  const amounts: Amounts = new Map();
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new Error(`--${flag}: "${entry}" is not name=quantity`);
    const name = entry.slice(0, eq).trim();
    const q = tryParseQuantity(entry.slice(eq + 1).trim());
    if (typeof q === 'string') throw new Error(`--${flag}: ${name}: ${q}`);
    amounts.set(name, name === 'cpu' ? Number(quantityMilliValue(q)) : Number(quantityValue(q)));
  }
  return amounts;
}

/** memory.available=100Mi -> memory: bytes (other signals do not shape allocatable). */
export function evictionReserve(entries: readonly string[]): Amounts {
  const amounts: Amounts = new Map();
  for (const entry of entries) {
    const [signal, value] = entry.split(/[=<]/);
    if (signal?.trim() !== 'memory.available' || !value || value.trim().endsWith('%')) continue;
    const q = tryParseQuantity(value.trim());
    if (typeof q !== 'string') amounts.set('memory', Number(quantityValue(q)));
  }
  return amounts;
}

/** How a Node shows an amount: cpu as cores or millicores, bytes with a binary suffix, others as integers. */
export function formatAmount(name: string, amount: number): string {
  const value = Math.max(0, Math.floor(amount));
  if (name === 'cpu') return value % 1000 === 0 ? String(value / 1000) : `${value}m`;
  if (name === 'memory' || name === 'ephemeral-storage' || name.startsWith('hugepages-')) {
    // The apiserver's canonical form: the largest binary suffix that divides the amount.
    if (value === 0) return '0';
    let scaled = value;
    let suffix = 0;
    while (suffix < 6 && scaled % 1024 === 0) {
      scaled /= 1024;
      suffix++;
    }
    return `${scaled}${['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'][suffix]}`;
  }
  return String(value);
}

export function toResourceList(amounts: Amounts): Record<string, string> {
  const list: Record<string, string> = {};
  for (const [name, amount] of [...amounts].sort(([a], [b]) => a.localeCompare(b))) list[name] = formatAmount(name, amount);
  return list;
}

export function allocatableOf(capacity: Amounts, ...reserved: Amounts[]): Amounts {
  const allocatable: Amounts = new Map(capacity);
  for (const r of reserved) for (const [name, amount] of r) if (allocatable.has(name)) allocatable.set(name, Math.max(0, allocatable.get(name)! - amount));
  return allocatable;
}
