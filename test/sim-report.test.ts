// The HTML report of rudder sim as a person opens it: headless Chromium (Debian's chromium,
// driven by playwright-core) draws every chart with no console error; a screenshot is kept in
// test-artifacts/sim-report.png.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { ROOT } from './helpers/paths.js';
import { rudder } from './helpers/rudder-cli.js';

const CHROMIUM = '/usr/bin/chromium';

async function playwright(): Promise<typeof import('playwright-core') | undefined> {
  try {
    return await import('playwright-core');
  } catch {
    return undefined;
  }
}

const pw = await playwright();
const skip = existsSync(CHROMIUM) && pw ? undefined : `needs ${CHROMIUM} (Debian package chromium) and the npm package playwright-core`;

t.test('the report draws every chart in Chromium without console errors', { skip }, async (t) => {
  if (!pw) return;
  const dir = mkdtempSync(join(tmpdir(), 'rudder-sim-report-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'w.yaml'), 'generate: {nodes: 100, pods: 1500, arrivalSpan: 300s, meanDuration: 200s}\n');
  const run = rudder(['sim', '--workload', join(dir, 'w.yaml'), '--profiles', 'least-allocated,most-allocated', '--seed', '7', '--out', join(dir, 'out')]);
  t.equal(run.code, 0, run.stderr);

  const browser = await pw.chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox'] });
  t.teardown(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(pathToFileURL(join(dir, 'out', 'report.html')).href);
  await page.waitForFunction('[...document.querySelectorAll(".chart")].every((c) => c.getAttribute("data-drawn") === "true")', undefined, { timeout: 20_000 });

  const charts = await page.$$eval('.chart', (els) =>
    els.map((el) => {
      const canvas = el.querySelector('canvas');
      let painted = 0;
      if (canvas) {
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
      }
      return { id: el.id, width: canvas?.width ?? 0, painted };
    }),
  );
  t.same(charts.map((c) => c.id), ['nodes-used', 'cpu-used', 'memory-used', 'pending', 'pending-time']);
  for (const c of charts) t.ok(c.width > 0 && c.painted > 1000, `${c.id} drew on its canvas (${c.painted} painted pixels)`);
  t.match(await page.textContent('#summary'), /nodes used at peak/);
  t.same(problems, [], 'no console errors');
  t.same(requests.filter((u) => !u.startsWith('file:')), [], 'nothing fetched: the report is self-contained');
  const artifacts = join(ROOT, 'test-artifacts');
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, 'sim-report.png'), fullPage: true });
});
