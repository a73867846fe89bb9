// npm run bench -- scheduler-kernel: the kernel part of the scheduler benchmark on its own.
import { runKernelBench } from './lib/scheduler-kernel.js';
import { printTable, writeResults } from './lib/results.js';

export async function benchSchedulerKernel(): Promise<void> {
  const kernel = await runKernelBench();
  const path = writeResults('scheduler-kernel', { kernel });
  printTable([
    ['path', 'pods/s', 'seconds'],
    ['typescript reference', kernel.referencePodsPerSecond, kernel.referenceSeconds],
    ['native kernel', kernel.nativePodsPerSecond, kernel.nativeSeconds],
    ['framework + kernel accelerator', kernel.acceleratedFrameworkPodsPerSecond, ''],
  ]);
  process.stdout.write(`load average ${kernel.loadAverage} at the start\n`);
  process.stdout.write(`ratio ${kernel.ratio}x, same node for ${kernel.sameChoices}/${kernel.pods} pods; written to ${path}\n`);
}
