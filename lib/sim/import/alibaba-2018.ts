// Alibaba's cluster-trace-v2018 (github.com/alibaba/clusterdata, cluster-trace-v2018/schema.md):
// CSV files without a header. Two tables describe what asks for resources, told apart by their
// column count:
// - batch_task.csv (9 columns): task_name, instance_num, job_name, task_type, status,
//   start_time, end_time, plan_cpu, plan_mem. A task becomes instance_num pods
//   (<job>-<task>-<i>) arriving at start_time and running end_time - start_time seconds, at
//   priority 0 (batch work, which the trace's Fuxi scheduler runs in what online services leave).
// - container_meta.csv (8 columns): container_id, machine_id, time_stamp, app_du, status,
//   cpu_request, cpu_limit, mem_size. A container (its first row; later rows are status
//   updates) becomes one pod arriving at its first time_stamp and running to the end, at
//   priority 1000 (an online service), labelled app-du=<app_du>.
// cpu (plan_cpu, cpu_request) is 100 per core; memory (plan_mem, mem_size) a share 0-100 of the
// largest machine, so of the cluster's largest node (see scale.ts). Times are seconds; arrivals
// start at the earliest one. Rows without resources or times (plan_cpu empty, start_time 0)
// are skipped, as they describe nothing to place.
import { WorkloadError, type PodGroup } from '../workload.js';
import { podGroupOf } from './pod-group.js';
import { memoryQuantity, milliCpuQuantity, podName, type ClusterScale } from './scale.js';

export const ONLINE_PRIORITY = 1000;

function rows(text: string): string[][] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => line.split(',').map((f) => f.trim()));
}

const number = (field: string | undefined): number => (field === undefined || field === '' ? Number.NaN : Number(field));

interface Pending {
  startS: number;
  group: Omit<PodGroup, 'atMs'>;
}

export function importAlibaba2018(text: string, scale: ClusterScale): PodGroup[] {
  const all = rows(text);
  const width = all[0]?.length ?? 0;
  if (width !== 9 && width !== 8) {
    throw new WorkloadError([`trace: cluster-trace-v2018 rows have 9 columns (batch_task.csv) or 8 (container_meta.csv), not ${width}`]);
  }
  const pending: Pending[] = [];
  const containers = new Set<string>();
  all.forEach((f, i) => {
    if (f.length !== width) throw new WorkloadError([`trace: line ${i + 1}: ${f.length} columns, not ${width} as the first line`]);
    if (width === 9) {
      const [task, instances, job, , , start, end, cpu, mem] = f;
      const startS = number(start);
      const count = number(instances);
      if (!(startS > 0) || !(count >= 1) || Number.isNaN(number(cpu))) return;
      const endS = number(end);
      pending.push({
        startS,
        group: podGroupOf({
          name: podName(job!, task!),
          count: Math.floor(count),
          atMs: 0,
          durationMs: endS > startS ? (endS - startS) * 1000 : undefined,
          cpu: milliCpuQuantity(number(cpu) * 10),
          memory: memoryQuantity(((number(mem) || 0) / 100) * scale.memory),
          priority: 0,
        }),
      });
      return;
    }
    const [id, , stamp, appDu, , cpuRequest, , memSize] = f;
    const startS = number(stamp);
    if (containers.has(id!) || Number.isNaN(startS) || Number.isNaN(number(cpuRequest))) return;
    containers.add(id!);
    pending.push({
      startS,
      group: podGroupOf({
        name: podName(id!),
        atMs: 0,
        durationMs: undefined,
        cpu: milliCpuQuantity(number(cpuRequest) * 10),
        memory: memoryQuantity(((number(memSize) || 0) / 100) * scale.memory),
        priority: ONLINE_PRIORITY,
        labels: appDu ? { 'app-du': podName(appDu) } : {},
      }),
    });
  });
  const first = pending.reduce((m, p) => Math.min(m, p.startS), Number.POSITIVE_INFINITY);
  return pending.map((p) => ({ ...p.group, atMs: (p.startS - first) * 1000 }));
}
