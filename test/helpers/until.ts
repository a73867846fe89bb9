// Polls a condition until it holds or time runs out; tests assert on the answer.
import { setTimeout as sleep } from 'node:timers/promises';

export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, intervalMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await sleep(intervalMs);
  }
  return true;
}
