// emptyDir volumes: a directory under the pod's directory on the kubelet's disk, or with medium
// Memory a tmpfs limited to the sizeLimit; removed with the pod.
import { mkdirSync } from 'node:fs';
import type { EmptyDirVolumeSource } from 'kubernetes-types/core/v1.js';
import { parseQuantity, quantityValue } from '../../../lib/api/validation/quantity.js';
import { ensureTmpfs } from './tmpfs.js';

export async function setUpEmptyDir(dir: string, source: EmptyDirVolumeSource): Promise<void> {
  if (source.medium === 'Memory') {
    const size = source.sizeLimit !== undefined ? Number(quantityValue(parseQuantity(source.sizeLimit))) : undefined;
    await ensureTmpfs(dir, size);
    return;
  }
  mkdirSync(dir, { recursive: true, mode: 0o777 });
}
