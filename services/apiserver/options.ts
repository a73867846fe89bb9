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
  requestTimeout: option.duration('60s', 'a request that is not long-running (watch, exec, attach, port-forward, proxy, log) is answered 504 Timeout after this; clients may ask for less with ?timeout='),
  maxRequestsInflight: option.number(400, 'most reads in flight at once; past it a read gets 429 with Retry-After (system:masters are always answered; watches are not counted; 0: no limit)'),
  maxMutatingRequestsInflight: option.number(200, 'most writes in flight at once; past it a write gets 429 with Retry-After (system:masters are always answered; 0: no limit)'),
  tlsHandshakeTimeout: option.duration('10s', 'a connection whose TLS handshake has not finished after this is closed'),
  readHeaderTimeout: option.duration('32s', 'a connection whose request headers have not all arrived after this is answered 408 and closed'),
  keepAliveTimeout: option.duration('75s', 'an idle keep-alive connection is closed after this'),
  maxConnections: option.number(10000, 'most open connections; past it new connections are closed as soon as they are accepted (0: no limit)'),
  anonymousAuth: option.boolean(true, 'a request without credentials is system:anonymous in system:unauthenticated (which RBAC lets read /version and the health probes); false answers it 401'),
  authorizationMode: option.list(['Node', 'RBAC'], 'how requests are authorized, in order: Node (kubelets, by the pods bound to them) and RBAC, or AlwaysAllow (every authenticated request)'),
  serviceAccountIssuer: option.string('https://kubernetes.default.svc.cluster.local', 'the iss of ServiceAccount tokens this apiserver issues and accepts, and of its OpenID discovery document'),
  apiAudiences: option.list(['https://kubernetes.default.svc.cluster.local'], 'the audiences of this apiserver: a TokenReview without spec.audiences is checked against these'),
  replicaId: option.number(0, 'this apiserver\'s replica id in a replicated store (0: a single replica with a local log)'),
  peers: option.list([], 'the replicas of a new cluster as id=host:port (the port replicas talk Raft on), this one included'),
  peerAddress: option.string('', 'host:port to listen on for the other replicas (default: this replica\'s entry in --peers)'),
  join: option.boolean(false, 'join a running cluster (after `rudder apiserver add` or POST /admin/replicas) instead of starting one'),
  heartbeatInterval: option.duration('100ms', 'Raft heartbeat interval (one Raft clock tick)'),
  electionTimeout: option.duration('1s', 'time without a leader before a replica calls an election (randomized up to twice this)'),
  storeRequestTimeout: option.duration('5s', 'writes and linearizable reads that cannot reach a quorum fail with 503 after this'),
  snapshotWrites: option.number(100000, 'compact the Raft log (snapshot point) after this many writes'),
  logLevel: option.string('info', 'log level', LOG_LEVELS),
  ...busOptions,
  redisStreamMaxLen: option.number(10000, 'with --bus redis: about how many entries each stream keeps (XADD MAXLEN ~); readers further behind relist'),
};
