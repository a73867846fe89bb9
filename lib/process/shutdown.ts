// How a component process ends on SIGTERM or SIGINT: once, with its own steps in order, exiting 0
// when they finish and 1 if they take longer than `forceAfterMs` (10 s).
import type { Logger } from '../observe/logger.js';

export interface Shutdown {
  /** True from the first signal on. */
  readonly stopping: boolean;
}

export function onShutdown(log: Logger, steps: () => Promise<void>, forceAfterMs = 10_000): Shutdown {
  const state = { stopping: false };
  const shutdown = async (signal: string): Promise<void> => {
    if (state.stopping) return;
    state.stopping = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(1), forceAfterMs).unref();
    await steps();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  return state;
}
