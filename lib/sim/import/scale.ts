// How normalised trace units become the requests of the cluster's nodes. Both public traces hide
// machine sizes: Alibaba's cluster-trace-v2018 gives memory as a share (0-100) of its largest
// machine, and the Google cluster trace 2019 gives cpu and memory as shares (0-1) of its largest
// machine's. An imported pod asks that share of the largest node in the cluster description
// (cpu and memory each of the node pool largest in it), so a trace keeps its proportions on the
// nodes it is replayed on.
import { parseQuantity, quantityMilliValue, quantityValue } from '../../api/validation/quantity.js';
import type { NodePool } from '../workload.js';

export interface ClusterScale {
  /** The largest node's cpu, in millicores. */
  milliCpu: number;
  /** The largest node's memory, in bytes. */
  memory: number;
}

export function clusterScale(pools: readonly NodePool[]): ClusterScale {
  let milliCpu = 0;
  let memory = 0;
  for (const pool of pools) {
    milliCpu = Math.max(milliCpu, Number(quantityMilliValue(parseQuantity(pool.cpu))));
    memory = Math.max(memory, Number(quantityValue(parseQuantity(pool.memory))));
  }
  return { milliCpu, memory };
}

/** A cpu request in millicores as a quantity ("250m"); at least 1m. */
export const milliCpuQuantity = (milli: number): string => `${Math.max(1, Math.round(milli))}m`;

/** A memory request in bytes as a quantity in KiB ("1024Ki"); at least 1Ki. */
export const memoryQuantity = (bytes: number): string => `${Math.max(1, Math.round(bytes / 1024))}Ki`;

/** A lowercase RFC 1123 name from trace identifiers ("j_1", "M1" -> "j-1-m1"). */
export function podName(...parts: string[]): string {
  const name = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return (name || 'pod').slice(0, 200);
}
