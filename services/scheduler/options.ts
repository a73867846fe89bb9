// The scheduler's options (flags, RUDDER_* environment, --config-file), named after
// kube-scheduler's where one exists.
import { busOptions } from '../../lib/bus/options.js';
import { leaderElectionOptions } from '../../lib/client/leader-campaign.js';
import { option } from '../../lib/config/options.js';
import { LOG_LEVELS } from '../../lib/observe/logger.js';

export const schedulerOptions = {
  kubeconfig: option.string('', 'kubeconfig of the apiserver to schedule for'),
  master: option.string('', 'apiserver URL; overrides the kubeconfig\'s server, or (without --kubeconfig) is used with the CA in --cert-dir and the admin token of --token-auth-file'),
  tokenAuthFile: option.string('', 'the apiserver\'s static token file: its admin token is used when no --kubeconfig is given'),
  config: option.string('', 'a KubeSchedulerConfiguration file (kubescheduler.config.k8s.io/v1); default: one profile, default-scheduler'),
  bindAddress: option.string('127.0.0.1', 'address /livez, /readyz, /metrics and /debug/explain listen on'),
  securePort: option.number(10259, 'port of /livez, /readyz, /metrics and /debug/explain (0 picks a free port and logs it)'),
  certDir: option.string('', 'directory holding the cluster serving certificate (apiserver.crt/.key) for HTTPS; empty: plain HTTP'),
  ...leaderElectionOptions('kube-scheduler', 'schedule'),
  nativeKernel: option.boolean(true, 'run the built-in filter and score plugins (and Rust extension plugins) in the native kernel; false runs the TypeScript reference plugins'),
  explainPluginScores: option.boolean(true, 'keep each score plugin\'s score per node of every pod\'s last attempt for /debug/explain (pods annotated scheduler.rudder.dev/explain always get them)'),
  pluginModule: option.list([], 'ESM modules (paths) exporting scheduler plugin factories to register by name'),
  kubeApiQps: option.number(0, 'requests per second to the apiserver (0: unlimited)'),
  kubeApiBurst: option.number(1000, 'requests allowed at once above kube-api-qps'),
  bindConcurrency: option.number(256, 'most API writes (bindings first, then status updates) in flight at once; a binding waits mostly on the apiserver\'s commit, so many must be in flight to keep pace'),
  logLevel: option.string('info', 'log level', LOG_LEVELS),
  ...busOptions,
};
