// The benchmarks' latency summaries live with the other observation helpers.
export { ratio, summarize, type LatencySummary } from '../../lib/observe/latency-summary.js';
