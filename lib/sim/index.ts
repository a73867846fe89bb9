export { parseWorkload, WorkloadError, EXAMPLE_WORKLOAD, type Workload } from './workload.js';
export { expandWorkload, type SimTrace } from './trace.js';
export { BUILT_IN_PROFILES, resolveProfile, type SimProfile } from './profiles.js';
export { simulate, type SimOutcome, type SimulateOptions } from './simulator.js';
export { runSimulation, type SimRun, type SimRunOptions } from './run.js';
export type { SimResults, SimTimings, ProfileResult } from './results.js';
