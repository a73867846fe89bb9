// The kubelet's container log reader on real CRI-format files: the container's output back from
// the runtime's records (partial lines joined), tailLines, timestamps, since, limitBytes, and
// follow picking up new lines, moving to the new file after a rotation, and ending once the
// container has exited. And PodLogOptions refused in Kubernetes' words.
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { parseLogOptions, type LogOptions } from '../lib/api/pod-log-options.js';
import { isStatusError } from '../lib/api/status.js';
import { readCriLog } from '../services/kubelet/server/cri-log-reader.js';

const OPTIONS: LogOptions = { follow: false, previous: false, timestamps: false };

function record(time: string, text: string, partial = false, stream = 'stdout'): string {
  return `${time} ${stream} ${partial ? 'P' : 'F'} ${text}\n`;
}

async function collect(path: string, options: LogOptions, follow?: Parameters<typeof readCriLog>[2]): Promise<string> {
  let out = '';
  for await (const chunk of readCriLog(path, options, follow)) out += chunk;
  return out;
}

t.test('reads a CRI log back into the container\'s output', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cri-log-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, '0.log');
  writeFileSync(
    log,
    record('2026-01-01T00:00:01.000000001Z', 'one') +
      record('2026-01-01T00:00:02.000000002Z', 'tw', true) +
      record('2026-01-01T00:00:02.500000000Z', 'o') +
      record('2026-01-01T00:00:03.000000003Z', 'to stderr', false, 'stderr') +
      record('2026-01-01T00:00:04.000000004Z', 'four'),
  );
  t.equal(await collect(log, OPTIONS), 'one\ntwo\nto stderr\nfour\n', 'partial records join into one line');
  t.equal(await collect(log, { ...OPTIONS, tailLines: 2 }), 'to stderr\nfour\n', 'tailLines counts whole lines');
  t.equal(await collect(log, { ...OPTIONS, tailLines: 3 }), 'two\nto stderr\nfour\n', 'a line made of partial records counts once');
  t.equal(await collect(log, { ...OPTIONS, tailLines: 0 }), '', 'tailLines=0 shows nothing');
  t.equal(await collect(log, { ...OPTIONS, timestamps: true, tailLines: 1 }), '2026-01-01T00:00:04.000000004Z four\n', 'timestamps prefix each line');
  t.equal(await collect(log, { ...OPTIONS, sinceMs: Date.parse('2026-01-01T00:00:03Z') }), 'to stderr\nfour\n', 'since leaves earlier lines out');
  t.equal(await collect(log, { ...OPTIONS, limitBytes: 6 }), 'one\ntw', 'limitBytes cuts the output');
});

t.test('follow: new lines, a rotation, and the end once the container exited', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cri-log-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, '0.log');
  writeFileSync(log, record('2026-01-01T00:00:01Z', 'first'));
  let running = true;
  const abort = new AbortController();
  const chunks: string[] = [];
  const done = (async () => {
    for await (const chunk of readCriLog(log, { ...OPTIONS, follow: true }, { running: async () => running, signal: abort.signal })) chunks.push(chunk);
  })();
  const seen = async (text: string): Promise<boolean> => {
    for (let i = 0; i < 100; i++) {
      if (chunks.join('').includes(text)) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  };
  t.ok(await seen('first\n'), 'what was there');
  appendFileSync(log, record('2026-01-01T00:00:02Z', 'second'));
  t.ok(await seen('second\n'), 'a line written later');
  // rotation: the runtime's file is renamed and it writes a new one under the name
  renameSync(log, `${log}.20260101-000003`);
  writeFileSync(log, record('2026-01-01T00:00:04Z', 'after rotation'));
  t.ok(await seen('after rotation\n'), 'the new file after a rotation');
  appendFileSync(log, record('2026-01-01T00:00:05Z', 'last words'));
  running = false;
  await done;
  t.equal(chunks.join(''), 'first\nsecond\nafter rotation\nlast words\n', 'ends once the container exited, with its last lines');
  abort.abort();
});

t.test('PodLogOptions: bad values are 400s', async (t) => {
  const refused = (query: Record<string, unknown>): string => {
    try {
      parseLogOptions(query);
      return 'accepted';
    } catch (error) {
      return isStatusError(error) ? `${error.status.code} ${error.status.message}` : String(error);
    }
  };
  t.match(refused({ tailLines: '-1' }), /^400 tailLines/);
  t.match(refused({ limitBytes: '0' }), /^400 limitBytes/);
  t.match(refused({ follow: 'maybe' }), /^400 follow/);
  t.match(refused({ sinceSeconds: '5', sinceTime: '2026-01-01T00:00:00Z' }), /^400 at most one of sinceTime or sinceSeconds/);
  t.match(refused({ sinceTime: 'yesterday' }), /^400 sinceTime/);
  const options = parseLogOptions({ follow: 'true', tailLines: '10', sinceSeconds: '60' }, 1_000_000);
  t.same(options, { follow: true, previous: false, timestamps: false, tailLines: 10, sinceMs: 940_000 });
});
