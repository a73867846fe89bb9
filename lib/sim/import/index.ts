// `rudder sim --trace FILE --trace-format F`: a trace's pods added to the workload (whose node
// pools are the cluster the trace is replayed on, and the scale of normalised requests).
import { generatedNodePools } from '../generator.js';
import { WorkloadError, type PodGroup, type Workload } from '../workload.js';
import { importAlibaba2018 } from './alibaba-2018.js';
import { importGoogle2019 } from './google-2019.js';
import { importCsvTrace, importJsonTrace } from './rudder-trace.js';
import { clusterScale } from './scale.js';

export const TRACE_FORMATS = ['alibaba-2018', 'google-2019', 'csv', 'json'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

export function isTraceFormat(s: string): s is TraceFormat {
  return (TRACE_FORMATS as readonly string[]).includes(s);
}

/** The trace's pod groups; normalised requests are scaled to the workload's largest node. */
export function importTrace(text: string, format: TraceFormat, workload: Workload): PodGroup[] {
  const scale = clusterScale([...workload.nodePools, ...(workload.generate ? generatedNodePools(workload.generate) : [])]);
  if ((format === 'alibaba-2018' || format === 'google-2019') && (scale.milliCpu === 0 || scale.memory === 0)) {
    throw new WorkloadError([`trace: a ${format} trace's requests are shares of the largest node: the workload needs node pools with cpu and memory`]);
  }
  switch (format) {
    case 'alibaba-2018':
      return importAlibaba2018(text, scale);
    case 'google-2019':
      return importGoogle2019(text, scale);
    case 'csv':
      return importCsvTrace(text);
    case 'json':
      return importJsonTrace(text);
  }
}

/** The workload with the trace's pods after its own. */
export function withTrace(workload: Workload, pods: readonly PodGroup[]): Workload {
  return { ...workload, pods: [...workload.pods, ...pods] };
}
