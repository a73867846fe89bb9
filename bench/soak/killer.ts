// Every interval, SIGKILL one replica (round robin, and every third time whichever leads) and
// start it again on its data a few seconds later. Any other exit of a replica process is an
// unexpected exit: it is recorded (code, signal, the end of its output) and the replica started
// again, so the soak goes on.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChildProcess } from 'node:child_process';
import type { Replica, ReplicaSet } from '../../lib/launch/replica-set.js';
import type { Running } from './valid-clients.js';

export interface Kill {
  atSeconds: number;
  replica: number;
  wasLeader: boolean;
  /** From SIGKILL to /readyz answering again. */
  downSeconds: number;
}

export interface UnexpectedExit {
  atSeconds: number;
  replica: number;
  code: number | null;
  signal: string | null;
  outputTail: string;
}

export interface KillerOptions {
  intervalMs: number;
  /** How long a killed replica stays down before it is started again. */
  downMs: number;
  started: number;
  log(line: string): void;
}

export function startKiller(set: ReplicaSet, options: KillerOptions): Running & { kills: Kill[]; unexpected: UnexpectedExit[]; restartFailures: string[] } {
  const kills: Kill[] = [];
  const unexpected: UnexpectedExit[] = [];
  const restartFailures: string[] = [];
  const killing = new Set<ChildProcess>();
  const restarting = new Set<number>();
  const seconds = (): number => Math.round((Date.now() - options.started) / 1000);
  let running = true;

  const restart = async (replica: Replica): Promise<void> => {
    restarting.add(replica.id);
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await replica.process.restart();
          break;
        } catch (error) {
          restartFailures.push(`replica ${replica.id} attempt ${attempt}: ${(error as Error).message.slice(0, 500)}`);
          if (attempt >= 3) throw error;
          await sleep(2000);
        }
      }
      watch(replica);
    } finally {
      restarting.delete(replica.id);
    }
  };

  /** Notices an exit the soak did not cause. */
  const watch = (replica: Replica): void => {
    const child = replica.process.child;
    child.once('exit', (code, signal) => {
      if (killing.has(child) || !running) return;
      const output = replica.process.output();
      unexpected.push({ atSeconds: seconds(), replica: replica.id, code, signal, outputTail: output.slice(-3000) });
      options.log(`replica ${replica.id} exited on its own (code ${code}, signal ${signal}); starting it again`);
      void restart(replica).catch((error: Error) => options.log(`replica ${replica.id} did not start again: ${error.message}`));
    });
  };
  for (const replica of set.replicas) watch(replica);

  const loop = async (): Promise<void> => {
    let next = 0;
    for (let round = 0; running; round++) {
      const deadline = Date.now() + options.intervalMs;
      while (running && Date.now() < deadline) await sleep(Math.min(1000, deadline - Date.now()));
      if (!running) return;
      let victim = set.replicas[next % set.replicas.length]!;
      let wasLeader = false;
      if (round % 3 === 2) {
        try {
          victim = await set.leader(5000);
          wasLeader = true;
        } catch {
          // No leader to kill right now: the round-robin one.
        }
      } else {
        next++;
        wasLeader = (await set.report(victim.id))?.role === 'leader';
      }
      if (restarting.has(victim.id)) continue;
      const killedAt = Date.now();
      options.log(`SIGKILL replica ${victim.id}${wasLeader ? ' (the leader)' : ''}`);
      killing.add(victim.process.child);
      await victim.process.kill('SIGKILL');
      await sleep(options.downMs);
      try {
        await restart(victim);
        kills.push({ atSeconds: Math.round((killedAt - options.started) / 1000), replica: victim.id, wasLeader, downSeconds: Math.round((Date.now() - killedAt) / 100) / 10 });
        options.log(`replica ${victim.id} is back after ${kills.at(-1)!.downSeconds} s`);
      } catch (error) {
        options.log(`replica ${victim.id} did not start again: ${(error as Error).message.slice(0, 300)}`);
      }
    }
  };

  const done = loop();
  return {
    kills,
    unexpected,
    restartFailures,
    async stop() {
      running = false;
      await done;
    },
  };
}
