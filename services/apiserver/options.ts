// The apiserver's options (flags, RUDDER_* environment, --config-file), named after
// kube-apiserver's where one exists.
import { busOptions } from '../../lib/bus/options.js';
import { option } from '../../lib/config/options.js';
import { LOG_LEVELS } from '../../lib/observe/logger.js';

export const apiserverOptions = {
  dataDir: option.string('.rudder/apiserver', 'directory for the store, certificates and tokens of this apiserver'),
  bindAddress: option.string('127.0.0.1', 'address to listen on (0.0.0.0 for every interface)'),
  securePort: option.number(6443, 'HTTPS port (0 picks a free port and logs it)'),
  certDir: option.string('', 'directory of the cluster CA and serving certificate (made if missing); default <data-dir>/pki'),
  tokenAuthFile: option.string('', 'static token file (token,user,uid,"groups"); made with an admin token if missing; default <data-dir>/tokens.csv'),
  serviceClusterIpRange: option.string('10.96.0.0/12', 'CIDR from which Service cluster IPs are allocated'),
  serviceNodePortRange: option.string('30000-32767', 'range of ports reserved for NodePort Services'),
  advertiseAddress: option.string('127.0.0.1', 'address published in the "kubernetes" Service endpoints'),
  compactionInterval: option.duration('5m', 'how often store history older than one interval is compacted (0 disables)'),
  historyRevisions: option.number(100000, 'most revisions of history kept for watches and paged lists'),
  watchBookmarkInterval: option.duration('60s', 'how often watches that allow bookmarks receive one'),
  minRequestTimeout: option.duration('1800s', 'watches without timeoutSeconds end after a random time between this and twice this'),
  logLevel: option.string('info', 'log level', LOG_LEVELS),
  ...busOptions,
  redisStreamMaxLen: option.number(10000, 'with --bus redis: about how many entries each stream keeps (XADD MAXLEN ~); readers further behind relist'),
};
