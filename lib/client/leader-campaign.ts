// Active/standby for a component process, as Kubernetes' scheduler and controller-manager run it:
// the leader-election flags they share, and the campaign — lead() once the Lease is held (at once
// with --leader-elect=false); a lost lease ends the process, so its supervisor starts a fresh
// standby; stop() releases the lease so another candidate takes over at once.
import { option } from '../config/options.js';
import type { Logger } from '../observe/logger.js';
import type { Clock } from './clock.js';
import { LeaderElector } from './leader-election.js';
import type { RestClient } from './rest-client.js';

/** The --leader-elect* flags; `lease` is the default Lease name, `acts` what the leader does ("schedule"). */
export function leaderElectionOptions(lease: string, acts: string) {
  return {
    leaderElect: option.boolean(true, `run active/standby: ${acts} only while holding the lease`),
    leaderElectResourceName: option.string(lease, 'name of the Lease of leader election'),
    leaderElectResourceNamespace: option.string('kube-system', 'namespace of the Lease of leader election'),
    leaderElectLeaseDuration: option.duration('15s', 'how long a standby waits after the last renewal before taking the lease'),
    leaderElectRenewDeadline: option.duration('10s', 'how long the leader retries renewing before it gives up leading'),
    leaderElectRetryPeriod: option.duration('2s', 'how often candidates try to acquire or renew the lease'),
    identity: option.string('', 'this process\'s identity in the lease (default: hostname_pid)'),
  };
}

export interface LeaderElectionSettings {
  leaderElect: boolean;
  leaderElectResourceName: string;
  leaderElectResourceNamespace: string;
  leaderElectLeaseDuration: number;
  leaderElectRenewDeadline: number;
  leaderElectRetryPeriod: number;
}

export interface CampaignDeps {
  client: RestClient;
  identity: string;
  clock: Clock;
  log: Logger;
  /** Starts the work of a leader; called once. */
  lead(): void;
  /** True once the process is shutting down: losing the lease then is expected. */
  isStopping(): boolean;
}

export interface Campaign {
  /** Ends the campaign (releasing a held lease); a lease lost afterwards no longer ends the process. */
  stop(): Promise<void>;
}

export function campaign(settings: LeaderElectionSettings, deps: CampaignDeps): Campaign {
  const { client, identity, clock, log } = deps;
  if (!settings.leaderElect) {
    deps.lead();
    return { stop: async () => undefined };
  }
  let stopping = false;
  const abort = new AbortController();
  const running = new LeaderElector({
    client,
    namespace: settings.leaderElectResourceNamespace,
    name: settings.leaderElectResourceName,
    identity,
    leaseDurationMs: settings.leaderElectLeaseDuration,
    renewDeadlineMs: settings.leaderElectRenewDeadline,
    retryPeriodMs: settings.leaderElectRetryPeriod,
    callbacks: {
      onStartedLeading: () => deps.lead(),
      onStoppedLeading: () => {
        if (stopping || deps.isStopping()) return;
        log.error({ identity }, 'leader election lost');
        process.exit(1);
      },
      onNewLeader: (leader) => log.info({ leader }, 'new leader'),
    },
    clock,
    log,
  }).run(abort.signal);
  return {
    async stop() {
      stopping = true;
      abort.abort();
      await running;
    },
  };
}
