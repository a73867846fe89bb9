// rudder logs COMPONENT: prints a component's log file; -f keeps following it.
import { createReadStream, existsSync, readdirSync, statSync, watchFile } from 'node:fs';
import { join, resolve } from 'node:path';

export async function logs(options: { dataDir: string; component: string; follow: boolean }): Promise<number> {
  const dir = join(resolve(options.dataDir), 'logs');
  const path = join(dir, `${options.component}.log`);
  if (!existsSync(path)) {
    const known = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.log')).map((f) => f.slice(0, -4)) : [];
    process.stderr.write(`rudder: no log for "${options.component}"${known.length ? `; known: ${known.join(', ')}` : ''}\n`);
    return 1;
  }
  let offset = 0;
  const copy = (): Promise<void> =>
    new Promise((done) => {
      const size = statSync(path).size;
      if (size < offset) offset = 0;
      if (size === offset) return done();
      const stream = createReadStream(path, { start: offset, end: size - 1 });
      offset = size;
      stream.on('end', () => done());
      stream.pipe(process.stdout, { end: false });
    });
  await copy();
  if (!options.follow) return 0;
  watchFile(path, { interval: 250 }, () => void copy());
  await new Promise<never>(() => undefined);
  return 0;
}
